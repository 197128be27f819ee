"""The second-opinion assessment: its questions, their buttons, the answer codes and their words.

The recommendation drawn from the answers (three levels, a plain reason per rule that fired) is
`bot.logic.recommendation`.

Answers are the codes of docs/DESIGN.md. Every question accepts "not sure": an anxious person
often does not know, and a form that insists would stop them instead of helping them. Reading the
answers from what people write is `bot.understanding.form_answers` and `bot.understanding.facts`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.logic import vocabulary

NOT_SURE = "not_sure"

# The form asks in this order; condition and treatment first so later questions make sense.
SLOTS: tuple[str, ...] = (
    "condition",
    "treatment",
    "urgency",
    "diagnosis_certainty",
    "rare_condition",
    "not_improving",
    "insurer_requires",
    "confidence",
)
ANSWER_CODES: dict[str, tuple[str, ...]] = {
    "urgency": ("emergency", "days", "weeks", "months", "not_started", NOT_SURE),
    "diagnosis_certainty": ("certain", "uncertain", "disagree", NOT_SURE),
    "rare_condition": ("yes", "no", NOT_SURE),
    "not_improving": ("yes", "no", NOT_SURE),
    "insurer_requires": ("yes", "no", NOT_SURE),
    "confidence": ("confident", "somewhat", "not_confident", NOT_SURE),
}
STRONGLY_RECOMMENDED = "strongly_recommended"
RECOMMENDED = "recommended"
OPTIONAL = "optional"
LEVELS: tuple[str, ...] = (STRONGLY_RECOMMENDED, RECOMMENDED, OPTIONAL)


@dataclass(frozen=True)
class Question:
    """A prompt (with `{whose}`/`{for_whom}` placeholders for a caregiver) and its buttons."""

    prompt: str
    buttons: tuple[tuple[str, str], ...]


def _inform(slot: str, value: str) -> str:
    """A button payload that sets `slot` the way the NLU's RegexMessageHandler expects."""
    return "/inform" + json.dumps({slot: value}, separators=(",", ":"))


_NOT_SURE_BUTTON = ("Not sure", "/not_sure")


