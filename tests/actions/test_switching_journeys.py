"""Another journey in the middle of a form: never taken for an answer; the form waits to continue.

Real rasa-sdk trackers and a real SQLite database per test (the `database` fixture).
"""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import ActionAssessmentResult, ActionStartAssessment, ValidateAssessmentForm
from actions.common import pause_active_form
from actions.records import ActionRecordsRequest, ActionStartRecords, ValidateRecordsForm
from tests.actions.conftest import make_tracker, slot_events, texts

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("database")]


async def run(action: Any, tracker: Tracker, domain: dict) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher, events


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I need his records", "request_records"),
        ("what should I ask the surgeon", "suggest_questions"),
        ("print my list", "print_questions"),
        ("how do I ask my doctor for one", "ask_doctor"),
        ("delete question 2", "remove_question"),
    ],
)
async def test_another_journey_is_never_the_treatment(domain: dict, text: str, intent: str) -> None:
    """ "I need his records" used to be saved as the treatment, and end up in the advocate's summary."""
    tracker = make_tracker(
        text, intent, slots={"requested_slot": "treatment", "condition": "lymphoma"}, active_loop="assessment_form"
    )

    _, events = await run(ValidateAssessmentForm(), tracker, domain)

    assert events == []  # nothing extracted: Rasa rejects the form turn and the switch rule runs


async def test_the_forms_own_journey_is_still_an_answer(domain: dict) -> None:
    asked = {"requested_slot": "record_types"}
    tracker = make_tracker("my pathology and the mri", "request_records", slots=asked, active_loop="records_form")

    _, events = await run(ValidateRecordsForm(), tracker, domain)

    assert set(slot_events(events)["record_types"]) == {"pathology", "imaging"}


async def test_a_low_confidence_switch_is_still_read_as_an_answer(domain: dict) -> None:
    """ "Dr. Patel's office, the records dept" at the clinic question is the clinic, not a new request."""
    tracker = make_tracker(
        "Dr. Patel at the Ask Clinic", "ask_doctor", slots={"requested_slot": "provider"},
        active_loop="records_form", confidence=0.5,
    )  # fmt: skip

    _, events = await run(ValidateRecordsForm(), tracker, domain)

    assert slot_events(events)["provider"] == "Dr. Patel at the Ask Clinic"


async def test_starting_records_keeps_the_paused_assessment_and_the_letter_says_to_continue(domain: dict) -> None:
    paused = {"paused_form": "assessment_form", "condition": "lymphoma"}
    tracker = make_tracker("I need his records", "request_records", slots=paused)
    _, events = await run(ActionStartRecords(), tracker, domain)
    assert "paused_form" not in slot_events(events)

    answers = {
        **paused, "provider": "Mercy", "record_types": ["pathology"], "date_range": "All dates",
        "record_format": "electronic", "delivery": "mail", "patient_name": "skip", "date_of_birth": "skip",
    }  # fmt: skip
    dispatcher, events = await run(ActionRecordsRequest(), make_tracker("skip", slots=answers), domain)

    assert "We were in the middle of the second-opinion questions." in texts(dispatcher)
    assert "paused_form" not in slot_events(events)


async def test_finishing_a_resumed_form_ends_its_pause(domain: dict) -> None:
    answers = {"paused_form": "assessment_form", "condition": "lupus", "treatment": "medication"}

    dispatcher, events = await run(ActionAssessmentResult(), make_tracker("ok", slots=answers), domain)

    assert slot_events(events)["paused_form"] is None
    assert "We were in the middle" not in texts(dispatcher)


async def test_a_second_assessment_asks_again_instead_of_repeating_the_old_result(domain: dict) -> None:
    finished = {
        "recommendation": "strongly_recommended", "condition": "breast cancer", "treatment": "mastectomy",
        "urgency": "weeks", "diagnosis_certainty": "certain", "confidence": "somewhat",
    }  # fmt: skip
    tracker = make_tracker(
        "my dad has heart failure, should he get a second opinion", "start_assessment", slots=finished,
        entities=[{"entity": "condition", "value": "heart failure"}],
    )  # fmt: skip

    _, events = await run(ActionStartAssessment(), tracker, domain)

    slots = slot_events(events)
    assert slots["condition"] == "heart failure"
    assert slots["treatment"] is None and slots["urgency"] is None and slots["recommendation"] is None


async def test_a_paused_assessment_keeps_its_answers(domain: dict) -> None:
    paused = {"paused_form": "assessment_form", "recommendation": "optional", "urgency": "weeks"}

    tracker = make_tracker("should I get a 2nd opinion", "start_assessment", slots=paused)
    _, events = await run(ActionStartAssessment(), tracker, domain)

    assert "urgency" not in slot_events(events)
    assert slot_events(events)["paused_form"] is None


async def test_paused_forms_are_a_stack_the_latest_continued_first(domain: dict) -> None:
    """Assessment paused for the letter, the letter paused for a person: both wait, the letter on top."""
    in_letter = make_tracker(
        "I want to talk to someone", "human_handoff", slots={"paused_form": "assessment_form", "condition": "lupus"},
        active_loop="records_form",
    )  # fmt: skip
    paused = slot_events(pause_active_form(in_letter))
    assert paused["paused_form"] == "records_form" and paused["paused_below"] == ["assessment_form"]

    # "continue" brings the letter back (the rule reads paused_form); finishing it leaves the assessment.
    answers = {
        **paused, "provider": "Mercy", "record_types": ["pathology"], "date_range": "All dates",
        "record_format": "electronic", "delivery": "mail", "patient_name": "skip", "date_of_birth": "skip",
    }  # fmt: skip
    dispatcher, events = await run(ActionRecordsRequest(), make_tracker("skip", slots=answers), domain)

    assert slot_events(events) == {"paused_form": "assessment_form", "paused_below": []}
    assert "We were in the middle of the second-opinion questions." in texts(dispatcher)


async def test_pausing_the_form_already_on_top_does_not_stack_it_twice(domain: dict) -> None:
    again = make_tracker(
        "stop", "stop", slots={"paused_form": "assessment_form", "paused_below": ["records_form"]},
        active_loop="assessment_form",
    )  # fmt: skip

    paused = slot_events(pause_active_form(again))

    assert paused["paused_form"] == "assessment_form" and paused["paused_below"] == ["records_form"]
