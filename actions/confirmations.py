"""Yes / no replies outside forms, routed by what the bot last offered (`pending_confirmation`).

One action per answer keeps the rules trivial ("affirm → action_confirm_pending") and puts the
decision in tested Python instead of many competing rules. Only a question asked in the bot's last
turn is answered (`fresh_pending`): a "yes" two topics later never deletes anything.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import clear_pending, fresh_pending, press
from actions.handoff import start_handoff
from actions.sharing import send_questions_by_text
from bot.logic import messages
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.rasa_ext import ERASE_ACTION_NAME
from bot.rasa_ext.choice_policy import QUESTION_TEXT


class ActionConfirmPending(Action):
    def name(self) -> str:
        return "action_confirm_pending"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        pending = fresh_pending(tracker)
        if pending == "offer" and tracker.get_slot("pending_offer"):
            # "Want help requesting your records?" - "sure": as if the offered button was pressed.
            return [*clear_pending(), *press(tracker.get_slot("pending_offer"), tracker)]
        if pending == "erase_data":
            return [*clear_pending(), FollowupAction(ERASE_ACTION_NAME)]
        if pending == "handoff":
            return [*clear_pending(), *await start_handoff(dispatcher, tracker)]
        if pending == "save_question":
            question = tracker.get_slot("pending_question")
            if question:
                await run_sync(repository.add_questions, tracker.sender_id, [question])
                total = len(await run_sync(repository.list_questions, tracker.sender_id))
                dispatcher.utter_message(
                    text=f"Saved: \"{question}\". You have {total} question{'s' if total != 1 else ''} on your list.",
                    buttons=[{"title": "See my list", "payload": "/list_questions"}],
                )
            return clear_pending()
        if pending == "save_suggestions":
            offered = tracker.get_slot("suggested_questions") or []
            added = await run_sync(repository.add_questions, tracker.sender_id, offered, "suggested")
            dispatcher.utter_message(
                text=f"Saved {len(added)} question{'s' if len(added) != 1 else ''} to your list.",
                buttons=[{"title": "See my list", "payload": "/list_questions"}],
            )
            return [*clear_pending(), SlotSet("suggested_questions", None)]
        if pending == "text_questions":
            return await send_questions_by_text(dispatcher, tracker)
        if pending == QUESTION_TEXT:  # "yes" to "what's the question?": still waiting for it
            dispatcher.utter_message(text="Go ahead — type your question and I'll save it.")
            return [SlotSet("pending_confirmation", QUESTION_TEXT)]
        if pending == "clear_questions":
            removed = await run_sync(repository.clear_questions, tracker.sender_id)
            dispatcher.utter_message(text=f"Done — I deleted {removed} question{'s' if removed != 1 else ''}.")
            return clear_pending()
        dispatcher.utter_message(text="OK!")
        dispatcher.utter_message(response="utter_menu")
        return clear_pending()


class ActionDeclinePending(Action):
    def name(self) -> str:
        return "action_decline_pending"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        pending = fresh_pending(tracker)
        if pending in ("erase_data", "clear_questions"):
            dispatcher.utter_message(text=messages.NOTHING_CHANGED)
        elif pending == "handoff":
            dispatcher.utter_message(
                text="OK. I'm here if you want to keep going — and you can ask for a person any time."
            )
        elif pending in ("save_question", "save_suggestions"):
            dispatcher.utter_message(text="No problem, I didn't save it.")
        elif pending == QUESTION_TEXT:
            dispatcher.utter_message(text="No problem, nothing saved.")
        elif pending == "text_questions":
            dispatcher.utter_message(text="OK, I didn't send anything. Your list and its link are still here.")
        else:
            dispatcher.utter_message(text="OK.")
        dispatcher.utter_message(response="utter_menu")
        # The number typed for a text is forgotten as soon as it is not needed.
        return [*clear_pending(), SlotSet("suggested_questions", None), SlotSet("sms_number", None)]
