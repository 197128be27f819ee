"""Each journey's actions on a real tracker and a real SQLite database."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

from actions.advice import ActionNoMedicalAdvice
from actions.assessment import ActionAssessmentResult, ActionStartAssessment, ValidateAssessmentForm
from actions.confirmations import ActionConfirmPending, ActionDeclinePending
from actions.doctor import ActionAskDoctor
from actions.flow import ActionExplain, ActionFallback
from actions.greeting import ActionGreet
from actions.handoff import ActionHandoff
from actions.notebook import (
    ActionAddQuestion,
    ActionClearQuestions,
    ActionEditQuestion,
    ActionRemoveQuestion,
    ActionSuggestQuestions,
)
from actions.privacy import ActionAskErase, ActionEraseData
from actions.records import ActionRecordsRequest, ActionRecordsStatus, ActionStartRecords, ValidateRecordsForm
from actions.safety import ActionCrisis, ActionEmergency
from bot.logic import messages
from bot.persistence import repository
from bot.persistence.db import get_engine
from bot.persistence.people import sender_hash
from tests.actions.conftest import bot_turn, make_tracker, slot_events, texts

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("database")]


async def run(action: Any, tracker: Any, domain: dict[str, Any]) -> tuple[CollectingDispatcher, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher, events


# --- assessment ------------------------------------------------------------------------------


async def test_condition_and_treatment_from_the_first_message_are_kept_and_stored(domain: dict) -> None:
    tracker = make_tracker(
        "I was just told I have stage 2 breast cancer and they want to start chemo",
        "start_assessment",
        entities=[
            {"entity": "condition", "value": "breast cancer", "start": 24, "end": 45},
            {"entity": "treatment", "value": "chemotherapy", "start": 69, "end": 74},
        ],
    )
    dispatcher, events = await run(ActionStartAssessment(), tracker, domain)
    assert slot_events(events)["condition"] == "breast cancer"
    assert slot_events(events)["treatment"] == "chemotherapy"
    assert "won't ask about that again" in texts(dispatcher)
    case = repository.get_case("person-1")
    assert case["condition"] == "breast cancer" and case["condition_category"] == "cancer"
    assert case["channel"] == "rest"


@pytest.mark.parametrize(
    ("slot", "reply", "intent", "expected"),
    [
        ("urgency", "in 2 weeks", "inform", "weeks"),
        ("urgency", "/inform", "inform", None),  # a bare payload is no answer
        ("diagnosis_certainty", "the two doctors disagree", "inform", "disagree"),
        ("rare_condition", "yes", "affirm", "yes"),
        ("not_improving", "nope", "deny", "yes"),  # "Are the symptoms getting better?" - "nope"
        ("insurer_requires", "no idea", "not_sure", "not_sure"),
        ("confidence", "not very confident tbh", "inform", "not_confident"),
    ],
)
async def test_form_answers_fill_the_asked_slot(
    domain: dict, slot: str, reply: str, intent: str, expected: str | None
) -> None:
    tracker = make_tracker(reply, intent, slots={"requested_slot": slot}, active_loop="assessment_form")
    dispatcher, events = await run(ValidateAssessmentForm(), tracker, domain)
    assert slot_events(events)[slot] == expected
    if expected is None:
        assert "didn't catch that" in texts(dispatcher)


async def test_button_entity_fills_the_slot(domain: dict) -> None:
    tracker = make_tracker(
        '/inform{"urgency":"months"}',
        "inform",
        entities=[{"entity": "urgency", "value": "months"}],
        slots={"requested_slot": "urgency"},
        active_loop="assessment_form",
    )
    _, events = await run(ValidateAssessmentForm(), tracker, domain)
    assert slot_events(events)["urgency"] == "months"


@pytest.mark.parametrize(
    "intent", ["explain", "faq", "crisis_self_harm", "human_handoff", "stop", "add_question", "list_questions"]
)
async def test_interruptions_extract_nothing_so_the_interrupt_rules_answer(domain: dict, intent: str) -> None:
    tracker = make_tracker(
        "what do you mean, I have lung cancer",
        intent,
        entities=[{"entity": "condition", "value": "lung cancer"}],
        slots={"requested_slot": "condition"},
        active_loop="assessment_form",
    )
    _, events = await run(ValidateAssessmentForm(), tracker, domain)
    assert "condition" not in slot_events(events)


@pytest.mark.parametrize(
    "text", ["forget about the letter", "ok stop the quiz please", "cancel this", "never mind", "nvm"]
)
async def test_a_plain_stop_interrupts_even_when_the_classifier_is_only_fairly_sure(domain: dict, text: str) -> None:
    """The date question takes free text, so without this "forget about the letter" became the dates."""
    tracker = make_tracker(
        text, "stop", confidence=0.57, slots={"requested_slot": "date_range"}, active_loop="records_form"
    )
    _, events = await run(ValidateRecordsForm(), tracker, domain)
    assert "date_range" not in slot_events(events)


async def test_an_answer_that_only_sounds_like_stop_is_still_an_answer(domain: dict) -> None:
    tracker = make_tracker(
        "Stop & Shop pharmacy on Main St", "stop", confidence=0.55, slots={"requested_slot": "provider"},
        active_loop="records_form",
    )  # fmt: skip
    _, events = await run(ValidateRecordsForm(), tracker, domain)
    assert slot_events(events)["provider"] == "Stop & Shop pharmacy on Main St"


async def test_a_rare_condition_answers_the_rare_question_too(domain: dict) -> None:
    tracker = make_tracker(
        "they said it's sarcoidosis",
        "inform",
        entities=[{"entity": "condition", "value": "sarcoidosis"}],
        slots={"requested_slot": "condition"},
        active_loop="assessment_form",
    )
    _, events = await run(ValidateAssessmentForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["condition"] == "sarcoidosis"
    assert slots.get("rare_condition") == "yes"


async def test_result_is_stored_with_reasons(domain: dict) -> None:
    answers = {
        "condition": "lung cancer",
        "treatment": "surgery",
        "urgency": "not_sure",
        "diagnosis_certainty": "not_sure",
        "rare_condition": "not_sure",
        "not_improving": "not_sure",
        "insurer_requires": "not_sure",
        "confidence": "confident",
    }
    dispatcher, events = await run(
        ActionAssessmentResult(), make_tracker("/not_sure", "not_sure", slots=answers), domain
    )
    stored = repository.latest_assessment("person-1")
    assert stored["recommendation"] == "strongly_recommended"
    assert stored["reasons"]
    assert slot_events(events)["recommendation"] == "strongly_recommended"
    assert "cancer" in texts(dispatcher).lower()
    assert repository.case_summary("person-1")["recommendation"] == "strongly_recommended"


async def test_emergency_answer_leads_with_do_not_delay(domain: dict) -> None:
    answers = {"condition": "appendicitis", "treatment": "surgery", "urgency": "emergency", "confidence": "confident"}
    dispatcher, _ = await run(ActionAssessmentResult(), make_tracker("x", slots=answers), domain)
    assert "delay" in dispatcher.messages[0]["text"].lower()


async def test_explain_uses_the_question_being_asked(domain: dict) -> None:
    tracker = make_tracker("what does that mean", "explain", slots={"requested_slot": "insurer_requires"})
    dispatcher, _ = await run(ActionExplain(), tracker, domain)
    assert "health plans require" in texts(dispatcher).lower()


# --- notebook --------------------------------------------------------------------------------


async def test_several_questions_in_one_message_are_saved_in_order(domain: dict) -> None:
    tracker = make_tracker("pls write down: how long is recovery? and can I keep working during chemo?", "add_question")
    dispatcher, _ = await run(ActionAddQuestion(), tracker, domain)
    saved = [q["text"] for q in repository.list_questions("person-1")]
    assert len(saved) == 2
    assert saved[0].lower().startswith("how long is recovery")
    assert "Saved" in texts(dispatcher)
    await run(ActionAddQuestion(), tracker, domain)  # the same again adds nothing
    assert len(repository.list_questions("person-1")) == 2


async def test_a_save_request_without_the_question_asks_for_it_and_saves_the_next_message(domain: dict) -> None:
    dispatcher, events = await run(ActionAddQuestion(), make_tracker("can you save a question for my cardiologist",
                                                                    "add_question"), domain)  # fmt: skip
    assert texts(dispatcher) == messages.ASK_FOR_QUESTION
    slots = slot_events(events)
    assert slots == {"pending_confirmation": "question_text"} and repository.list_questions("person-1") == []

    reply = make_tracker("does tamoxifen cause hot flashes", "medical_advice", slots=slots, history=bot_turn(slots))
    dispatcher, events = await run(ActionAddQuestion(), reply, domain)

    assert [q["text"] for q in repository.list_questions("person-1")] == ["Does tamoxifen cause hot flashes?"]
    assert "Saved" in texts(dispatcher)
    assert slot_events(events)["pending_confirmation"] is None  # the next message is read afresh


async def test_yes_or_no_to_what_is_the_question(domain: dict) -> None:
    slots = {"pending_confirmation": "question_text"}
    dispatcher, events = await run(
        ActionConfirmPending(), make_tracker("yes", "affirm", slots=slots, history=bot_turn(slots)), domain
    )
    assert "type your question" in texts(dispatcher)
    assert slot_events(events) == slots  # still waiting for it

    dispatcher, _ = await run(
        ActionDeclinePending(), make_tracker("never mind", "deny", slots=slots, history=bot_turn(slots)), domain
    )
    assert "nothing saved" in texts(dispatcher) and repository.list_questions("person-1") == []


async def test_suggestions_saved_all_or_by_number(domain: dict) -> None:
    tracker = make_tracker(
        "what should I ask about surgery", "suggest_questions", entities=[{"entity": "topic", "value": "surgery"}]
    )
    dispatcher, events = await run(ActionSuggestQuestions(), tracker, domain)
    offered = slot_events(events)["suggested_questions"]
    assert len(offered) >= 3
    pending = {"pending_confirmation": "save_suggestions", "suggested_questions": offered}
    await run(
        ActionAddQuestion(),
        make_tracker(
            '/add_question{"suggestion":"2"}',
            "add_question",
            entities=[{"entity": "suggestion", "value": "2"}],
            slots=pending,
        ),
        domain,
    )
    assert [q["text"] for q in repository.list_questions("person-1")] == [offered[1]]
    _, events = await run(
        ActionConfirmPending(), make_tracker("yes", "affirm", slots=pending, history=bot_turn(pending)), domain
    )
    assert [q["text"] for q in repository.list_questions("person-1")] == [offered[1], *offered[:1], *offered[2:]]
    assert {q["source"] for q in repository.list_questions("person-1")} == {"suggested"}
    assert slot_events(events)["pending_confirmation"] is None


async def test_remove_edit_and_clear_after_confirmation(domain: dict) -> None:
    repository.add_questions("person-1", ["What stage is it?", "Who reads my scans?", "Can I wait?"])
    await run(ActionRemoveQuestion(), make_tracker("remove question 2", "remove_question"), domain)
    assert [q["text"] for q in repository.list_questions("person-1")] == ["What stage is it?", "Can I wait?"]
    await run(ActionEditQuestion(), make_tracker("change 2 to: how long can I wait?", "edit_question"), domain)
    assert repository.list_questions("person-1")[1]["text"].lower().startswith("how long can i wait")
    _, events = await run(ActionClearQuestions(), make_tracker("delete all my questions", "clear_questions"), domain)
    assert slot_events(events)["pending_confirmation"] == "clear_questions"
    assert len(repository.list_questions("person-1")) == 2  # nothing gone before the yes
    asked = slot_events(events)
    await run(ActionDeclinePending(), make_tracker("no", "deny", slots=asked, history=bot_turn(asked)), domain)
    assert len(repository.list_questions("person-1")) == 2
    await run(ActionConfirmPending(), make_tracker("yes", "affirm", slots=asked, history=bot_turn(asked)), domain)
    assert repository.list_questions("person-1") == []


async def test_removing_a_number_that_does_not_exist_says_so(domain: dict) -> None:
    repository.add_questions("person-1", ["What stage is it?"])
    dispatcher, _ = await run(ActionRemoveQuestion(), make_tracker("remove 5", "remove_question"), domain)
    assert "no question number 5" in texts(dispatcher)
    assert len(repository.list_questions("person-1")) == 1


async def test_saved_questions_are_mentioned_when_the_person_comes_back(domain: dict) -> None:
    repository.add_questions("person-1", ["What stage is it?"])
    dispatcher, _ = await run(ActionGreet(), make_tracker("hi", "greet"), domain)
    assert "1 saved question" in texts(dispatcher)
    assert "911" in texts(dispatcher)


# --- medical advice --------------------------------------------------------------------------


async def test_medical_question_becomes_a_saved_question_on_yes(domain: dict) -> None:
    dispatcher, events = await run(
        ActionNoMedicalAdvice(), make_tracker("should I do chemo?", "medical_advice"), domain
    )
    slots = slot_events(events)
    assert slots["pending_confirmation"] == "save_question"
    assert "chemo" in slots["pending_question"].lower()
    await run(ActionConfirmPending(), make_tracker("yes", "affirm", slots=slots, history=bot_turn(slots)), domain)
    assert [q["text"] for q in repository.list_questions("person-1")] == [slots["pending_question"]]


async def test_medical_question_mid_form_is_saved_without_asking(domain: dict) -> None:
    tracker = make_tracker("is my cancer curable?", "medical_advice", active_loop="assessment_form")
    dispatcher, events = await run(ActionNoMedicalAdvice(), tracker, domain)
    assert "pending_confirmation" not in slot_events(events)
    assert len(repository.list_questions("person-1")) == 1
    assert "saved this to your question list" in texts(dispatcher) and "back to where we were" in texts(dispatcher)
    assert not any(message.get("buttons") for message in dispatcher.messages)  # a press would answer nothing

    dispatcher, _ = await run(ActionNoMedicalAdvice(), tracker, domain)  # asked again, still mid-form

    assert len(repository.list_questions("person-1")) == 1
    assert "already on your question list" in texts(dispatcher)


# --- doctor ----------------------------------------------------------------------------------


async def test_doctor_scripts_use_the_case(domain: dict) -> None:
    tracker = make_tracker("how do I ask my doctor", "ask_doctor", slots={"condition": "lymphoma"})
    dispatcher, _ = await run(ActionAskDoctor(), tracker, domain)
    assert "lymphoma" in texts(dispatcher)


# --- records ---------------------------------------------------------------------------------


async def test_records_answers_and_letter(domain: dict) -> None:
    validate = ValidateRecordsForm()
    tracker = make_tracker(
        "all of them", "affirm", slots={"requested_slot": "record_types"}, active_loop="records_form"
    )
    _, events = await run(validate, tracker, domain)
    assert {"pathology", "imaging", "treatment_plan"} <= set(slot_events(events)["record_types"])
    tracker = make_tracker("skip", "inform", slots={"requested_slot": "patient_name"}, active_loop="records_form")
    _, events = await run(validate, tracker, domain)
    assert slot_events(events)["patient_name"] == "skip"

    answers = {
        "provider": "Mercy General Hospital",
        "record_types": ["pathology", "imaging", "treatment_plan"],
        "date_range": "All dates",
        "record_format": "electronic",
        "delivery": "By email to jane@example.com",
        "patient_name": "skip",
        "date_of_birth": "March 2, 1970",
    }
    dispatcher, _ = await run(ActionRecordsRequest(), make_tracker("March 2, 1970", slots=answers), domain)
    [stored] = repository.list_records_requests("person-1")
    assert stored["provider"] == "Mercy General Hospital"
    assert stored["patient_name"] is None
    assert "164.524" in stored["letter"] and "slides" in stored["letter"]
    assert stored["letter"] in texts(dispatcher)
    status, _ = await run(ActionRecordsStatus(), make_tracker("any news on my records", "records_status"), domain)
    assert "Mercy General Hospital" in texts(status)


@pytest.mark.parametrize(
    ("message", "named"),
    [
        ("i need my path slides and the MRI images for the new oncologist", ["pathology", "imaging"]),
        ("can you help me get my bloodwork, scans and op notes", ["imaging", "labs", "operative_notes"]),
    ],
)
async def test_records_named_in_the_request_are_not_asked_again(domain: dict, message: str, named: list[str]) -> None:
    dispatcher, events = await run(ActionStartRecords(), make_tracker(message, "request_records"), domain)

    assert slot_events(events)["record_types"] == named
    assert "I won't ask about that again" in dispatcher.messages[-1]["text"]


async def test_a_plain_records_request_starts_blank(domain: dict) -> None:
    tracker = make_tracker("I need my medical records", "request_records", slots={"record_types": ["labs"]})

    dispatcher, events = await run(ActionStartRecords(), tracker, domain)

    assert slot_events(events)["record_types"] is None
    assert "I won't ask" not in texts(dispatcher)


# --- safety, handoff, fallback ---------------------------------------------------------------


async def test_crisis_gives_988_and_911_first_and_offers_a_person(domain: dict) -> None:
    tracker = make_tracker("I want to end my life", "crisis_self_harm", active_loop="assessment_form")
    dispatcher, events = await run(ActionCrisis(), tracker, domain)
    assert "988" in dispatcher.messages[0]["text"] and "911" in dispatcher.messages[0]["text"]
    slots = slot_events(events)
    assert slots["pending_confirmation"] == "handoff" and slots["paused_form"] == "assessment_form"
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    crisis_turn = tracker.events[-1]
    _, events = await run(
        ActionConfirmPending(),
        make_tracker("yes", "affirm", slots=slots, history=[crisis_turn, *bot_turn(slots)]),
        domain,
    )
    assert slot_events(events)["handoff_active"] is True
    assert repository.current_handoff("person-1")["reason"] == "distress"


async def test_emergency_says_911(domain: dict) -> None:
    dispatcher, _ = await run(ActionEmergency(), make_tracker("he can't breathe", "medical_emergency"), domain)
    assert "911" in texts(dispatcher)


async def test_handoff_stores_a_summary_and_pauses_the_bot(domain: dict) -> None:
    repository.add_questions("person-1", ["What stage is it?"])
    history = [{"event": "bot", "text": "Hi, I'm the Second Opinion Advocate"}]
    tracker = make_tracker("can I talk to a person", "human_handoff", slots={"condition": "lupus"}, history=history)
    dispatcher, events = await run(ActionHandoff(), tracker, domain)
    assert slot_events(events)["handoff_active"] is True
    [handoff] = repository.list_handoffs("open")
    assert handoff["reason"] == "asked_for_person" and handoff["channel"] == "rest"
    assert handoff["summary"]["questions"][0]["text"] == "What stage is it?"
    assert handoff["summary"]["transcript"][-1]["text"] == "can I talk to a person"
    assert "advocate" in texts(dispatcher)
    # asking again does not queue the person twice
    await run(ActionHandoff(), make_tracker("hello??", "human_handoff", slots={"handoff_active": True}), domain)
    assert len(repository.list_handoffs("open")) == 1


async def test_two_misunderstandings_in_a_row_bring_a_person(domain: dict) -> None:
    dispatcher, events = await run(ActionFallback(), make_tracker("blorp", "nlu_fallback"), domain)
    assert not repository.list_handoffs()
    first = {"event": "user", "text": "blorp", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    _, events = await run(ActionFallback(), make_tracker("zzz", "nlu_fallback", history=[first]), domain)
    assert slot_events(events)["handoff_active"] is True
    assert repository.list_handoffs("open")[0]["reason"] == "bot_did_not_understand"


# --- privacy ---------------------------------------------------------------------------------


async def test_erase_needs_a_yes_then_removes_everything(domain: dict) -> None:
    repository.add_questions("person-1", ["What stage is it?"])
    repository.open_handoff("person-1", "rest", "asked_for_person", {})
    repository.record_case("person-1", "rest", condition="lupus")
    with get_engine().begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
        connection.execute(
            text("INSERT INTO events (sender_id, data) VALUES (:person, '{}'), (:other, '{}')"),
            {"person": sender_hash("person-1"), "other": sender_hash("other")},
        )
    _, events = await run(ActionAskErase(), make_tracker("delete my data", "delete_my_data"), domain)
    assert slot_events(events)["pending_confirmation"] == "erase_data"
    assert repository.list_questions("person-1")  # nothing deleted yet
    asked = slot_events(events)
    yes = make_tracker("yes", "affirm", slots=asked, history=bot_turn(asked))
    _, events = await run(ActionConfirmPending(), yes, domain)
    assert any(e["event"] == "followup" and e["name"] == "action_erase_data" for e in events)
    dispatcher, events = await run(ActionEraseData(), make_tracker("yes", "affirm"), domain)
    assert events[-1]["event"] == "restart"
    summary = repository.case_summary("person-1")
    assert summary["questions"] == [] and summary["handoff"] is None and summary["condition"] is None
    with get_engine().connect() as connection:
        remaining = connection.execute(text("SELECT sender_id FROM events")).scalars().all()
    assert remaining == [sender_hash("other")]


@pytest.mark.parametrize(
    ("slot", "reply", "intent", "expected"),
    [
        ("record_format", "an electronic copy", "faq", "electronic"),  # looks like a records FAQ
        ("provider", "Dr. Maria Lee at Mercy General Hospital", "faq", "Dr. Maria Lee at Mercy General Hospital"),
    ],
)
async def test_an_answer_that_looks_like_a_faq_still_answers_the_question(
    domain: dict, slot: str, reply: str, intent: str, expected: str
) -> None:
    tracker = make_tracker(reply, intent, slots={"requested_slot": slot}, active_loop="records_form")
    _, events = await run(ValidateRecordsForm(), tracker, domain)
    assert slot_events(events)[slot] == expected


async def test_a_real_question_mid_form_interrupts(domain: dict) -> None:
    tracker = make_tracker(
        "can they charge me for copies?", "faq", slots={"requested_slot": "record_format"}, active_loop="records_form"
    )
    _, events = await run(ValidateRecordsForm(), tracker, domain)
    assert "record_format" not in slot_events(events)


async def test_button_presses_read_as_words_in_the_advocate_summary(domain: dict) -> None:
    pressed = {"event": "user", "text": "/start_assessment", "parse_data": {"intent": {"name": "start_assessment"}}}
    tracker = make_tracker("talk to a person", "human_handoff", history=[pressed])
    await run(ActionHandoff(), tracker, domain)
    transcript = repository.list_handoffs("open")[0]["summary"]["transcript"]
    assert transcript[0]["text"] == "[pressed: start assessment]"


@pytest.mark.parametrize("intent", ["insurance_denial", "billing_dispute", "care_complaint"])
async def test_topics_the_bot_should_not_handle_alone_go_to_a_person(domain: dict, intent: str) -> None:
    dispatcher, events = await run(ActionHandoff(), make_tracker("they denied it", intent), domain)
    assert slot_events(events)["handoff_active"] is True
    assert repository.list_handoffs("open")[0]["reason"] == intent
    assert "advocate" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("slot", "stored"),
    [
        ("record_types", ["visit_notes", "pathology", "imaging", "labs", "operative_notes", "medications",
                          "treatment_plan", "discharge_summaries", "billing"]),
        ("date_range", "All dates"),
        ("record_format", "skip"),
        ("delivery", "skip"),
    ],
)  # fmt: skip
async def test_not_sure_in_the_records_form_takes_the_choice_that_misses_nothing(
    domain: dict, slot: str, stored: Any
) -> None:
    tracker = make_tracker("idk", "not_sure", slots={"requested_slot": slot}, active_loop="records_form")

    _, events = await run(ValidateRecordsForm(), tracker, domain)

    assert slot_events(events)[slot] == stored


async def test_not_sure_of_the_clinic_says_where_to_find_it_and_asks_again(domain: dict) -> None:
    tracker = make_tracker("no clue", "not_sure", slots={"requested_slot": "provider"}, active_loop="records_form")

    dispatcher, events = await run(ValidateRecordsForm(), tracker, domain)

    assert slot_events(events) == {"provider": None}
    assert "patient portal" in texts(dispatcher) and "didn't catch" not in texts(dispatcher)


async def test_a_letter_with_unknown_format_and_delivery_never_says_not_sure(domain: dict) -> None:
    answers = {
        "provider": "Mercy General Hospital", "record_types": ["pathology"], "date_range": "All dates",
        "record_format": "skip", "delivery": "skip", "patient_name": "skip", "date_of_birth": "skip",
    }  # fmt: skip

    await run(ActionRecordsRequest(), make_tracker("skip", slots=answers), domain)

    [stored] = repository.list_records_requests("person-1")
    assert "skip" not in stored["letter"] and "not sure" not in stored["letter"]
    assert "An electronic copy is best if possible" in stored["letter"]
    assert stored["record_format"] is None and stored["delivery"] is None
