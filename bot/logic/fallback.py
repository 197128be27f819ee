"""When the bot is unsure what a message means: ask "did you mean ...?", never guess.

The FallbackClassifier turns a message whose best reading is weak (or only just ahead of the
next one) into `nlu_fallback`, but the classifier's ranking is still there, and for a person who
wrote "I need the notes from Mercy General, Dr Lee" the two best readings ("get my records" 0.44,
an FAQ 0.47) are usually right between them. So the first miss offers those readings as buttons,
plus "Something else"; only when nothing is plausible does the bot ask to put it another way. A
second miss in a row brings a person (actions/flow.py), so nobody is stuck with a bot that does
not understand.

What a reading is called comes from the one table below (`JOURNEY_LABELS`, `FAQ_LABELS`): the
person's words for the journey, short enough for a button and a numbered SMS choice. Intents that
are not a journey (greet, yes, no, "not sure", a form answer) are never offered: "Did you mean
'yes'?" helps nobody. The crisis and emergency readings are never offered as a button either (a
message that says so is caught by SafetyIntentOverride); when one of them is plausible the reply
carries the 911 and 988 lines instead, whether it offers readings or asks to put it another way.

Pure Python over the parse result Rasa sends to actions (`intent_ranking`, `response_selector`):
nothing here reads the person's words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FALLBACK_INTENT = "nlu_fallback"
FAQ_INTENT = "faq"
# A reading is offered when the classifier gives it at least this confidence. Half of the
# FallbackClassifier's threshold (0.4 in config.yml): a message falls back below 0.4, and a
# reading that still has 0.2 of it is one the person would recognise ("faq 0.47, request_records
# 0.44"); below that, the ranking is noise spread over thirty intents and a guess would mislead.
PLAUSIBLE_FLOOR = 0.2
# An FAQ reading also needs the ResponseSelector to agree on which answer: offering "how long can
# I wait" when the selector is torn between five answers would be the guess this module avoids.
FAQ_SELECTOR_FLOOR = 0.3
MAX_READINGS = 2

# The entity a "Did you mean" FAQ button carries (`/faq{"faq_answer":"how_long_wait"}`):
# `/faq/how_long_wait` is no valid payload in Rasa 3.6, and a bare `/faq` would let the selector
# guess again from the text "/faq". The rule for it (data/stories/faq.yml) runs action_answer_faq.
FAQ_ANSWER_ENTITY = "faq_answer"
# "Something else": the person says neither reading is right. It is a miss like the first one
# (so the next miss brings a person), answered with "put it another way, or talk to a person".
SOMETHING_ELSE_PAYLOAD = f"/{FALLBACK_INTENT}"

JOURNEY_LABELS: dict[str, str] = {
    "start_assessment": "Should I get a 2nd opinion?",
    "ask_doctor": "How to ask my doctor",
    "doctor_pushback": "My doctor pushed back",
    "request_records": "Get my medical records",
    "records_status": "Check on my records request",
    "add_question": "Save a question",
    "suggest_questions": "Ideas for questions to ask",
    "list_questions": "See my saved questions",
    "remove_question": "Remove a saved question",
    "edit_question": "Change a saved question",
    "clear_questions": "Delete all my questions",
    "print_questions": "Print or share my questions",
    "medical_advice": "A health question for my doctor",
    "express_worry": "I'm worried or upset",
    "human_handoff": "Talk to a person",
    "insurance_denial": "My insurance said no",
    "billing_dispute": "A problem with a bill",
    "care_complaint": "A complaint about my care",
    "delete_my_data": "Delete my data",
    "bot_challenge": "Who am I talking to?",
    "help": "What can you do?",
}
FAQ_LABELS: dict[str, str] = {
    "what_is_second_opinion": "What is a second opinion?",
    "why_get_one": "Why get a second opinion?",
    "doctor_offended": "Will my doctor mind?",
    "how_many_opinions": "How many opinions can I get?",
    "how_long_wait": "How long can I wait for one?",
    "insurance_coverage": "Does insurance pay for it?",
    "medicare": "Does Medicare pay for it?",
    "find_specialist": "Where to find a specialist",
    "remote_opinion": "Can I get one remotely?",
    "what_to_bring": "What to bring to the visit",
    "opinions_differ": "What if the doctors disagree?",
    "family_help": "Can family help me?",
    "patient_advocate": "What is a patient advocate?",
    "records_rights": "My right to my records",
    "records_fees": "What records copies cost",
    "records_time": "How long records take",
}
SAFETY_INTENTS = frozenset({"medical_emergency", "crisis_self_harm"})

DID_YOU_MEAN = "I want to get this right. Did you mean:"
DID_YOU_MEAN_ONE = "I want to get this right. Did you mean this?"
# A "yes" to a "Did you mean" with two readings says neither: ask which, with the same buttons.
WHICH_READING = "Which one did you mean? Tap it, or type its number."
SOMETHING_ELSE_LABEL = "Something else"
SAFETY_LINE = (
    "If this is an emergency, call 911 now. If you're thinking about hurting yourself, call or text 988."
)
PUT_IT_ANOTHER_WAY = (
    "I'm not sure I understood that, and I'd rather ask than guess. Could you put it another way, "
    "in a few words? Or pick one of these:"
)
SOMETHING_ELSE = (
    "Thanks for telling me. Could you put it another way, in a few words? If it's easier, a human "
    "advocate can help you instead."
)
SOMETHING_ELSE_BUTTONS = [{"title": "Talk to a person", "payload": "/human_handoff"}]


@dataclass(frozen=True)
class Reading:
    """One thing the message may have meant: its button's words and payload."""

    label: str
    payload: str


