"""SafetyIntentOverride after Rasa's real FallbackClassifier, with the real `detect_risk`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.safety_override import SafetyIntentOverride
from tests.rasa_ext.nlu_helpers import build, user_message

SELF_HARM_TEXT = "I want to kill myself"
EMERGENCY_TEXT = "my dad has chest pain and can't breathe"


def classified(text: str, *ranking: tuple[str, float]) -> Message:
    """A message as DIETClassifier leaves it: the top intent and the ranking."""
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = user_message(text)
    message.set(INTENT, dict(entries[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, entries, add_to_output=True)
    return message


def pipeline(tmp_path: Path, message: Message) -> dict[str, Any]:
    """FallbackClassifier then SafetyIntentOverride, the order config.yml uses; the parse output."""
    messages = build(FallbackClassifier, tmp_path, threshold=0.7).process([message])
    [result] = build(SafetyIntentOverride, tmp_path).process(messages)
    return result.as_dict(only_output_properties=True)


@pytest.mark.parametrize(
    ("text", "intent"), [(SELF_HARM_TEXT, "crisis_self_harm"), (EMERGENCY_TEXT, "medical_emergency")]
)
def test_risk_beats_a_low_confidence_fallback(tmp_path: Path, text: str, intent: str) -> None:
    parsed = pipeline(tmp_path, classified(text, ("goodbye", 0.41), ("out_of_scope", 0.30), (intent, 0.2)))

    assert parsed[INTENT] == {"name": intent, "confidence": 1.0}
    assert parsed[INTENT_RANKING_KEY] == [
        {"name": intent, "confidence": 1.0},
        {"name": "goodbye", "confidence": 0.41},
        {"name": "out_of_scope", "confidence": 0.30},
    ]


def test_risk_beats_a_confident_wrong_intent(tmp_path: Path) -> None:
    parsed = pipeline(tmp_path, classified(EMERGENCY_TEXT, ("inform", 0.95), ("greet", 0.01)))

    assert parsed[INTENT] == {"name": "medical_emergency", "confidence": 1.0}
    assert [entry["name"] for entry in parsed[INTENT_RANKING_KEY]] == ["medical_emergency", "inform", "greet"]


def test_self_harm_wins_over_a_predicted_emergency(tmp_path: Path) -> None:
    parsed = pipeline(tmp_path, classified(SELF_HARM_TEXT, ("medical_emergency", 0.9), ("greet", 0.05)))

    assert parsed[INTENT]["name"] == "crisis_self_harm"


def test_works_without_a_classifier_before_it(tmp_path: Path) -> None:
    [message] = build(SafetyIntentOverride, tmp_path).process([user_message(SELF_HARM_TEXT)])

    assert message.get(INTENT) == {"name": "crisis_self_harm", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY) == [{"name": "crisis_self_harm", "confidence": 1.0}]


def test_leaves_ordinary_messages_alone(tmp_path: Path) -> None:
    """Never a downgrade: no risk found means the classifier (and the fallback) decide."""
    parsed = pipeline(tmp_path, classified("should I get a second opinion", ("start_assessment", 0.5), ("faq", 0.4)))

    assert parsed[INTENT]["name"] == "nlu_fallback"
    assert parsed[INTENT_RANKING_KEY][0]["name"] == "nlu_fallback"


def test_button_payloads_are_left_to_rasa(tmp_path: Path) -> None:
    payload = '/inform{"pending_question":"what if I want to kill myself"}'
    message = user_message(payload)

    [message] = build(SafetyIntentOverride, tmp_path).process([message])

    assert message.get(INTENT) is None


def test_a_plain_advice_request_beats_a_confident_faq(tmp_path: Path) -> None:
    """The FAQ about second opinions shares words with prognosis questions; the boundary holds."""
    parsed = pipeline(tmp_path, classified("how long does my dad have left", ("faq", 0.98), ("medical_advice", 0.01)))

    assert parsed[INTENT] == {"name": "medical_advice", "confidence": 1.0}
    assert [entry["name"] for entry in parsed[INTENT_RANKING_KEY]] == ["medical_advice", "faq"]


def test_an_unsure_advice_request_is_not_asked_to_rephrase(tmp_path: Path) -> None:
    parsed = pipeline(tmp_path, classified("is my cancer curable", ("inform", 0.35), ("faq", 0.30)))

    assert parsed[INTENT]["name"] == "medical_advice"


@pytest.mark.parametrize("task", ["add_question", "edit_question", "human_handoff"])
def test_a_task_that_carries_a_medical_question_keeps_its_intent(tmp_path: Path, task: str) -> None:
    """ "Save this: is my cancer curable?" is a question to keep, not one for the bot to answer."""
    parsed = pipeline(tmp_path, classified("save this question: is my cancer curable?", (task, 0.9), ("faq", 0.05)))

    assert parsed[INTENT] == {"name": task, "confidence": 0.9}


def test_a_crisis_outranks_an_advice_request(tmp_path: Path) -> None:
    parsed = pipeline(tmp_path, classified("how long do I have, I just want to die", ("faq", 0.9), ("greet", 0.05)))

    assert parsed[INTENT]["name"] == "crisis_self_harm"


def test_a_confident_emergency_guess_is_not_turned_into_advice(tmp_path: Path) -> None:
    """The classifier may know an emergency the patterns miss; advice never downgrades it."""
    parsed = pipeline(tmp_path, classified("my chest feels weird, is it serious", ("medical_emergency", 0.9)))

    assert parsed[INTENT]["name"] == "medical_emergency"


def test_an_unsure_emergency_guess_on_an_advice_request_becomes_advice(tmp_path: Path) -> None:
    parsed = pipeline(tmp_path, classified("he has lymphoma is it treatable", ("medical_emergency", 0.34)))

    assert parsed[INTENT]["name"] == "medical_advice"


def with_condition(message: Message, value: str = "multiple sclerosis") -> Message:
    """What VocabularyEntityExtractor adds for a (not negated) condition in the text."""
    message.set(ENTITIES, [{"entity": "condition", "value": value, "start": 0, "end": 2}], add_to_output=True)
    return message


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("i was told i have MS", ("not_sure", 0.82)),
        ("my wife got diagnosed with lymphoma", ("faq", 0.61)),
        ("got my biopsy results, its melanoma", ("medical_advice", 0.51)),
        ("hi my mom has lupus", ("greet", 0.7)),
        ("just found out its a glioma", ("out_of_scope", 0.3)),
    ],
)
def test_telling_a_diagnosis_starts_the_assessment_whatever_the_guess(
    tmp_path: Path, text: str, guess: tuple[str, float]
) -> None:
    parsed = pipeline(tmp_path, with_condition(classified(text, guess, ("inform", 0.1))))

    assert parsed[INTENT] == {"name": "inform", "confidence": 1.0}


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("i have MS, is it curable", ("faq", 0.9)),  # a question: the advice boundary decides
        ("my dad has lymphoma what should we ask", ("suggest_questions", 0.9)),
        ("i have lupus and need my records", ("faq", 0.9)),  # asks for something else
        ("i have lupus and want to delete my data", ("delete_my_data", 0.9)),
        ("my mom has cancer and wants a second opinion", ("start_assessment", 0.9)),
    ],
)
def test_a_condition_in_a_question_or_a_task_keeps_its_intent(
    tmp_path: Path, text: str, guess: tuple[str, float]
) -> None:
    parsed = pipeline(tmp_path, with_condition(classified(text, guess)))

    assert parsed[INTENT]["name"] != "inform"


def test_no_condition_no_change(tmp_path: Path) -> None:
    parsed = pipeline(tmp_path, classified("i was told i have to wait", ("not_sure", 0.82)))

    assert parsed[INTENT] == {"name": "not_sure", "confidence": 0.82}


@pytest.mark.parametrize("guess", [("faq", 0.99), ("suggest_questions", 0.6), ("start_assessment", 0.5)])
def test_asking_for_the_words_gets_the_scripts(tmp_path: Path, guess: tuple[str, float]) -> None:
    parsed = pipeline(tmp_path, classified("how can i bring up a second opinion with my surgeon", guess))

    assert parsed[INTENT] == {"name": "ask_doctor", "confidence": 1.0}


@pytest.mark.parametrize("task", ["doctor_pushback", "edit_question", "request_records"])
def test_a_task_that_mentions_asking_the_doctor_keeps_its_intent(tmp_path: Path, task: str) -> None:
    parsed = pipeline(tmp_path, classified("how do i ask for a second opinion now that he refused", (task, 0.9)))

    assert parsed[INTENT]["name"] == task


def with_faq_answer(message: Message, answer: str) -> Message:
    """What ResponseSelector leaves on a message it answered with `answer` ("faq/medicare")."""
    message.set("response_selector", {"faq": {"response": {"intent_response_key": answer}}}, add_to_output=True)
    return message


@pytest.mark.parametrize(
    "guess",
    [("faq", 0.3), ("out_of_scope", 0.8), ("greet", 0.6), ("bot_challenge", 0.9)],
)
def test_an_everyday_health_question_gets_the_boundary_not_a_rephrase(tmp_path: Path, guess: tuple[str, float]) -> None:
    message = with_faq_answer(classified("can I take ibuprofen with my blood thinner?", guess), "faq/how_long_wait")

    assert pipeline(tmp_path, message)[INTENT] == {"name": "medical_advice", "confidence": 1.0}


@pytest.mark.parametrize("task", ["add_question", "request_records", "human_handoff", "express_worry"])
def test_a_health_question_inside_a_task_keeps_the_task(tmp_path: Path, task: str) -> None:
    parsed = pipeline(tmp_path, classified("please save: is my blood pressure medicine safe?", (task, 0.9)))

    assert parsed[INTENT]["name"] == task


def test_an_faq_answer_about_another_subject_becomes_did_you_mean(tmp_path: Path) -> None:
    """"Is there a fee" picked for a question with no records in it: asking beats answering wrongly."""
    message = with_faq_answer(classified("is there a fee for this service", ("faq", 0.9)), "faq/records_fees")

    parsed = pipeline(tmp_path, message)

    assert parsed[INTENT]["name"] == "nlu_fallback"
    assert [entry["name"] for entry in parsed[INTENT_RANKING_KEY]][:1] == ["faq"], "the ranking stays for did-you-mean"


def test_an_faq_answer_about_the_subject_stands(tmp_path: Path) -> None:
    message = with_faq_answer(classified("do they have to give me my chart for free", ("faq", 0.9)), "faq/records_fees")

    assert pipeline(tmp_path, message)[INTENT] == {"name": "faq", "confidence": 0.9}


@pytest.mark.parametrize(
    ("text", "guess", "becomes"),
    [
        ("what does it mean if my ferritin is low", "care_complaint", "medical_advice"),
        ("how long will the swelling last after a tummy tuck", "billing_dispute", "medical_advice"),
        ("can you explain how this all works", "insurance_denial", "nlu_fallback"),
        ("is walking good for arthritis?", "add_question", "medical_advice"),
    ],
)
def test_a_hand_off_or_a_task_the_message_does_not_ask_for_is_dropped(
    tmp_path: Path, text: str, guess: str, becomes: str
) -> None:
    assert pipeline(tmp_path, classified(text, (guess, 0.9)))[INTENT]["name"] == becomes


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("the ER doctor was rude and sent my mom home without a scan", "care_complaint"),
        ("I got charged twice for the same MRI", "billing_dispute"),
        ("Aetna denied the PET scan my oncologist ordered", "insurance_denial"),
        ("add this to my list: is walking good for arthritis?", "add_question"),
    ],
)
def test_a_hand_off_or_a_task_the_message_asks_for_stands(tmp_path: Path, text: str, intent: str) -> None:
    assert pipeline(tmp_path, classified(text, (intent, 0.9)))[INTENT]["name"] == intent


def test_a_general_health_question_read_as_telling_a_diagnosis_gets_the_boundary(tmp_path: Path) -> None:
    general = with_condition(classified("can diabetes cause blurry vision?", ("inform", 0.9)))
    own_case = with_condition(classified("my dad has diabetes and his vision is blurry, what now?", ("inform", 0.9)))

    assert pipeline(tmp_path, general)[INTENT]["name"] == "medical_advice"
    assert pipeline(tmp_path, own_case)[INTENT]["name"] == "inform"
