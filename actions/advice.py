"""Medical questions: no advice, but the question becomes one to ask the doctors."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_text
from bot.logic import advice
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.understanding.advice import reframe_as_question

SAVE_BUTTONS = [
    {"title": "Yes, save it", "payload": "/affirm"},
    {"title": "No thanks", "payload": "/deny"},
]


class ActionNoMedicalAdvice(Action):
    def name(self) -> str:
        return "action_no_medical_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        question = reframe_as_question(latest_text(tracker))
        dispatcher.utter_message(text=advice.NO_ADVICE_MESSAGE)
        if tracker.active_loop.get("name"):
            # Mid-form a "yes" would answer the form's question, so save it rather than ask.
            await run_sync(repository.add_questions, tracker.sender_id, [question])
            dispatcher.utter_message(
                text=f'I\'ve saved this to your question list for the doctors:\n"{question}"\n'
                "Now, back to where we were."
            )
            return []
        dispatcher.utter_message(
            text=f'A good way to ask your doctors:\n"{question}"\nShall I save it to your question list?',
            buttons=SAVE_BUTTONS,
        )
        return [SlotSet("pending_question", question), SlotSet("pending_confirmation", "save_question")]
