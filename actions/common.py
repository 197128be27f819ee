"""Helpers shared by the journey modules."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.persistence import repository
from bot.persistence.db import run_sync

# Intents that, said in the middle of a form, are not an answer but a new request; each has a rule
# that answers it in any state (data/stories/form_interruptions.yml and the journey rules).
# Hard ones always interrupt. Soft ones only when the message is a question: "an electronic copy"
# looks like a records FAQ to the classifier, but it is the answer to the question just asked.
HARD_INTERRUPTS = frozenset(
    {"stop", "help", "crisis_self_harm", "medical_emergency", "human_handoff", "delete_my_data"}
)
SOFT_INTERRUPTS = frozenset({"faq", "explain", "medical_advice", "bot_challenge"})
# Notebook commands are not questions ("save: ask about parking", "show my list"), but they are
# never an answer to a form's question either: handled, then the form asks again.
NOTEBOOK_INTERRUPTS = frozenset({"add_question", "list_questions"})
# Below this confidence an "interrupting" intent is more likely a free-text answer ("Dr. Help").
INTERRUPT_CONFIDENCE = 0.7
_QUESTION = re.compile(
    r"\?\s*$|^\s*(what|how|why|when|where|who|which|whats|can|could|do|does|did|is|are|will|would|should|may|"
    r"might|am|was|were|have|has|tell me|explain)\b",
    re.IGNORECASE,
)
# A whole message that only says "leave this form": "forget about the letter", "ok stop the quiz
# please". A form's free-text answers (a clinic, dates, a name) never look like this, so a stop the
# classifier is only fairly sure of still interrupts; "Stop & Shop pharmacy" does not match.
_LEAVE_FORM = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|please|pls|actually|no|just|can\s+we|let'?s|i\s+want\s+to)\W+)*"
    r"(?:stop|cancel|quit|exit|abort|forget|never\s*mind|nevermind|nvm|drop|pause)\b"
    r"(?:\s+(?:about|with|doing|asking))?"
    r"(?:\s+(?:it|this|that|these|them|(?:all|with)\s+(?:this|that)|me|the\s+(?:\w+\s+)?(?:letter|form|quiz|"
    r"questions?|questionnaire|request|assessment|whole\s+thing)))?"
    r"(?:\s+(?:please|pls|plz|for\s+now|now|then|already|thanks|thx))*\W*$",
    re.IGNORECASE,
)
FORMS = ("assessment_form", "records_form")


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def is_interruption(tracker: Tracker) -> bool:
    """Whether the latest message, said inside a form, asks for something else than answering."""
    name, confidence = latest_intent(tracker)
    if name == "stop" and _LEAVE_FORM.match(latest_text(tracker)):
        return True
    if confidence < INTERRUPT_CONFIDENCE:
        return False
    if name in HARD_INTERRUPTS or name in NOTEBOOK_INTERRUPTS:
        return True
    return name in SOFT_INTERRUPTS and bool(_QUESTION.search(latest_text(tracker)))


def entity_value(tracker: Tracker, entity: str) -> Any | None:
    """The value of ``entity`` in the latest message (canonical value when an extractor set one)."""
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == entity:
            return item.get("value")
    return None


def channel_of(tracker: Tracker) -> str | None:
    return tracker.get_latest_input_channel()


async def remember_channel(tracker: Tracker) -> None:
    """Keep the person's channel on their case row, so advocates know where they are."""
    await run_sync(repository.record_case, tracker.sender_id, channel_of(tracker))


def clear_pending() -> list[dict[str, Any]]:
    return [SlotSet("pending_confirmation", None), SlotSet("pending_question", None)]
