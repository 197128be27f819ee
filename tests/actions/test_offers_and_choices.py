"""What a "yes", a number or "all of them" means depends on what the bot just asked or offered.

Real rasa-sdk trackers and a real SQLite database per test (the `database` fixture).
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import press
from actions.confirmations import ActionConfirmPending, ActionDeclinePending
from actions.faq import ActionFaqInForm, ActionFaqOffer
from actions.notebook import ActionAddQuestion, ActionRemoveQuestion, ActionSuggestQuestions
from actions.privacy import ActionAskErase
from actions.records import ActionRecordsRequest, ActionRecordsStatus
from bot.logic import messages
from bot.persistence import repository
from tests.actions.conftest import bot_turn, make_tracker, slot_events, texts

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("database")]

FAQ_NAMES = [
    "what_is_second_opinion", "why_get_one", "doctor_offended", "how_many_opinions", "how_long_wait",
    "insurance_coverage", "medicare", "find_specialist", "remote_opinion", "what_to_bring", "opinions_differ",
    "family_help", "patient_advocate", "records_rights", "records_fees", "records_time",
]  # fmt: skip


async def run(action: Any, tracker: Tracker, domain: dict) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher, events


def faq_question(text: str, name: str, *, active_loop: str | None = None, **kwargs: Any) -> Tracker:
    """The person asking an FAQ, with the ResponseSelector's pick as Rasa sends it to actions."""
    tracker = make_tracker(text, "faq", active_loop=active_loop, **kwargs)
    tracker.latest_message["response_selector"] = {
        "faq": {"response": {"intent_response_key": f"faq/{name}", "confidence": 0.97}}
    }
    return tracker


# --- the FAQ answers and their offers -------------------------------------------------------


@pytest.mark.parametrize("name", FAQ_NAMES)
def test_every_faq_answer_offers_a_next_step_that_works(domain: dict, name: str) -> None:
    [answer] = domain["responses"][f"utter_faq/{name}"]
    assert re.search(r"\sWant [^\n]*[?\"]$", answer["text"]), "the answer ends with its offer"
    first = answer["buttons"][0]["payload"]
    user = press(first, make_tracker("yes", "affirm"))[1]
    assert user["parse_data"]["intent"]["name"] in domain["intents"]
    for entity in user["parse_data"]["entities"]:
        assert entity["entity"] in domain["entities"]


async def test_after_an_faq_answer_its_offer_is_open_for_a_typed_yes(domain: dict) -> None:
    dispatcher, events = await run(ActionFaqOffer(), faq_question("what should I bring", "what_to_bring"), domain)

    assert dispatcher.messages == [], "utter_faq already said it"
    assert slot_events(events) == {"pending_confirmation": "offer", "pending_offer": "/request_records"}


async def test_inside_a_form_the_faq_is_answered_without_an_offer(domain: dict) -> None:
    tracker = faq_question("how much can they charge me?", "records_fees", active_loop="records_form")

    dispatcher, events = await run(ActionFaqInForm(), tracker, domain)

    [message] = dispatcher.messages
    assert "$6.50" in message["text"] and "Want" not in message["text"]
    assert message["text"].endswith("many offices charge nothing.")
    assert not message.get("buttons")
    assert events == []


async def test_an_faq_the_domain_does_not_know_still_gets_a_kind_answer(domain: dict) -> None:
    tracker = faq_question("hmm", "renamed_answer", active_loop="assessment_form")

    dispatcher, _ = await run(ActionFaqInForm(), tracker, domain)
    _, events = await run(ActionFaqOffer(), faq_question("hmm", "renamed_answer"), domain)

    assert texts(dispatcher) == messages.FAQ_NOT_FOUND
    assert events == []


