"""Journey 2: asking the doctor for a second opinion."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import NamedAction, note_case
from bot.logic import doctor, messages
from bot.names import Action, Slot


class ActionAskDoctor(NamedAction):
    NAME = Action.ACTION_ASK_DOCTOR

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        case = await note_case(tracker)
        scripts = doctor.doctor_scripts(case.condition, case.treatment, relation=tracker.get_slot(Slot.RELATION))
        dispatcher.utter_message(text=doctor.REASSURANCE)
        dispatcher.utter_message(text=messages.you_could_say(scripts))
        dispatcher.utter_message(text=messages.IF_THEY_REACT_BADLY, buttons=messages.AFTER_SCRIPTS_BUTTONS)
        return case.slot_events()


class ActionDoctorPushback(NamedAction):
    NAME = Action.ACTION_DOCTOR_PUSHBACK

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=doctor.PUSHBACK_ADVICE, buttons=messages.AFTER_PUSHBACK_BUTTONS)
        return []
