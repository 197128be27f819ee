"""Privacy: "delete my data" erases everything stored about the person, after confirmation."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import NamedAction, pause_active_form
from bot.logic import messages, pending
from bot.names import Action
from bot.persistence import repository
from bot.persistence.db import run_sync


class ActionAskErase(NamedAction):
    NAME = Action.ACTION_ASK_ERASE

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


class ActionEraseData(NamedAction):
    """The erase itself: the tracker store drops the stored history when it sees this name.

    The store spells it ``bot.rasa_ext.ERASE_ACTION_NAME``; actions never import Rasa's side (its
    modules bring Rasa and TensorFlow), so tests/actions/test_action_modules.py checks both agree.
    """

    NAME = Action.ACTION_ERASE_DATA

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await erase(dispatcher, tracker)
