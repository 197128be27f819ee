"""Medical questions: no advice, but the question becomes one to ask the doctors."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import NamedAction, latest_text, save_questions
from bot.logic import advice, messages, pending
from bot.names import Action, Slot


class ActionNoMedicalAdvice(NamedAction):
    """A health question: why the bot can't answer, who can, and the question saved in their words."""

    NAME = Action.ACTION_NO_MEDICAL_ADVICE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = latest_text(tracker)
        question = advice.question_to_save(text)
        boundary = advice.NO_ADVICE_MESSAGE
        if advice.is_about_a_medicine(text):
            boundary = f"{boundary} {advice.PHARMACIST_NOTE}"
        dispatcher.utter_message(text=boundary)
        if tracker.active_loop.get("name"):
            # Mid-form a "yes" would answer the form's question, so save it rather than ask.
            await save_questions(dispatcher, tracker.sender_id, [question], in_form=True)
            return []
        dispatcher.utter_message(text=advice.SAVE_OFFER.format(question=question), buttons=messages.SAVE_OFFER_BUTTONS)
        return [SlotSet(Slot.PENDING_QUESTION, question), SlotSet(pending.SLOT, pending.SAVE_QUESTION)]
