"""The assessment: questions, reading replies, and the recommendation rules (table-driven)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.logic import assessment
from bot.logic.assessment import ANSWER_CODES, LEVELS, OPTIONAL, QUESTIONS, RECOMMENDED, SLOTS, STRONGLY_RECOMMENDED
from bot.logic.recommendation import Recommendation, recommend, recommendation_message
from bot.understanding.form_answers import parse_answer

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


def test_the_symptoms_question_is_a_plain_yes_no_with_good_news_first() -> None:
    """An either/or question ("the same or getting worse?") made a typed "no" ambiguous."""
    prompt, buttons = assessment.question("not_improving", relation="dad")
    assert prompt == "Are your dad's symptoms getting better with the care so far?"
    assert [(b["title"], parse_answer("not_improving", b["payload"])) for b in buttons] == [
        ("Getting better", "no"),
        ("Same or worse", "yes"),
        ("Not sure", "not_sure"),
    ]


@pytest.mark.parametrize("slot", SLOTS)
def test_not_sure_is_the_last_option(slot: str) -> None:
    """On SMS options are answered by number, so "not sure" keeps its place at the end."""
    assert QUESTIONS[slot].buttons[-1] == ("Not sure", "/not_sure")


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


@pytest.mark.parametrize("slot", [*SLOTS, "unknown_slot"])
def test_every_slot_has_an_explanation(slot: str) -> None:
    assert len(assessment.explanation(slot)) > 40


def test_fact_words_name_the_answers_in_the_form_order() -> None:
    words = assessment.fact_words({"confidence": "somewhat", "urgency": "weeks", "condition": "lupus"})
    assert words == ["that treatment starts in 1 to 4 weeks", "that there are some doubts about the plan"]
    assert assessment.fact_words({"urgency": "not_sure", "confidence": None}) == []


@pytest.mark.parametrize(
    ("slot", "code"), [(slot, code) for slot, codes in ANSWER_CODES.items() for code in codes if code != "not_sure"]
)
def test_every_answer_has_plain_words(slot: str, code: str) -> None:
    [words] = assessment.fact_words({slot: code})
    assert words.startswith("that ") and not RESERVED.search(words)


@pytest.mark.parametrize(
    ("items", "joined"),
    [
        (["breast cancer"], "breast cancer"),
        (["breast cancer", "mastectomy"], "breast cancer and mastectomy"),
        (["a", "b", "c"], "a, b, and c"),
    ],
)
def test_join_words(items: list[str], joined: str) -> None:
    assert assessment.join_words(items) == joined