async def test_yes_to_an_offer_goes_on_as_if_its_button_was_pressed(domain: dict) -> None:
    asked = {"pending_confirmation": "offer", "pending_offer": '/suggest_questions{"topic":"insurance"}'}
    tracker = make_tracker("sure", "affirm", slots=asked, history=bot_turn(asked), channel="twilio")

    _, events = await run(ActionConfirmPending(), tracker, domain)

    assert slot_events(events)["pending_offer"] is None
    listen, user = events[-2:]
    assert listen == {"event": "action", "name": "action_listen", "policy": None, "confidence": None, "timestamp": None}
    assert user["event"] == "user" and user["input_channel"] == "twilio"
    assert user["parse_data"]["intent"] == {"name": "suggest_questions", "confidence": 1.0}
    assert user["parse_data"]["entities"] == [{"entity": "topic", "value": "insurance"}]


async def test_the_save_this_question_button_saves_the_offered_question(domain: dict) -> None:
    [answer] = domain["responses"]["utter_faq/how_long_wait"]
    payload = answer["buttons"][0]["payload"]
    entities = press(payload, make_tracker())[1]["parse_data"]["entities"]

    dispatcher, _ = await run(ActionAddQuestion(), make_tracker(payload, "add_question", entities=entities), domain)

    [saved] = repository.list_questions("person-1")
    assert saved["text"] == "How long is it safe to wait before treatment starts, so I can get a second opinion?"
    assert saved["source"] == "suggested"
    assert saved["text"] in answer["text"], "the button saves what the answer promised"
    assert "Saved" in texts(dispatcher)


async def test_no_records_request_yet_offers_to_write_one(domain: dict) -> None:
    tracker = make_tracker("any news on my records", "records_status")
    dispatcher, events = await run(ActionRecordsStatus(), tracker, domain)

    assert "Want to write one now?" in texts(dispatcher)
    assert slot_events(events) == {"pending_confirmation": "offer", "pending_offer": "/request_records"}


# --- a yes only answers the question just asked ---------------------------------------------


async def test_a_yes_after_moving_on_never_erases_anything(domain: dict) -> None:
    """Asked "delete everything?", the person read an FAQ instead, then said "ok" to its offer."""
    repository.add_questions("person-1", ["What stage is it?"])
    _, erase_asked = await run(ActionAskErase(), make_tracker("delete my data", "delete_my_data"), domain)
    _, faq_offer = await run(ActionFaqOffer(), faq_question("what should I bring", "what_to_bring"), domain)
    slots = {**slot_events(erase_asked), **slot_events(faq_offer)}
    history = [*bot_turn(slot_events(erase_asked)), {"event": "user", "text": "what should I bring"}]
    history += bot_turn(slot_events(faq_offer))

    _, events = await run(ActionConfirmPending(), make_tracker("ok", "affirm", slots=slots, history=history), domain)

    assert repository.list_questions("person-1"), "nothing was erased"
    assert not any(e["event"] == "followup" for e in events)
    assert events[-1]["parse_data"]["intent"]["name"] == "request_records"


async def test_a_yes_to_a_question_asked_two_turns_ago_does_nothing(domain: dict) -> None:
    repository.add_questions("person-1", ["What stage is it?"])
    asked = {"pending_confirmation": "clear_questions"}
    history = [*bot_turn(asked), {"event": "user", "text": "hmm"}, {"event": "bot", "text": "Sorry?"}]

    dispatcher, events = await run(
        ActionConfirmPending(), make_tracker("yes", "affirm", slots=asked, history=history), domain
    )

    assert len(repository.list_questions("person-1")) == 1
    assert [m.get("text") or m.get("response") for m in dispatcher.messages] == ["OK!", "utter_menu"]
    assert slot_events(events)["pending_confirmation"] is None


async def test_a_no_after_moving_on_is_not_taken_for_the_old_question(domain: dict) -> None:
    asked = {"pending_confirmation": "erase_data"}
    history = [*bot_turn(asked), {"event": "user", "text": "what's a second opinion"}, {"event": "bot", "text": "..."}]

    dispatcher, _ = await run(ActionDeclinePending(), make_tracker("no", "deny", slots=asked, history=history), domain)

    assert [m.get("text") or m.get("response") for m in dispatcher.messages] == ["OK.", "utter_menu"]
    assert messages.NOTHING_CHANGED not in texts(dispatcher)


