"""The assessment's answers read from free text, buttons' titles and numbers, and intents."""

from __future__ import annotations

import pytest

from bot.logic.assessment import QUESTIONS, SLOTS
from bot.understanding.form_answers import parse_answer


@pytest.mark.parametrize("slot", SLOTS)
def test_a_button_title_or_number_means_the_button(slot: str) -> None:
    """On SMS people answer with the option's words or its number."""
    for number, (title, payload) in enumerate(QUESTIONS[slot].buttons, start=1):
        expected = parse_answer(slot, payload)
        assert expected is not None
        assert parse_answer(slot, title) == expected
        assert parse_answer(slot, title.upper() + ".") == expected
        assert parse_answer(slot, str(number)) == expected


@pytest.mark.parametrize("slot", SLOTS)
@pytest.mark.parametrize(
    ("text", "intent"),
    [("not sure", None), ("idk", None), ("dunno", None), ("they didn't say", None), ("hmm", "not_sure"),
     ("/not_sure", None), ("I don't know", None), ("no idea", None)],
)
def test_every_question_accepts_not_sure(slot: str, text: str, intent: str | None) -> None:
    assert parse_answer(slot, text, intent) == "not_sure"


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("urgency", "next week", "weeks"),
        ("urgency", "in 2 days", "days"),
        ("urgency", "asap", "days"),
        ("urgency", "tomorrow", "days"),
        ("urgency", "this friday", "days"),
        ("urgency", "in a month", "months"),
        ("urgency", "3 months", "months"),
        ("urgency", "in about six weeks", "months"),
        ("urgency", "2-3 weeks", "weeks"),
        ("urgency", "a week or two", "weeks"),
        ("urgency", "in 10 days", "weeks"),
        ("urgency", "next month", "months"),
        ("urgency", "no rush", "months"),
        ("urgency", "they already started", "days"),
        ("urgency", "chemo started last week", "days"),
        ("urgency", "it's an emergency", "emergency"),
        ("urgency", "right now in the ER", "emergency"),
        ("urgency", "we are in the icu", "emergency"),
        ("urgency", "no date yet", "not_started"),
        ("urgency", "nothing planned", "not_started"),
        ("urgency", "not yet", "not_started"),
        ("urgency", "banana", None),
        ("diagnosis_certainty", "they're sure", "certain"),
        ("diagnosis_certainty", "they seem pretty sure", "certain"),
        ("diagnosis_certainty", "pretty certain", "certain"),
        ("diagnosis_certainty", "the biopsy confirmed it", "certain"),
        ("diagnosis_certainty", "no doubt about it", "certain"),
        ("diagnosis_certainty", "yes", "certain"),
        ("diagnosis_certainty", "they're not sure", "uncertain"),
        ("diagnosis_certainty", "the doctor isn't certain", "uncertain"),
        ("diagnosis_certainty", "they want more tests first", "uncertain"),
        ("diagnosis_certainty", "they think it might be lupus", "uncertain"),
        ("diagnosis_certainty", "nope", "uncertain"),
        ("diagnosis_certainty", "two doctors disagree", "disagree"),
        ("diagnosis_certainty", "they said different things", "disagree"),
        ("diagnosis_certainty", "yes but the second doctor said something else", "disagree"),
        ("diagnosis_certainty", "I'm not sure", "not_sure"),
        ("confidence", "very confident", "confident"),
        ("confidence", "pretty confident", "confident"),
        ("confidence", "I trust them", "confident"),
        ("confidence", "kind of", "somewhat"),
        ("confidence", "somewhat", "somewhat"),
        ("confidence", "so-so", "somewhat"),
        ("confidence", "not at all", "not_confident"),
        ("confidence", "honestly not very confident", "not_confident"),
        ("confidence", "scared", "not_confident"),
        ("confidence", "I'm not sure I trust them", "not_confident"),
        ("confidence", "nope", "not_confident"),
        ("rare_condition", "y", "yes"),
        ("rare_condition", "yeah", "yes"),
        ("rare_condition", "it's very rare", "yes"),
        ("rare_condition", "n", "no"),
        ("rare_condition", "nope", "no"),
        ("rare_condition", "it's not that rare", "no"),
        ("rare_condition", "pretty common", "no"),
        # "Are the symptoms getting better?": a bare yes is good news (not_improving "no")
        ("not_improving", "getting worse", "yes"),
        ("not_improving", "not getting better", "yes"),
        ("not_improving", "about the same", "yes"),
        ("not_improving", "same or worse", "yes"),
        ("not_improving", "yes, not better", "yes"),  # the old button's words still mean the same
        ("not_improving", "nope", "yes"),
        ("not_improving", "no", "yes"),
        ("not_improving", "not really", "yes"),
        ("not_improving", "yep", "no"),
        ("not_improving", "yes", "no"),
        ("not_improving", "getting better", "no"),
        ("not_improving", "no, getting better", "no"),
        ("not_improving", "yes a little better", "no"),
        ("insurer_requires", "yes", "yes"),
        ("insurer_requires", "yes they require it", "yes"),
        ("insurer_requires", "they don't", "no"),
        ("insurer_requires", "not required", "no"),
        ("insurer_requires", "I don't have insurance", "no"),
        ("insurer_requires", "maybe later", None),
        ("condition", "lung cancer", "lung cancer"),
        ("condition", "stage 2 brest cancer", "breast cancer"),
        ("condition", "my mom has ms", "multiple sclerosis"),
        ("condition", "I think it's called sarcoidosis", "sarcoidosis"),
        ("condition", "I think it is called Kikuchi disease", "Kikuchi disease"),
        ("condition", "no diagnosis yet", "not_sure"),
        ("condition", "yes", None),
        ("condition", "2", None),
        ("condition", "I'm safe, thank you", None),
        ("treatment", "they want to do surgery", "surgery"),
        ("treatment", "kemo", "chemotherapy"),
        ("treatment", "nothing yet", "not_sure"),
        ("treatment", "some shots in my eye", "some shots in my eye"),
    ],
)
def test_free_text_answers(slot: str, text: str, expected: str | None) -> None:
    assert parse_answer(slot, text) == expected


