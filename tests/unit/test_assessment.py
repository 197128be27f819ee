"""The assessment: questions, reading replies, and the recommendation rules (table-driven)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.logic import assessment
from bot.logic.assessment import (
    ANSWER_CODES,
    LEVELS,
    OPTIONAL,
    QUESTIONS,
    RECOMMENDED,
    SLOTS,
    STRONGLY_RECOMMENDED,
    Recommendation,
    parse_answer,
    recommend,
    recommendation_message,
)

# Answers that, alone, point to no particular need for a second opinion.
CALM: dict[str, Any] = {
    "condition": "osteoarthritis",
    "treatment": "physical therapy",
    "urgency": "months",
    "diagnosis_certainty": "certain",
    "rare_condition": "no",
    "not_improving": "no",
    "insurer_requires": "no",
    "confidence": "confident",
}

# (trigger answers, a word every reason list must then contain)
STRONG_TRIGGERS = [
    ({"condition": "lung cancer"}, "cancer"),
    ({"condition": "spleen cancer"}, "cancer"),
    ({"condition": "lymphoma"}, "cancer"),
    ({"treatment": "knee replacement"}, "major surgery"),
    ({"treatment": "coronary artery bypass"}, "major surgery"),
    ({"treatment": "dialysis"}, "major procedure"),
    ({"condition": "sarcoidosis"}, "Rare conditions"),
    ({"condition": "Kikuchi disease", "rare_condition": "yes"}, "Rare conditions"),
    ({"rare_condition": "yes"}, "Rare conditions"),
    ({"treatment": "clinical trial"}, "experimental"),
    ({"treatment": "car t-cell therapy"}, "high-risk"),
    ({"treatment": "stem cell transplant"}, "transplant"),
    ({"diagnosis_certainty": "uncertain"}, "not sure about the diagnosis"),
    ({"diagnosis_certainty": "disagree"}, "don't agree"),
    ({"condition": "something rare", "condition_category": "cancer"}, "cancer"),
    ({"treatment": "a new device", "treatment_category": "high_risk"}, "high-risk"),
]
RECOMMENDED_TRIGGERS = [
    ({"not_improving": "yes"}, "not getting better"),
    ({"insurer_requires": "yes"}, "health plan"),
    ({"confidence": "not_confident"}, "don't feel confident"),
    ({"confidence": "somewhat"}, "somewhat"),
    ({"diagnosis_certainty": "not_sure"}, "how certain"),
    ({"condition": "heart failure"}, "Heart failure"),
    ({"condition": "epilepsy"}, "Epilepsy"),
    ({"condition": "lupus"}, "Lupus"),
    ({"condition": "not_sure"}, "not sure what the diagnosis is"),
    ({"treatment": "lumpectomy"}, "Surgery like lumpectomy"),
    ({"treatment": "surgery"}, "Surgery can't be undone"),
    ({"treatment": "chemo"}, "Chemotherapy"),
    ({"treatment": "radiation"}, "Radiation therapy"),
    ({"treatment": "insulin"}, "long time"),
    ({"treatment": "not_sure"}, "treatment plan isn't clear"),
    ({"treatment": None}, "treatment plan isn't clear"),
]


@pytest.mark.parametrize(("trigger", "word"), STRONG_TRIGGERS)
def test_each_strong_trigger_alone_is_strongly_recommended(trigger: dict[str, Any], word: str) -> None:
    result = recommend(trigger)
    assert result.level == STRONGLY_RECOMMENDED
    assert any(word in reason for reason in result.reasons), result.reasons


@pytest.mark.parametrize(("trigger", "word"), STRONG_TRIGGERS)
def test_each_strong_trigger_wins_over_calm_answers(trigger: dict[str, Any], word: str) -> None:
    result = recommend({**CALM, **trigger})
    assert result.level == STRONGLY_RECOMMENDED
    assert any(word in reason for reason in result.reasons), result.reasons


@pytest.mark.parametrize(("trigger", "word"), RECOMMENDED_TRIGGERS)
def test_each_recommended_trigger_with_calm_answers(trigger: dict[str, Any], word: str) -> None:
    result = recommend({**CALM, **trigger})
    assert result.level == RECOMMENDED
    assert any(word in reason for reason in result.reasons), result.reasons


@pytest.mark.parametrize(
    "answers",
    [
        CALM,
        {**CALM, "rare_condition": "not_sure", "insurer_requires": "not_sure", "not_improving": "not_sure"},
        {**CALM, "urgency": "days", "confidence": "not_sure"},
        {**CALM, "condition": "fracture", "treatment": "watchful waiting"},
        {**CALM, "condition": "depression", "treatment": "talk therapy"},
    ],
)
def test_optional_says_why_and_that_it_is_still_their_right(answers: dict[str, Any]) -> None:
    result = recommend(answers)
    assert result.level == OPTIONAL
    assert any("usual signs" in reason for reason in result.reasons)
    assert any("still your right" in reason for reason in result.reasons)


def test_optional_names_the_calming_answers() -> None:
    reasons = " ".join(recommend(CALM).reasons)
    assert "doctors are sure" in reasons and "feel confident" in reasons and "getting better" in reasons


def test_every_fired_rule_gives_one_reason_strong_first() -> None:
    answers = {
        "condition": "breast cancer",
        "treatment": "mastectomy",
        "diagnosis_certainty": "disagree",
        "not_improving": "yes",
        "confidence": "not_confident",
    }
    reasons = recommend(answers).reasons
    assert len(reasons) == 5
    assert "cancer" in reasons[0] and "major surgery" in reasons[1] and "don't agree" in reasons[2]
    assert "not getting better" in reasons[3] and "confident" in reasons[4]


def test_rare_from_category_and_answer_gives_one_reason() -> None:
    reasons = recommend({"condition": "sarcoidosis", "rare_condition": "yes"}).reasons
    assert sum("Rare conditions" in reason for reason in reasons) == 1


def test_reasons_cite_the_brief_facts() -> None:
    text = " ".join(
        recommend({"condition": "lung cancer", "treatment": "chemo", "diagnosis_certainty": "uncertain"}).reasons
    )
    assert "American Cancer Society" in text
    assert "21%" in text and "66%" in text  # Mayo Clinic 2017
    assert "Best Doctors" in text


def test_caller_categories_are_used_as_given() -> None:
    """A present `<entity>_category` key wins over the vocabulary, even when it is None."""
    assert recommend({**CALM, "condition": "lung cancer", "condition_category": None}).level == OPTIONAL
    assert recommend({**CALM, "condition": "mystery", "condition_category": "cancer"}).level == STRONGLY_RECOMMENDED


def test_reasons_use_the_canonical_name() -> None:
    reasons = recommend({"treatment": "tkr"}).reasons
    assert any("knee replacement" in reason for reason in reasons)


@pytest.mark.parametrize("answers", [CALM, {"condition": "lung cancer"}, {**CALM, "confidence": "somewhat"}])
def test_emergency_urgency_adds_the_note_and_keeps_the_rules(answers: dict[str, Any]) -> None:
    calm_level = recommend(answers).level
    result = recommend({**answers, "urgency": "emergency"})
    assert result.level == calm_level
    assert result.emergency_note is not None
    assert "911" in result.emergency_note and "Medicare.gov" in result.emergency_note
    assert "don't wait" in result.emergency_note


@pytest.mark.parametrize("urgency", ["days", "weeks", "months", "not_started", "not_sure", None])
def test_no_emergency_note_otherwise(urgency: str | None) -> None:
    assert recommend({**CALM, "urgency": urgency}).emergency_note is None


@pytest.mark.parametrize(
    "answers",
    [{}, CALM, dict.fromkeys(SLOTS, "not_sure"), {"condition": "lung cancer", "urgency": "emergency"}],
)
def test_always_a_level_and_reasons(answers: dict[str, Any]) -> None:
    result = recommend(answers)
    assert result.level in LEVELS
    assert result.reasons and all(reason.strip().endswith(".") for reason in result.reasons)


def test_the_contract_example_is_strongly_recommended() -> None:
    answers = dict.fromkeys(SLOTS, "not_sure") | {"condition": "lung cancer", "treatment": "surgery"}
    result = recommend(answers)
    assert result.level == STRONGLY_RECOMMENDED and result.reasons


# --- the chat message --------------------------------------------------------------------------


def test_message_lists_every_reason_as_a_bullet() -> None:
    result = recommend({"condition": "lung cancer", "treatment": "surgery"})
    text = recommendation_message(result, "lung cancer", "surgery")
    assert text.startswith("My suggestion: a second opinion is strongly recommended for you.")
    assert "(lung cancer, surgery)" in text
    for reason in result.reasons:
        assert f"\u2022 {reason}" in text
    assert "medical advice" in text


def test_message_speaks_of_the_loved_one() -> None:
    text = recommendation_message(recommend(CALM), "osteoarthritis", "physical therapy", relation="father")
    assert "optional for your dad" in text and "up to you and your dad" in text


def test_message_leaves_the_emergency_note_to_the_caller() -> None:
    result = recommend({**CALM, "urgency": "emergency"})
    assert result.emergency_note is not None
    assert result.emergency_note not in recommendation_message(result, None, None)


def test_message_skips_unknown_names() -> None:
    result = Recommendation(level=RECOMMENDED, reasons=["A reason."])
    text = recommendation_message(result, "not_sure", None)
    assert "Here's why:" in text and "not_sure" not in text


# --- questions ---------------------------------------------------------------------------------

# Words reserved for the safety replies (a simulated user in the contract check reacts to them).
RESERVED = re.compile(r"emergenc|suicid|988|self-harm", re.IGNORECASE)


@pytest.mark.parametrize("slot", SLOTS)
@pytest.mark.parametrize("relation", [None, "dad"])
def test_every_question_has_a_kind_prompt_and_a_not_sure_button(slot: str, relation: str | None) -> None:
    text, buttons = assessment.question(slot, relation=relation)
    assert text.strip().endswith(("?", ".")) and len(text) < 160
    assert {"title": "Not sure", "payload": "/not_sure"} in buttons
    assert not RESERVED.search(text)
    assert not any(RESERVED.search(button["title"]) for button in buttons)
    assert not RESERVED.search(assessment.explanation(slot))


def test_relation_personalises_the_prompt() -> None:
    assert assessment.question("condition")[0].startswith("What is your diagnosis?")
    assert assessment.question("condition", relation="mom")[0].startswith("What is your mom's diagnosis?")
    prompt, _buttons = assessment.question("urgency", relation="husband")
    assert prompt == "When is treatment supposed to start for your husband?"


@pytest.mark.parametrize("slot", ANSWER_CODES)
def test_buttons_cover_the_answer_codes(slot: str) -> None:
    codes = {parse_answer(slot, payload) for _title, payload in QUESTIONS[slot].buttons}
    assert codes == set(ANSWER_CODES[slot])


def test_inform_payloads_use_the_design_format() -> None:
    assert ("Right away (today / ER)", '/inform{"urgency":"emergency"}') in QUESTIONS["urgency"].buttons
    for spec in QUESTIONS.values():
        for _title, payload in spec.buttons:
            if payload.startswith("/inform"):
                assert len(json.loads(payload[len("/inform") :])) == 1


@pytest.mark.parametrize("slot", SLOTS)
def test_a_button_title_or_number_means_the_button(slot: str) -> None:
    """On SMS people answer with the option's words or its number."""
    for number, (title, payload) in enumerate(QUESTIONS[slot].buttons, start=1):
        expected = parse_answer(slot, payload)
        assert expected is not None
        assert parse_answer(slot, title) == expected
        assert parse_answer(slot, title.upper() + ".") == expected
        assert parse_answer(slot, str(number)) == expected


@pytest.mark.parametrize("slot", [*SLOTS, "unknown_slot"])
def test_every_slot_has_an_explanation(slot: str) -> None:
    assert len(assessment.explanation(slot)) > 40


# --- reading replies ---------------------------------------------------------------------------


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
        ("not_improving", "getting worse", "yes"),
        ("not_improving", "not getting better", "yes"),
        ("not_improving", "about the same", "yes"),
        ("not_improving", "yep", "yes"),
        ("not_improving", "getting better", "no"),
        ("not_improving", "no", "no"),
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
        ("not_improving", "affirm", "yes"),
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
