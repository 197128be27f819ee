"""The intent holds (bot.understanding.intent_holds): when what a message says outranks the guess."""

from __future__ import annotations

import pytest

from bot.understanding.intent_holds import UNSURE, Reading, hold


def reading(text: str, intent: str, **kwargs: object) -> Reading:
    return Reading(text=text, intent=intent, classified=kwargs.pop("classified", intent), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "guess", "expected"),
    [
        # risk first, whatever the guess
        ("my mother collapsed and isn't responding", "greet", "medical_emergency"),
        ("i just want to die", "human_handoff", "crisis_self_harm"),
        # a person asked for, angry or not
        ("this is pointless, put me through to a real person", "bot_challenge", "human_handoff"),
        ("is there a human I can talk to?", UNSURE, "human_handoff"),
        # the request after the story
        ("My daughter is 9 and the ENT wants to take out her tonsils and adenoids. Should we get another opinion?",
         "faq", "start_assessment"),
        ("Surgeon says my husband needs a valve replacement soon. Can you help me figure out if we should get "
         "another doctor to look?", "medical_advice", "start_assessment"),
        # records told at length
        ("Hospital is Lakeside General, doctor is Dr. Ferris. I need my echo report and the cath films sent to "
         "the cardiologist I'm seeing next week.", UNSURE, "request_records"),
        ("I asked Brookside for my biopsy slides three weeks ago and still haven't heard a thing", UNSURE,
         "records_status"),
        ("my aunt put in a records request with you last month, any news on it?", "request_records",
         "records_status"),
        ("Two weeks ago I asked the imaging center for my scans on a disc and they keep giving me the runaround. "
         "Can you check where it stands?", "doctor_pushback", "records_status"),
        ("my gp won't send my chart to the new specialist", "doctor_pushback", None),
        # the classifier's own emergency guess stands even with nothing the readers know
        ("my boy fell off the trampoline and isn't moving his neck, who do I call", "medical_emergency", None),
        ("I'd like to file a complaint about the surgeon who did my mother's hip", "faq", "care_complaint"),
        ("am I being paranoid wanting a second opinion on my thyroid nodule biopsy", "medical_advice",
         "start_assessment"),
        ("real human pls", "bot_challenge", "human_handoff"),
        # health questions
        ("does coffee raise blood pressure", UNSURE, "medical_advice"),
        ("does coffee raise blood pressure", "faq", "medical_advice"),  # the FAQ picked does not fit
        # hand-offs only when the message says so
        ("how long do stitches stay in after a c-section", "care_complaint", "medical_advice"),
        ("tell me more", "billing_dispute", UNSURE),
    ],
)
def test_holds(text: str, guess: str, expected: str) -> None:
    faq_answer = "faq/how_many_opinions" if guess == "faq" else ""
    assert hold(reading(text, guess, faq_answer=faq_answer)) == expected


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("I'd like a second opinion on my knee surgery", "start_assessment"),
        ("the billing office charged me twice", "billing_dispute"),
        ("please save this for my oncologist: is the tumour shrinking?", "add_question"),
        ("how can I make sure my family can help", "faq"),
    ],
)
def test_what_the_classifier_got_right_stands(text: str, guess: str) -> None:
    faq_answer = "faq/family_help" if guess == "faq" else ""
    assert hold(reading(text, guess, faq_answer=faq_answer)) is None


def test_a_records_request_taken_for_an_faq_is_the_request() -> None:
    text = "I need my scans and the pathology report from Riverside Clinic for my second opinion"

    assert hold(reading(text, "faq", faq_answer="faq/records_rights")) == "request_records"


def test_a_question_about_records_sent_is_not_a_new_request() -> None:
    assert hold(reading("did they ever send over my chart?", "faq", faq_answer="faq/records_rights")) == UNSURE


def test_an_faq_about_records_that_fits_stands() -> None:
    text = "how long does a hospital get to send me my records?"

    assert hold(reading(text, "faq", faq_answer="faq/records_time")) is None


def test_an_faq_about_another_subject_is_unsure() -> None:
    assert hold(reading("how many days until the office opens", "faq", faq_answer="faq/records_time")) == UNSURE


@pytest.mark.parametrize(
    ("text", "guess", "faq_answer"),
    [
        ("my dad is on medicare, can he get a second opinion on his surgery", "faq", "faq/medicare"),
        ("my friend says I should get a patient advocate - what do they do?", "faq", "faq/patient_advocate"),
        ("change 3 to: how long is recovery after a knee scope", UNSURE, ""),
        ("how do I tell my surgeon I want a second opinion", "ask_doctor", ""),
        ("what do you mean by first-line treatment", "explain", ""),
    ],
)
def test_readings_that_fit_are_not_second_guessed(text: str, guess: str, faq_answer: str) -> None:
    classified = "edit_question" if text.startswith("change") else guess
    assert hold(reading(text, guess, classified=classified, faq_answer=faq_answer)) is None


@pytest.mark.parametrize(
    ("text", "guess", "confidence"),
    [
        ("grape soda again haha", "crisis_self_harm", 0.6),
        ("break a leg at the recital tonight!!", "crisis_self_harm", 0.55),
        ("did u walk the dog yet", "medical_emergency", 0.52),
    ],
)
def test_an_unsure_risk_guess_about_nothing_of_health_or_distress_is_asked_about(
    text: str, guess: str, confidence: float
) -> None:
    assert hold(reading(text, guess, confidence=confidence)) == UNSURE


@pytest.mark.parametrize(
    ("text", "guess", "confidence"),
    [
        # words of distress, health or danger keep an unsure guess
        ("honestly whats the point of any of it, nobody gets it", "crisis_self_harm", 0.5),
        ("i'm so alone since the diagnosis", "crisis_self_harm", 0.45),
        ("he went grey and sweaty and won't answer me", "medical_emergency", 0.6),
        # a sure guess stands, whatever the words
        ("grape soda again haha", "crisis_self_harm", 0.9),
    ],
)
def test_a_founded_or_sure_risk_guess_stands(text: str, guess: str, confidence: float) -> None:
    assert hold(reading(text, guess, confidence=confidence)) is None