@pytest.mark.parametrize(
    ("slot", "intent", "expected"),
    [
        ("rare_condition", "affirm", "yes"),
        ("rare_condition", "deny", "no"),
        ("not_improving", "affirm", "no"),
        ("not_improving", "deny", "yes"),
        ("insurer_requires", "deny", "no"),
        ("diagnosis_certainty", "affirm", "certain"),
        ("diagnosis_certainty", "deny", "uncertain"),
        ("confidence", "affirm", "confident"),
        ("confidence", "deny", "not_confident"),
        ("urgency", "affirm", None),
        ("condition", "deny", None),
        ("rare_condition", "greet", None),
    ],
)
def test_intents_answer_when_the_words_do_not(slot: str, intent: str, expected: str | None) -> None:
    assert parse_answer(slot, "hmm", intent) == expected
    assert parse_answer(slot, f"/{intent}") == expected


def test_words_beat_the_intent() -> None:
    assert parse_answer("diagnosis_certainty", "yes but two doctors disagree", "affirm") == "disagree"
    assert parse_answer("urgency", "next week", "not_sure") == "weeks"


@pytest.mark.parametrize(
    ("slot", "payload", "expected"),
    [
        ("urgency", '/inform{"urgency":"weeks"}', "weeks"),
        ("urgency", '/inform{"urgency":"soonish"}', None),
        ("treatment", '/inform{"treatment":"surgery"}', "surgery"),
        ("treatment", '/inform{"treatment":"chemo"}', "chemotherapy"),
        ("condition", '/inform{"condition":"Kikuchi disease"}', "Kikuchi disease"),
        ("confidence", '/inform{"urgency":"weeks"}', None),
        ("confidence", "/inform{broken", None),
    ],
)
def test_button_payloads(slot: str, payload: str, expected: str | None) -> None:
    assert parse_answer(slot, payload) == expected


def test_empty_replies_are_not_answers() -> None:
    assert parse_answer("urgency", "") is None
    assert parse_answer("condition", "   ") is None


