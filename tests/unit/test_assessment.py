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
    facts_in_text,
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


# --- facts said without being asked ------------------------------------------------------------

# (message, the answers it gives). Realistic first messages and form replies: typos, SMS style,
# caregivers. Each phrase is explicit; the expected dict is exact, so nothing else may come out.
FACTS_GIVEN = [
    # urgency: only a start of treatment counts
    (
        "my mom was just diagnosed w/ breast cancer stage 2, they want to do a mastectomy in 2 weeks. "
        "should she get a 2nd opinion?",
        {"urgency": "weeks"},
    ),
    ("dx'd w/ breast cancer, surgery nxt wk", {"urgency": "weeks"}),
    ("my dads surgury is in 2 wks", {"urgency": "weeks"}),
    ("my onc says chemo starts 2moro", {"urgency": "days"}),
    ("surgery in 2 weeks", {"urgency": "weeks"}),
    ("they want to start chemo next month", {"urgency": "months"}),
    ("starting tomorrow", {"urgency": "days"}),
    ("treatment already started", {"urgency": "days"}),
    ("chemo started last week", {"urgency": "days"}),
    ("my dad was diagnosed with lymphoma and his onc wants to start chemo asap", {"urgency": "days"}),
    ("surgery is booked for nxt friday", {"urgency": "days"}),
    ("they want to operate in 3 days", {"urgency": "days"}),
    ("they're planning a whipple in a few weeks", {"urgency": "weeks"}),
    ("the surgery is scheduled for 3 months from now", {"urgency": "months"}),
    ("chemo isn't supposed to start for another 2 months", {"urgency": "months"}),
    ("diagnosed 2 weeks ago, surgery in a month", {"urgency": "months"}),
    ("I want a second opinion before surgery next week", {"urgency": "weeks"}),
    ("we haven't scheduled the surgery yet", {"urgency": "not_started"}),
    ("treatment hasnt started yet", {"urgency": "not_started"}),
    ("they want to start chemo next week and surgery in 3 months", {"urgency": "weeks"}),  # the soonest
    ("she is in the ICU and they want to operate", {"urgency": "emergency"}),
    # diagnosis_certainty: the doctors' certainty, not the person's
    ("the doctors disagree", {"diagnosis_certainty": "disagree"}),
    ("drs dont agree", {"diagnosis_certainty": "disagree"}),
    ("two doctors told me different things", {"diagnosis_certainty": "disagree"}),
    ("the 2 specialists i saw disagree with each other", {"diagnosis_certainty": "disagree"}),
    ("one doctor said crohn's and the other said ulcerative colitis", {"diagnosis_certainty": "disagree"}),
    ("the second doctor thinks it's something else", {"diagnosis_certainty": "disagree"}),
    ("my husband's surgeons disagree about whether he needs the operation", {"diagnosis_certainty": "disagree"}),
    ("they're not sure it's cancer", {"diagnosis_certainty": "uncertain"}),
    ("the docs r not sure its cancer", {"diagnosis_certainty": "uncertain"}),
    ("the diagnosis isn't confirmed yet", {"diagnosis_certainty": "uncertain"}),
    ("they think it might be lymphoma", {"diagnosis_certainty": "uncertain"}),
    ("onc isnt sure yet if its spread", {"diagnosis_certainty": "uncertain"}),
    ("the doc seemed pretty unsure tbh", {"diagnosis_certainty": "uncertain"}),
    ("they're sure, the biopsy confirmed it", {"diagnosis_certainty": "certain"}),
    ("the oncologist seemed very sure about the diagnosis", {"diagnosis_certainty": "certain"}),
    ("they think it's ms but they're not sure, and one doctor says lupus while the other says ms",
     {"diagnosis_certainty": "disagree"}),  # disagreement says the most
    # rare_condition
    ("it's a rare disease", {"rare_condition": "yes"}),
    ("a very rare type", {"rare_condition": "yes"}),
    ("its super rare, only a few hundred ppl in the country have it", {"rare_condition": "yes"}),
    ("i have a rare type of breast cancer", {"rare_condition": "yes"}),
    ("it's not rare", {"rare_condition": "no"}),
    ("it's common", {"rare_condition": "no"}),
    ("no its pretty common, lots of people get it", {"rare_condition": "no"}),
    ("it's one of the most common cancers in men apparently", {"rare_condition": "no"}),
    # not_improving ("yes" = not getting better)
    ("it keeps getting worse", {"not_improving": "yes"}),
    ("her symptoms keep gettin worse", {"not_improving": "yes"}),
    ("the meds r not working", {"not_improving": "yes"}),
    ("the meds aren't working", {"not_improving": "yes"}),
    ("shes been on the meds 3 months and her symptoms arent getting any better", {"not_improving": "yes"}),
    ("my knee still hurts after 6 months of physical therapy", {"not_improving": "yes"}),
    ("his symptoms haven't budged", {"not_improving": "yes"}),
    ("the meds helped for a while but the pain came back", {"not_improving": "yes"}),
    ("she's getting better", {"not_improving": "no"}),
    ("the swelling has gone down a lot since i started the meds", {"not_improving": "no"}),
    # insurer_requires
    ("my insurance requires a second opinion", {"insurer_requires": "yes"}),
    ("insurence requires a 2nd opinon", {"insurer_requires": "yes"}),
    ("the insurance says I need one", {"insurer_requires": "yes"}),
    ("aetna says a 2nd opinion is required for this procedure", {"insurer_requires": "yes"}),
    ("my mom's medicare advantage plan says she needs one", {"insurer_requires": "yes"}),
    ("my insurance doesnt require it", {"insurer_requires": "no"}),
    ("I don't have insurance", {"insurer_requires": "no"}),
    # confidence: the person's or their loved one's, never the doctor's
    ("I'm scared", {"confidence": "not_confident"}),
    ("im so scared rn", {"confidence": "not_confident"}),
    ("i dont trust my dr", {"confidence": "not_confident"}),
    ("my dad is terrified", {"confidence": "not_confident"}),
    ("I don't trust my doctor", {"confidence": "not_confident"}),
    ("I'm not sure I trust them", {"confidence": "not_confident"}),
    ("honestly i dont feel confident at all", {"confidence": "not_confident"}),
    ("she feels kinda nervous about it", {"confidence": "somewhat"}),
    ("i have some doubts about the plan", {"confidence": "somewhat"}),
    ("kinda on the fence about the whole plan", {"confidence": "somewhat"}),
    ("I feel totally confident in my surgeon", {"confidence": "confident"}),
    ("i trust my doctor completely", {"confidence": "confident"}),
    # several at once
    (
        "my dad has lung cancer, surgery is next week, the two doctors disagree and he's terrified",
        {"urgency": "weeks", "diagnosis_certainty": "disagree", "confidence": "not_confident"},
    ),
    (
        "it's a rare type and the insurance says she needs a second opinion. i'm scared",
        {"rare_condition": "yes", "insurer_requires": "yes", "confidence": "not_confident"},
    ),
]