# --- numbered picks -------------------------------------------------------------------------


async def test_remove_one_asks_which_instead_of_removing_number_one(domain: dict) -> None:
    repository.add_questions("person-1", ["What stage is it?", "Who reads my scans?"])

    dispatcher, events = await run(ActionRemoveQuestion(), make_tracker("Remove one", "remove_question"), domain)

    assert len(repository.list_questions("person-1")) == 2
    assert "Which one should I remove?" in texts(dispatcher)
    assert slot_events(events) == {"pending_confirmation": "remove_question"}


async def test_the_number_given_after_which_one_is_removed(domain: dict) -> None:
    repository.add_questions("person-1", ["What stage is it?", "Who reads my scans?"])
    asked = {"pending_confirmation": "remove_question"}

    dispatcher, events = await run(
        ActionRemoveQuestion(), make_tracker("2", "nlu_fallback", slots=asked, history=bot_turn(asked)), domain
    )

    assert [q["text"] for q in repository.list_questions("person-1")] == ["What stage is it?"]
    assert 'Removed: "Who reads my scans?"' in texts(dispatcher)
    assert slot_events(events) == {"pending_confirmation": None}


async def test_several_numbers_are_removed_as_the_list_was_shown(domain: dict) -> None:
    repository.add_questions("person-1", ["One?", "Two?", "Three?", "Four?"])

    dispatcher, _ = await run(ActionRemoveQuestion(), make_tracker("remove 1, 3 and 9", "remove_question"), domain)

    assert [q["text"] for q in repository.list_questions("person-1")] == ["Two?", "Four?"]
    assert 'Removed: "One?"\nRemoved: "Three?"' in texts(dispatcher)
    assert "There's no question number 9." in texts(dispatcher)


async def test_picking_suggestions_by_number_saves_those_and_keeps_the_choice_open(domain: dict) -> None:
    tracker = make_tracker("help me prepare", "suggest_questions")
    _, offered_events = await run(ActionSuggestQuestions(), tracker, domain)
    asked = slot_events(offered_events)
    offered = asked["suggested_questions"]

    _, events = await run(
        ActionAddQuestion(), make_tracker("save 1 and 3", "nlu_fallback", slots=asked, history=bot_turn(asked)), domain
    )

    assert [q["text"] for q in repository.list_questions("person-1")] == [offered[0], offered[2]]
    assert slot_events(events) == {"pending_confirmation": "save_suggestions"}


# --- a caregiver's records request ------------------------------------------------------------

ANSWERS = {
    "provider": "St Marys Hospital in Tucson",
    "record_types": ["pathology"],
    "date_range": "All dates",
    "record_format": "electronic",
    "delivery": "By email to jo@example.com",
    "patient_name": "Maria Smith",
    "date_of_birth": "4/12/1958",
}


async def test_a_caregiver_is_told_who_signs_and_how_the_copies_reach_them(domain: dict) -> None:
    dispatcher, _ = await run(
        ActionRecordsRequest(), make_tracker("4/12/1958", slots={**ANSWERS, "relation": "mom"}), domain
    )

    note = next(m["text"] for m in dispatcher.messages if "records, the letter is written" in (m.get("text") or ""))
    assert note.startswith("Because these are your mom's records, the letter is written for her to sign.")
    assert "power of attorney" in note and "send the copies to you" in note


async def test_a_patient_asking_for_their_own_records_gets_no_caregiver_note(domain: dict) -> None:
    dispatcher, _ = await run(ActionRecordsRequest(), make_tracker("4/12/1958", slots=ANSWERS), domain)

    assert "power of attorney" not in texts(dispatcher)