def _buttons(slot: str, *options: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """The buttons of `slot`'s question: each (title, code) sets the slot to that code, and "Not sure"
    comes last, since every question accepts it."""
    return (*((title, _inform(slot, code)) for title, code in options), _NOT_SURE_BUTTON)


def _yes_no_buttons(slot: str) -> tuple[tuple[str, str], ...]:
    return _buttons(slot, ("Yes", "yes"), ("No", "no"))


# Prompts are short, kind and about 8th-grade reading level. They avoid words that belong to
# the safety replies or to other forms, so a reply is never mistaken for one of those.
QUESTIONS: dict[str, Question] = {
    "condition": Question(
        "What is {whose} diagnosis? Your own words are fine, like \u201cbreast cancer\u201d or "
        "\u201ca heart valve problem\u201d.",
        _buttons("condition"),
    ),
    "treatment": Question(
        "What treatment are the doctors suggesting{for_whom}? For example surgery, chemo, a "
        "medicine, or waiting and watching.",
        _buttons(
            "treatment",
            ("Surgery", "surgery"),
            ("Chemotherapy", "chemotherapy"),
            ("Radiation", "radiation therapy"),
            ("Medicine", "medication"),
            ("Wait and watch", "watchful waiting"),
        ),
    ),
    "urgency": Question(
        "When is treatment supposed to start{for_whom}?",
        _buttons(
            "urgency",
            ("Right away (today / ER)", "emergency"),
            ("Within a week", "days"),
            ("In 1 to 4 weeks", "weeks"),
            ("A month or more", "months"),
            ("No date yet", "not_started"),
        ),
    ),
    "diagnosis_certainty": Question(
        "Are the doctors sure about {whose} diagnosis?",
        _buttons(
            "diagnosis_certainty",
            ("Yes, they're sure", "certain"),
            ("They have doubts", "uncertain"),
            ("Doctors disagree", "disagree"),
        ),
    ),
    "rare_condition": Question(
        "Did a doctor say it is a rare condition (one that few people have)?",
        _yes_no_buttons("rare_condition"),
    ),
    # A plain yes/no question whose "yes" is the good news: "staying the same or getting worse?"
    # was either/or, and a typed "no" to it was read both ways. The slot keeps its meaning
    # ("yes" = not improving), so the answers are inverted (see _INTENT_CODES).
    "not_improving": Question(
        "Are {whose} symptoms getting better with the care so far?",
        _buttons(
            "not_improving",
            ("Getting better", "no"),
            ("Same or worse", "yes"),
        ),
    ),
    "insurer_requires": Question(
        "Does {whose} health insurance require a second opinion before treatment?",
        _yes_no_buttons("insurer_requires"),
    ),
    "confidence": Question(
        "How confident do you feel about the diagnosis and the plan{for_whom}?",
        _buttons(
            "confidence",
            ("Very confident", "confident"),
            ("Somewhat", "somewhat"),
            ("Not confident", "not_confident"),
        ),
    ),
}

_EXPLANATIONS: dict[str, str] = {
    "condition": (
        "Knowing the diagnosis tells me how much a second opinion could matter. Some conditions, "
        "like cancer or rare diseases, are harder to diagnose, so another expert look helps more. "
        "If you don't know the exact name, just say \u201cnot sure\u201d."
    ),
    "treatment": (
        "Some treatments are hard to undo, like major surgery, or carry more risk, like a new "
        "treatment in a trial. Those are the times a second opinion helps most. Medicare even "
        "pays for one before a planned surgery."
    ),
    "urgency": (
        "I ask so we can plan. For most conditions there is time to get a second opinion before "
        "treatment starts. If care is needed today, get that care first: an opinion can come later."
    ),
    "diagnosis_certainty": (
        "If the doctors are not sure, or do not agree, another expert can help settle it. In one "
        "large study, a second look changed the diagnosis for about 1 in 5 people."
    ),
    "rare_condition": (
        "Rare conditions are harder to diagnose and treat, because most doctors see only a few "
        "cases. A specialist who sees many of them can add a lot."
    ),
    "not_improving": (
        "If things are not getting better with the care so far, a fresh set of eyes may spot "
        "something new, or suggest another way to treat it."
    ),
    "insurer_requires": (
        "Some health plans require a second opinion before certain treatments, like surgery. If "
        "yours does, getting one also keeps your coverage on track. Your plan's member services "
        "line can tell you."
    ),
    "confidence": (
        "How you feel matters. If you have doubts about the diagnosis or plan, a second opinion "
        "can help you feel sure, or show you other choices. It is normal to want one."
    ),
}


def question(slot: str, relation: str | None = None) -> tuple[str, list[dict[str, str]]]:
    """The prompt text and buttons (Rasa's `{"title", "payload"}` dicts) for one slot.

    With a `relation` the prompt speaks of that person ("your dad's diagnosis"), because a
    caregiver answering "What is your diagnosis?" about their father is confusing.
    """
    spec = QUESTIONS[slot]
    who = vocabulary.relation_display(relation) if relation else None
    text = spec.prompt.format(
        whose=f"{who}'s" if who else "your",
        for_whom=f" for {who}" if who else "",
    )
    return text, [{"title": title, "payload": payload} for title, payload in spec.buttons]


def explanation(slot: str) -> str:
    """Why a question matters, for "what does that mean?" in the middle of the assessment."""
    return _EXPLANATIONS.get(
        slot,
        "These questions help me see how much a second opinion could help. You can always "
        "answer \u201cnot sure\u201d.",
    )


# How the "I've noted ..." lines name a fact. Neutral about who feels what: "my dad is terrified"
# and "I'm scared" are the same answer, and neither should be quoted back wrongly.
_FACT_WORDS: dict[tuple[str, str], str] = {
    ("urgency", "emergency"): "that care is needed right away",
    ("urgency", "days"): "that treatment has started or starts within a week",
    ("urgency", "weeks"): "that treatment starts in 1 to 4 weeks",
    ("urgency", "months"): "that treatment starts in a month or more",
    ("urgency", "not_started"): "that there is no start date yet",
    ("diagnosis_certainty", "certain"): "that the doctors are sure of the diagnosis",
    ("diagnosis_certainty", "uncertain"): "that the doctors are not sure of the diagnosis yet",
    ("diagnosis_certainty", "disagree"): "that the doctors disagree",
    ("rare_condition", "yes"): "that it is a rare condition",
    ("rare_condition", "no"): "that it is not a rare condition",
    ("not_improving", "yes"): "that the symptoms are not getting better",
    ("not_improving", "no"): "that the symptoms are getting better",
    ("insurer_requires", "yes"): "that the health plan requires a second opinion",
    ("insurer_requires", "no"): "that the health plan does not require a second opinion",
    ("confidence", "confident"): "that there is trust in the plan",
    ("confidence", "somewhat"): "that there are some doubts about the plan",
    ("confidence", "not_confident"): "that there are real worries about the plan",
}


def fact_words(answers: Mapping[str, Any]) -> list[str]:
    """Plain words for the answer codes in `answers`, in the form's order (unknown codes skipped)."""
    return [
        _FACT_WORDS[(slot, answers[slot])] for slot in SLOTS if (slot, answers.get(slot)) in _FACT_WORDS
    ]


def join_words(items: list[str]) -> str:
    """ "a", "a and b", "a, b, and c": a list as a person would say it."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"