# Ordinary requests and replies that must give nothing: bare yes/no/not sure, hedges, questions,
# negations, other people's feelings, and times that are not the start of treatment.
NO_FACTS = [
    "maybe I should get a second opinion",
    "could be worth asking",
    "probably",
    "maybe",
    "should I get a 2nd opinion",
    "should she get a second opinion?",
    "stage 2",
    "stage 2 breast cancer",
    "2nd opinion",
    "second doctor",
    "should I see another doctor",
    "one doctor",
    "I'm not sure what to do",
    "I'm not sure if I should get one",
    "help me decide",
    "yes",
    "no",
    "nope",
    "not sure",
    "idk",
    "thanks",
    "2",
    '/inform{"urgency":"weeks"}',
    "I need a second opinion asap",
    "can you help me get a second opinion today",
    "I want to get a second opinion before surgery",
    # times that are not a start of treatment
    "my appointment is next week",
    "I have a consult next week",
    "I see the oncologist tomorrow",
    "biopsy results in a week",
    "I've had symptoms for 2 weeks",
    "I was diagnosed 2 weeks ago",
    "chemo for 6 months",
    "I start a new job next month",
    "I can get a second opinion next week",
    "they might start chemo next week",
    "what if they want surgery tomorrow",
    "can they operate next week?",
    # doctors: hypothetical, the person's own disagreement, agreement, questions
    "what if the doctors disagree?",
    "what do people do when doctors disagree",
    "I disagree with my doctor",
    "my doctor and I disagree about the plan",
    "the second doctor said the same thing",
    "i dont think the doctors disagree",
    "they're not sure what to do",
    "they aren't sure when to start",
    "are the doctors sure?",
    # rarity in other senses
    "is it rare?",
    "is it common to get a second opinion",
    "it's common to feel scared",
    "it's rare for doctors to be offended",
    "in rare cases there are side effects",
    "a rare side effect is hair loss",
    # getting better or worse, not said as a fact
    "I hope she's getting better",
    "I want her to get better",
    "I'm worried it will get worse",
    "so it doesn't get worse",
    "if it gets worse what do I do",
    "she might get worse",
    "they want to keep it from getting worse",
    "I'd feel better with a second opinion",
    "is surgery better than radiation",
    "is my kidney disease getting worse",
    # insurance without a requirement
    "does my insurance require a second opinion?",
    "will my insurance cover a second opinion",
    "my insurance says I need a referral",
    "my insurance needs one more form",
    "the treatment plan requires surgery",
    "not sure if insurance covers it",
    "my insurance is aetna",
    # feelings that are not about the plan, negated, or the doctor's
    "I'm worried about the cost",
    "I'm nervous to ask my doctor",
    "I'm scared of upsetting my oncologist",
    "will my dr think I don't trust him",
    "i'm worried my endocrinologist will think i don't trust her",
    "I'm not scared",
    "don't be scared",
    "is it normal to be scared?",
    "the doctor is worried it spread",
    "my gp said no to a referral bc shes confident in the diagnosis",
    "the surgeon was confident and kind",
    "my husband trusts the plan but i don't",
    "should i trust my doctor's plan",
]


@pytest.mark.parametrize(("text", "expected"), FACTS_GIVEN)
def test_facts_in_text_reads_explicit_phrases(text: str, expected: dict[str, str]) -> None:
    assert facts_in_text(text) == expected


@pytest.mark.parametrize("text", NO_FACTS)
def test_facts_in_text_ignores_everything_else(text: str) -> None:
    assert facts_in_text(text) == {}


@pytest.mark.parametrize(("text", "expected"), FACTS_GIVEN)
def test_an_explicit_phrase_answers_its_question_the_same_way(text: str, expected: dict[str, str]) -> None:
    """Asked the question, the reply means what it means unasked: the lenient keyword rules read
    "her symptoms arent getting any better" as "better" and "isn't confirmed" as "confirmed"."""
    for slot, code in expected.items():
        assert parse_answer(slot, text) == code, slot


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
