"""Answers given before they are asked: at the start of the assessment and in the middle of the form.

Real rasa-sdk trackers and a real SQLite database per test, as in test_journeys.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import ActionStartAssessment, ValidateAssessmentForm
from actions.records import ValidateRecordsForm
from bot.logic.messages import CARRY_ON, NOT_UNDERSTOOD
from bot.persistence import repository
from tests.actions.conftest import make_tracker, slot_events, texts

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("database")]

MASTECTOMY = (
    "my mom was just diagnosed w/ breast cancer stage 2, they want to do a mastectomy in 2 weeks. "
    "should she get a 2nd opinion?"
)


async def run(action: Any, tracker: Any, domain: dict[str, Any]) -> tuple[CollectingDispatcher, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher, events


def in_form(reply: str, asked: str, *, intent: str = "inform", **kwargs: Any) -> Any:
    """The person's reply while the assessment asks `asked` (other answers in `slots`)."""
    slots = {"requested_slot": asked, **kwargs.pop("slots", {})}
    return make_tracker(reply, intent, slots=slots, active_loop="assessment_form", **kwargs)


# --- at the start ----------------------------------------------------------------------------


async def test_the_first_message_s_timing_is_noted_and_not_asked_again(domain: dict) -> None:
    tracker = make_tracker(
        MASTECTOMY,
        "start_assessment",
        entities=[
            {"entity": "relation", "value": "mom"},
            {"entity": "condition", "value": "breast cancer"},
            {"entity": "treatment", "value": "mastectomy"},
        ],
        slots={"relation": "mom"},
    )
    dispatcher, events = await run(ActionStartAssessment(), tracker, domain)
    slots = slot_events(events)
    assert slots["condition"] == "breast cancer" and slots["treatment"] == "mastectomy"
    assert slots["urgency"] == "weeks"
    said = texts(dispatcher)
    assert "whether a second opinion makes sense for your mom." in said
    assert (
        "I've noted: breast cancer, mastectomy, and that treatment starts in 1 to 4 weeks. "
        "I won't ask about that again."
    ) in said
    case = repository.get_case("person-1")
    assert case["condition"] == "breast cancer" and case["treatment"] == "mastectomy"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("should I get a second opinion? the two doctors disagree", {"diagnosis_certainty": "disagree"}),
        ("I'm really scared, do I need a 2nd opinion", {"confidence": "not_confident"}),
        ("the insurance says I need one", {"insurer_requires": "yes"}),
        ("it's a rare type, should i get another opinion", {"rare_condition": "yes"}),
        ("it keeps getting worse, should I see someone else", {"not_improving": "yes"}),
    ],
)
async def test_each_kind_of_answer_is_taken_from_the_first_message(
    domain: dict, text: str, expected: dict[str, str]
) -> None:
    dispatcher, events = await run(ActionStartAssessment(), make_tracker(text, "start_assessment"), domain)
    slots = slot_events(events)
    assert {k: slots[k] for k in expected} == expected
    assert "I've noted: that " in texts(dispatcher)


@pytest.mark.parametrize(
    "text", ["should I get a second opinion?", "maybe I should get a 2nd opinion", "help me decide", "stage 2"]
)
async def test_a_plain_request_notes_nothing(domain: dict, text: str) -> None:
    dispatcher, events = await run(ActionStartAssessment(), make_tracker(text, "start_assessment"), domain)
    assert slot_events(events) == {}
    assert "I've noted" not in texts(dispatcher)
    assert "whether a second opinion makes sense for you." in texts(dispatcher)


async def test_a_known_rare_condition_outranks_it_s_common(domain: dict) -> None:
    tracker = make_tracker(
        "they said it's sarcoidosis, apparently it's pretty common",
        "inform",
        entities=[{"entity": "condition", "value": "sarcoidosis"}],
    )
    dispatcher, events = await run(ActionStartAssessment(), tracker, domain)
    assert slot_events(events)["rare_condition"] == "yes"
    assert "I've noted: sarcoidosis and that it is a rare condition." in texts(dispatcher)


# --- in the middle of the form ---------------------------------------------------------------


