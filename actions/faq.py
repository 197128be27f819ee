"""Frequently asked questions: the answer, and the next step it offers.

Every FAQ answer in domain.yml (`utter_faq/<name>`) ends with an offer ("Want help requesting your
records?") and has that offer as its first button. Outside a form Rasa's `utter_faq` sends the
answer, then `action_faq_offer` remembers the offer, so that a typed "yes" does what the button
does (`pending_offer`, read by `action_confirm_pending`). Inside a form `action_faq_in_form`
answers without the offer: there a "yes" answers the form's question, and the person is already
busy with something.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import NamedAction
from bot.logic import messages, pending
from bot.names import Action, Intent, Slot


def faq_answer(tracker: Tracker, domain: DomainDict) -> dict[str, Any] | None:
    """The domain's `utter_faq/<name>` (text and buttons) for the FAQ the selector chose, if any."""
    message = tracker.latest_message
    selector = (message.get("response_selector") or {}).get(Intent.FAQ) or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    key = key or (message.get("intent") or {}).get("full_retrieval_intent_name")
    if not key:
        return None
    variants = (domain.get("responses") or {}).get(f"utter_{key}") or []
    return variants[0] if variants else None


class ActionFaqOffer(NamedAction):
    """Runs right after `utter_faq`: the answer's first button is what a typed "yes" will do."""

    NAME = Action.ACTION_FAQ_OFFER

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        answer = faq_answer(tracker, domain)
        buttons = (answer or {}).get("buttons") or []
        if not buttons:
            return []
        return [SlotSet(pending.SLOT, pending.OFFER), SlotSet(Slot.PENDING_OFFER, buttons[0]["payload"])]


class ActionFaqInForm(NamedAction):
    """The answer alone, in the middle of a form; the form then asks its question again."""

    NAME = Action.ACTION_FAQ_IN_FORM

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        answer = faq_answer(tracker, domain)
        text = messages.without_closing_offer(answer["text"]) if answer else messages.FAQ_NOT_FOUND
        dispatcher.utter_message(text=text)
        return []
