"""Privacy: "delete my data" erases everything stored about the person, after confirmation."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import pause_active_form
from bot.logic import messages, pending
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.rasa_ext import ERASE_ACTION_NAME


class ActionAskErase(Action):
    def name(self) -> str:
        return "action_ask_erase"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=messages.ERASE_CONFIRM, buttons=messages.ERASE_CONFIRM_BUTTONS)
        return [*pause_active_form(tracker), SlotSet(pending.SLOT, pending.ERASE_DATA)]


async def erase(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Delete the rows now; the tracker store drops the stored history when it sees this action.

    `Restarted` wipes the slots too, so nothing about the person survives in memory either.
    """
    await run_sync(repository.erase_person, tracker.sender_id)
    dispatcher.utter_message(text=messages.ERASED)
    return [Restarted()]


class ActionEraseData(Action):
    def name(self) -> str:
        return ERASE_ACTION_NAME

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await erase(dispatcher, tracker)
