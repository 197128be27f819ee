"""Helpers shared by the journey modules."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.persistence import repository
from bot.persistence.db import run_sync

# Intents that, said in the middle of a form, are not an answer but a new request. Each has an
# explicit "interrupt" rule per form in data/stories/form_interruptions.yml.
INTERRUPTING_INTENTS = frozenset(
    {
        "faq",
        "explain",
        "stop",
        "help",
        "medical_advice",
        "bot_challenge",
        "crisis_self_harm",
        "medical_emergency",
        "human_handoff",
        "delete_my_data",
    }
)
# Below this confidence an "interrupting" intent is more likely a free-text answer ("Dr. Help").
INTERRUPT_CONFIDENCE = 0.7
FORMS = ("assessment_form", "records_form")


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def is_interruption(tracker: Tracker) -> bool:
    name, confidence = latest_intent(tracker)
    return name in INTERRUPTING_INTENTS and confidence >= INTERRUPT_CONFIDENCE


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


def buttons_text(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(b) for b in buttons]


def clear_pending() -> list[dict[str, Any]]:
    return [SlotSet("pending_confirmation", None), SlotSet("pending_question", None)]
