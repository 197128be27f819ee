"""Journey 2: asking the doctor for a second opinion."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import case_slots_from_message, remember_case_facts
from bot.logic import doctor, messages


class ActionAskDoctor(Action):
    def name(self) -> str:
        return "action_ask_doctor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        facts = case_slots_from_message(tracker)
        await remember_case_facts(tracker, facts)
        scripts = doctor.doctor_scripts(
            facts.get("condition") or tracker.get_slot("condition"),
            facts.get("treatment") or tracker.get_slot("treatment"),
            relation=tracker.get_slot("relation"),
        )
        dispatcher.utter_message(text=doctor.REASSURANCE)
        dispatcher.utter_message(text=messages.you_could_say(scripts))
        dispatcher.utter_message(text=messages.IF_THEY_REACT_BADLY, buttons=messages.AFTER_SCRIPTS_BUTTONS)
        return [SlotSet(k, v) for k, v in facts.items()]


class ActionDoctorPushback(Action):
    def name(self) -> str:
        return "action_doctor_pushback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=doctor.PUSHBACK_ADVICE, buttons=messages.AFTER_PUSHBACK_BUTTONS)
        return []