def faq_payload(key: str) -> str:
    """The button payload that gets the FAQ answer ``key`` ("how_long_wait") said."""
    return f'/{FAQ_INTENT}{{"{FAQ_ANSWER_ENTITY}":"{key}"}}'


def _faq_key(response_selector: Mapping[str, Any]) -> str | None:
    """The FAQ the ResponseSelector picked ("how_long_wait"), if it is sure enough of it."""
    response = ((response_selector.get(FAQ_INTENT) or {}).get("response")) or {}
    full_key = response.get("intent_response_key") or ""
    key = full_key.split("/", 1)[1] if full_key.startswith(f"{FAQ_INTENT}/") else None
    if key not in FAQ_LABELS or float(response.get("confidence") or 0.0) < FAQ_SELECTOR_FLOOR:
        return None
    return key


def readings(
    intent_ranking: Sequence[Mapping[str, Any]], response_selector: Mapping[str, Any] | None = None
) -> list[Reading]:
    """The (at most two) journeys the message plausibly meant, best first.

    ``intent_ranking`` as Rasa gives it, the FallbackClassifier's own entry included (it is
    skipped); ``response_selector`` names the FAQ when the faq intent is one of the readings.
    """
    found: list[Reading] = []
    for entry in intent_ranking:
        name = entry.get("name")
        if float(entry.get("confidence") or 0.0) < PLAUSIBLE_FLOOR or len(found) == MAX_READINGS:
            break
        if name == FAQ_INTENT:
            key = _faq_key(response_selector or {})
            reading = Reading(FAQ_LABELS[key], faq_payload(key)) if key else None
        elif name in JOURNEY_LABELS:
            reading = Reading(JOURNEY_LABELS[name], f"/{name}")
        else:
            reading = None
        if reading is not None and reading not in found:
            found.append(reading)
    return found


def safety_is_plausible(intent_ranking: Sequence[Mapping[str, Any]]) -> bool:
    """Whether an emergency or a crisis is among the plausible readings of an unclear message."""
    return any(
        entry.get("name") in SAFETY_INTENTS and float(entry.get("confidence") or 0.0) >= PLAUSIBLE_FLOOR
        for entry in intent_ranking
    )


def put_it_another_way(with_safety_line: bool = False) -> str:
    """The request to rephrase when no reading is plausible, with the 911/988 lines when a risk is."""
    return f"{PUT_IT_ANOTHER_WAY}\n{SAFETY_LINE}" if with_safety_line else PUT_IT_ANOTHER_WAY


def did_you_mean(found: Sequence[Reading], with_safety_line: bool = False) -> tuple[str, list[dict[str, str]]]:
    """The question and its buttons: the readings, then "Something else"."""
    text = DID_YOU_MEAN if len(found) > 1 else DID_YOU_MEAN_ONE
    if with_safety_line:
        text = f"{text}\n{SAFETY_LINE}"
    buttons = [{"title": reading.label, "payload": reading.payload} for reading in found]
    return text, [*buttons, {"title": SOMETHING_ELSE_LABEL, "payload": SOMETHING_ELSE_PAYLOAD}]


def is_did_you_mean(buttons: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a bot message's buttons are a "Did you mean" (they end with "Something else")."""
    return bool(buttons) and buttons[-1].get("payload") == SOMETHING_ELSE_PAYLOAD

# "Are you a bot?" (action_bot_challenge). Its button, or a typed "yes", brings a person: someone
# asking whether a human is there usually wants one.
BOT_CHALLENGE = (
    "I'm a virtual patient advocate — a computer program, not a doctor or nurse. A human advocate "
    "is available if you'd like to talk to a person."
)
BOT_CHALLENGE_BUTTONS = [{"title": "Talk to a person", "payload": "/human_handoff"}]
# Before that answer when the person says the bot is not helping.
SORRY_NOT_HELPING = "I'm sorry this has been frustrating."
