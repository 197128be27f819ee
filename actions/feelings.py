"""Feelings: "i'm scared", "this is a lot". Kindness first, then one small next step.

A crisis ("I don't want to be here anymore") never comes here: SafetyIntentOverride and
HandoffPolicy send it to the crisis reply first. This is for the fear and overload that come with
a new diagnosis, which deserve an answer, not "Sorry, I didn't understand".
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import NamedAction
from bot.logic import messages, pending
from bot.names import Action, Slot


class ActionComfort(NamedAction):
    NAME = Action.ACTION_COMFORT

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=messages.COMFORT)
        dispatcher.utter_message(text=messages.COMFORT_OFFER, buttons=messages.COMFORT_BUTTONS)
        # "yes" to "Would you like to talk with a person?" brings one.
        person = messages.COMFORT_BUTTONS[0]["payload"]
        return [SlotSet(pending.SLOT, pending.OFFER), SlotSet(Slot.PENDING_OFFER, person)]
