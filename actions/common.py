"""Helpers shared by the journey modules."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SlotSet, UserUttered

from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.understanding import payloads, questions, replies

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
# Another journey ("I need his records" while asked about the treatment): never an answer, or it
# would become the treatment. The form is paused (say "continue" to come back) and the other
# journey starts (data/stories/form_interruptions.yml). A form's own journey is an answer there:
# "records from Mercy" inside the records form names the records.
JOURNEY_SWITCHES = frozenset(
    {
        "start_assessment", "request_records", "records_status", "ask_doctor", "doctor_pushback",
        "suggest_questions", "print_questions", "remove_question", "edit_question", "clear_questions",
    }
)  # fmt: skip
OWN_JOURNEY = {"assessment_form": "start_assessment", "records_form": "request_records"}
# Below this confidence an "interrupting" intent is more likely a free-text answer ("Dr. Help").
INTERRUPT_CONFIDENCE = 0.7
FORMS = ("assessment_form", "records_form")
FORM_TOPICS = {"assessment_form": "the second-opinion questions", "records_form": "your records letter"}


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def is_interruption(tracker: Tracker) -> bool:
    """Whether the latest message, said inside a form, asks for something else than answering."""
    name, confidence = latest_intent(tracker)
    if name == "stop" and replies.says_leave_form(latest_text(tracker)):
        return True
    if confidence < INTERRUPT_CONFIDENCE:
        return False
    if name in HARD_INTERRUPTS or name in NOTEBOOK_INTERRUPTS:
        return True
    form = tracker.active_loop.get("name") if tracker.active_loop else None
    if name in JOURNEY_SWITCHES and name != OWN_JOURNEY.get(form or ""):
        return True
    return asks_instead_of_answering(tracker)


def asks_instead_of_answering(tracker: Tracker) -> bool:
    """A question the classifier placed, however weakly, among the soft interruptions.

    Sure enough (`is_interruption`), it interrupts before any answer is read. Below that it is
    checked once the reply turned out not to answer the form's question: then "how long do
    we have to decide? is waiting a week ok?" (a medical question at 0.56) gets its answer and the
    question comes again, instead of "Sorry, I didn't catch that". Every soft interruption has a
    rule in both forms (data/stories/form_interruptions.yml).
    """
    name, _ = latest_intent(tracker)
    return name in SOFT_INTERRUPTS and questions.is_question(latest_text(tracker))


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
    return [
        SlotSet("pending_confirmation", None),
        SlotSet("pending_question", None),
        SlotSet("pending_offer", None),
    ]


def fresh_pending(tracker: Tracker) -> str | None:
    """What the bot asked the person to confirm in its last turn, or None once they moved on.

    `pending_confirmation` stays set until a yes or no clears it, but a "yes" only answers the
    question just asked: someone who was asked "delete everything?", then read an FAQ that ends
    "Want help with your records?" and said "ok" must get their records help, never the erase.
    So only a value set between the previous message and this one counts.
    """
    seen_latest_message = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_latest_message:
                return None
            seen_latest_message = True
        elif seen_latest_message and kind == "slot" and event.get("name") == "pending_confirmation":
            return event.get("value")
    return None


def press(payload: str, tracker: Tracker) -> list[EventType]:
    """Events that make the bot go on as if the person had just pressed the button ``payload``.

    "Yes" to "Want help requesting your records?" must do exactly what the offered button does,
    forms and rules included, on every channel. Rasa decides the next action from the latest
    message, so the action that read the "yes" hands Rasa that button's message (after the
    `action_listen` every message follows), and the rules for the button take it from there.
    """
    intent, entities = payloads.parse_button_payload(payload)
    parse_data = {
        "text": payload,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": name, "value": value} for name, value in entities.items()],
    }
    channel = tracker.get_latest_input_channel()
    return [ActionExecuted("action_listen"), UserUttered(payload, parse_data, input_channel=channel)]


def leave_paused(tracker: Tracker, form: str) -> list[EventType]:
    """Events for starting or finishing ``form``: its own pause is over, another form's stays.

    "I need his records" in the middle of the assessment pauses the assessment and starts the
    records letter; the assessment must still be there to "continue" once the letter is done.
    """
    return [SlotSet("paused_form", None)] if tracker.get_slot("paused_form") == form else []


def other_form_waiting(tracker: Tracker, form: str) -> str | None:
    """ "We were in the middle of ...", when another form than ``form`` is paused."""
    paused = tracker.get_slot("paused_form")
    if paused in FORM_TOPICS and paused != form:
        return f'We were in the middle of {FORM_TOPICS[paused]}. Say "continue" to pick up where we left off.'
    return None