async def test_a_reply_about_another_question_is_noted_and_the_question_asked_again(domain: dict) -> None:
    tracker = in_form("she feels kinda nervous about it", "insurer_requires", slots={"relation": "mom"})
    dispatcher, events = await run(ValidateAssessmentForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["insurer_requires"] is None  # so the form asks it again
    assert slots["confidence"] == "somewhat"
    said = texts(dispatcher)
    assert said == "Thanks, I've noted that there are some doubts about the plan."
    assert NOT_UNDERSTOOD not in said


async def test_extra_answers_in_an_answer_are_kept_and_named(domain: dict) -> None:
    tracker = in_form("in 2 weeks, and the doctors disagree", "urgency")
    dispatcher, events = await run(ValidateAssessmentForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["urgency"] == "weeks" and slots["diagnosis_certainty"] == "disagree"
    assert texts(dispatcher) == "I've also noted that the doctors disagree."


@pytest.mark.parametrize(("reply", "intent"), [("ok continue", "resume"), ("okay", "affirm")])
@pytest.mark.parametrize(("form", "asked"), [(ValidateAssessmentForm, "urgency"), (ValidateRecordsForm, "provider")])
async def test_go_on_while_a_question_waits_is_no_failed_answer(
    domain: dict, reply: str, intent: str, form: Any, asked: str
) -> None:
    """After an FAQ answered mid-form the question comes back; "ok continue" wants it, not a scolding."""
    tracker = in_form(reply, asked, intent=intent)
    dispatcher, events = await run(form(), tracker, domain)
    assert slot_events(events) == {asked: None}  # so the form asks it again
    assert texts(dispatcher) == CARRY_ON


@pytest.mark.parametrize(
    ("form", "asked"), [(ValidateAssessmentForm, "diagnosis_certainty"), (ValidateRecordsForm, "date_range")]
)
async def test_a_weakly_read_question_that_is_no_answer_is_left_to_the_interruption_rules(
    domain: dict, form: Any, asked: str
) -> None:
    """Rejected (no slot set), so the rule for a medical question answers it and the form asks again."""
    reply = "hang on, how long can we take to decide, would a week be too long?"
    tracker = in_form(reply, asked, intent="medical_advice", confidence=0.56)
    dispatcher, events = await run(form(), tracker, domain)
    assert events == [] and dispatcher.messages == []


async def test_a_weakly_read_question_that_answers_is_the_answer(domain: dict) -> None:
    tracker = in_form("they have doubts, could it be something else?", "diagnosis_certainty", intent="medical_advice",
                      confidence=0.56)  # fmt: skip
    _, events = await run(ValidateAssessmentForm(), tracker, domain)
    assert slot_events(events)["diagnosis_certainty"] is not None


async def test_an_answer_already_given_is_never_overwritten(domain: dict) -> None:
    tracker = in_form("I'm terrified", "insurer_requires", slots={"confidence": "confident"})
    dispatcher, events = await run(ValidateAssessmentForm(), tracker, domain)
    assert "confidence" not in slot_events(events)
    assert NOT_UNDERSTOOD in texts(dispatcher)  # nothing new was understood


async def test_the_asked_question_s_own_reading_wins(domain: dict) -> None:
    """Asked about the symptoms, "not getting better" answers that question, nothing else."""
    tracker = in_form("no, not getting better", "not_improving", intent="deny")
    dispatcher, events = await run(ValidateAssessmentForm(), tracker, domain)
    assert slot_events(events) == {"not_improving": "yes"}
    assert texts(dispatcher) == ""


@pytest.mark.parametrize(("reply", "intent", "expected"), [("yes", "affirm", "no"), ("no", "deny", "yes")])
async def test_yes_to_are_they_getting_better_means_improving(
    domain: dict, reply: str, intent: str, expected: str
) -> None:
    _, events = await run(ValidateAssessmentForm(), in_form(reply, "not_improving", intent=intent), domain)
    assert slot_events(events)["not_improving"] == expected


async def test_a_feeling_is_not_taken_as_the_diagnosis(domain: dict) -> None:
    """The diagnosis question takes the person's own words, but "my dad is terrified" is not one."""
    tracker = in_form("my dad is terrified", "condition", slots={"relation": "dad"})
    dispatcher, events = await run(ValidateAssessmentForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["condition"] is None and slots["confidence"] == "not_confident"
    assert texts(dispatcher) == "Thanks, I've noted that there are real worries about the plan."


async def test_a_named_treatment_and_a_feeling_instead_of_the_diagnosis(domain: dict) -> None:
    tracker = in_form(
        "she's terrified and they want chemo",
        "condition",
        entities=[{"entity": "treatment", "value": "chemotherapy"}],
    )
    dispatcher, events = await run(ValidateAssessmentForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["condition"] is None
    assert slots["treatment"] == "chemotherapy" and slots["confidence"] == "not_confident"
    assert texts(dispatcher) == "Thanks, I've noted chemotherapy and that there are real worries about the plan."
    assert repository.get_case("person-1")["treatment"] == "chemotherapy"


async def test_a_rare_condition_in_own_words_is_still_the_diagnosis(domain: dict) -> None:
    tracker = in_form("a rare one called Zorblax", "condition")
    dispatcher, events = await run(ValidateAssessmentForm(), tracker, domain)
    slots = slot_events(events)
    assert "Zorblax" in slots["condition"]
    assert slots["rare_condition"] == "yes"
    assert texts(dispatcher) == "I've also noted that it is a rare condition."


@pytest.mark.parametrize(
    ("asked", "expected"),
    [("record_types", None), ("date_range", "the doctors disagree and I'm scared")],
)
async def test_the_records_form_keeps_no_unasked_answers(domain: dict, asked: str, expected: str | None) -> None:
    """The records form shares the extraction code; facts about the assessment mean nothing to it."""
    tracker = make_tracker(
        "the doctors disagree and I'm scared", slots={"requested_slot": asked}, active_loop="records_form"
    )
    dispatcher, events = await run(ValidateRecordsForm(), tracker, domain)
    assert slot_events(events) == {asked: expected}
    assert (NOT_UNDERSTOOD in texts(dispatcher)) == (expected is None)
    assert "noted" not in texts(dispatcher)
