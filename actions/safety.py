"""Safety first, in every state: a crisis or an emergency gets its answer before anything else.

`HandoffPolicy` predicts these actions right after such a message, also inside forms and during a
handoff, so no other flow can swallow them.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import NamedAction, pause_active_form, tell_handoff_already_open
from bot.logic import messages, pending, safety
from bot.names import Action, Slot


class ActionCrisis(NamedAction):
    NAME = Action.ACTION_CRISIS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=safety.CRISIS_MESSAGE)
        if tracker.get_slot(Slot.HANDOFF_ACTIVE):
            await tell_handoff_already_open(dispatcher)
            return pause_active_form(tracker)
        dispatcher.utter_message(text=messages.OFFER_HUMAN, buttons=messages.YES_NO_BUTTONS)
        return [*pause_active_form(tracker), SlotSet(pending.SLOT, pending.HANDOFF)]


class ActionEmergency(NamedAction):
    NAME = Action.ACTION_EMERGENCY

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=safety.EMERGENCY_MESSAGE)
        return pause_active_form(tracker)
