"""Yes / no replies outside forms, answered by what the bot last asked (`pending_confirmation`).

One action per answer keeps the rules trivial ("affirm → action_confirm_pending"); what a yes or a
no means is in ``ANSWERS``, one row per kind of open question (``bot.logic.pending.KINDS``), each
with the handlers of the journey that asks it. A contract test checks that every kind has its row.
Only a question asked in the bot's last turn is answered (`fresh_pending`): a "yes" two topics
later never deletes anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import notebook
from actions.common import NamedAction, clear_pending, fresh_pending, press
from actions.flow import ask_which_reading
from actions.handoff import start_handoff
from actions.sharing import send_questions_by_text
from bot.logic import messages, pending
from bot.names import Action, Slot

Answer = Callable[[CollectingDispatcher, Tracker], Awaitable[list[EventType]]]


async def _press_offered(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """"Want help requesting your records?" - "sure": as if the offered button was pressed."""
    offered = tracker.get_slot(Slot.PENDING_OFFER)
    if not offered:
        return await _nothing_to_confirm(dispatcher, tracker)
    return [*clear_pending(), *press(offered, tracker)]


async def _erase(_dispatcher: CollectingDispatcher, _tracker: Tracker) -> list[EventType]:
    return [*clear_pending(), FollowupAction(Action.ACTION_ERASE_DATA)]


async def _connect(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    return [*clear_pending(), *await start_handoff(dispatcher, tracker)]


async def _nothing_to_confirm(dispatcher: CollectingDispatcher, _tracker: Tracker) -> list[EventType]:
    dispatcher.utter_message(text=messages.NOTHING_TO_CONFIRM)
    dispatcher.utter_message(response="utter_menu")
    return clear_pending()


def _say(text: str) -> Answer:
    async def answer(dispatcher: CollectingDispatcher, _tracker: Tracker) -> list[EventType]:
        dispatcher.utter_message(text=text)
        return []

    return answer


_OK = _say(messages.OK)
_NOTHING_CHANGED = _say(messages.NOTHING_CHANGED)
_NOT_SAVED = _say(messages.NOT_SAVED)

# kind -> (what "yes" does, what "no" says before the menu).
ANSWERS: dict[str, tuple[Answer, Answer]] = {
    pending.OFFER: (_press_offered, _OK),
    pending.DID_YOU_MEAN: (ask_which_reading, _OK),
    pending.SAVE_QUESTION: (notebook.save_offered_question, _NOT_SAVED),
    pending.QUESTION_TEXT: (notebook.still_waiting_for_the_question, _say(messages.NOTHING_SAVED)),
    pending.SAVE_SUGGESTIONS: (notebook.save_all_suggestions, _NOT_SAVED),
    pending.REMOVE_QUESTION: (_nothing_to_confirm, _OK),
    pending.EDIT_QUESTION: (_nothing_to_confirm, _OK),
    pending.CLEAR_QUESTIONS: (notebook.clear_all_questions, _NOTHING_CHANGED),
    pending.TEXT_QUESTIONS: (
        send_questions_by_text,
        _say(messages.TEXT_NOT_SENT),
    ),
    pending.ERASE_DATA: (_erase, _NOTHING_CHANGED),
    pending.HANDOFF: (
        _connect,
        _say(messages.HANDOFF_DECLINED),
    ),
}


class ActionConfirmPending(NamedAction):
    NAME = Action.ACTION_CONFIRM_PENDING

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        yes, _ = ANSWERS.get(fresh_pending(tracker) or "", (_nothing_to_confirm, _OK))
        return await yes(dispatcher, tracker)


class ActionDeclinePending(NamedAction):
    NAME = Action.ACTION_DECLINE_PENDING

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        _, no = ANSWERS.get(fresh_pending(tracker) or "", (_nothing_to_confirm, _OK))
        await no(dispatcher, tracker)
        dispatcher.utter_message(response="utter_menu")
        # The number typed for a text is forgotten as soon as it is not needed.
        return [*clear_pending(), SlotSet(Slot.SUGGESTED_QUESTIONS, None), SlotSet(Slot.SMS_NUMBER, None)]
