"""Moving around a conversation: explaining a question, pausing and resuming a form, fallback."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import FORM_TOPICS, latest_text
from actions.handoff import pause_active_form, start_handoff
from bot.logic import assessment, messages, records
from bot.persistence import repository
from bot.persistence.db import run_sync


class ActionExplain(Action):
    """Says why the current question matters, then the form asks it again."""

    def name(self) -> str:
        return "action_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slot = tracker.get_slot("requested_slot")
        if slot in records.EXPLANATIONS:
            dispatcher.utter_message(text=records.EXPLANATIONS[slot])
        elif slot:
            dispatcher.utter_message(text=assessment.explanation(slot))
        else:
            dispatcher.utter_message(
                text="I help you decide about a second opinion, talk to your doctor, get your records and "
                "prepare questions. Which would help?"
            )
            dispatcher.utter_message(response="utter_menu")
        return []


class ActionPauseForm(Action):
    def name(self) -> str:
        return "action_pause_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        dispatcher.utter_message(text=messages.FORM_PAUSED.format(topic=FORM_TOPICS.get(form or "", "here")))
        return pause_active_form(tracker)


class ActionFallback(Action):
    """First miss: say so kindly. Second miss in a row: bring in a human (brief: never get stuck).

    Every miss is kept, de-identified and sealed, for advocates to label (the console's "Not
    understood" page): what people write that the bot cannot read is the training data it lacks.
    """

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        readings = [(item.get("name") or "", float(item.get("confidence") or 0.0)) for item in ranking]
        await run_sync(repository.record_unclear_message, tracker.sender_id, latest_text(tracker), "fallback", readings)
        user_turns = [e for e in tracker.events if e.get("event") == "user"]
        previous = user_turns[-2] if len(user_turns) >= 2 else None
        previous_intent = ((previous or {}).get("parse_data") or {}).get("intent", {}).get("name")
        if previous_intent == "nlu_fallback":
            return await start_handoff(dispatcher, tracker, reason=messages.FALLBACK_HANDOFF_REASON)
        dispatcher.utter_message(text=messages.FALLBACK_FIRST)
        dispatcher.utter_message(response="utter_menu")
        return []
