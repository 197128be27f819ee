"""Print / share / text the question list: the actions on real trackers, a real SQLite database and
a local fake of Twilio's API (tests/fakes.py) recording what would have been texted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.common import pause_active_form
from actions.confirmations import ActionConfirmPending, ActionDeclinePending
from actions.sharing import (
    ActionAskSmsNumber,
    ActionPrintQuestions,
    ActionSmsNumberGiven,
    ValidateSmsNumberForm,
)
from bot.persistence import repository
from bot.security.limits import LimitSettings
from tests.actions.conftest import bot_turn, make_tracker, slot_events, texts
from tests.fakes import FakeTwilio, running

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("database")]

PUBLIC = "https://advocate.example.org"
TWILIO_NUMBER = "+15550100100"
PERSON = "+14155550123"
WEB = "widget-session-1"
LINK = re.compile(re.escape(PUBLIC) + r"/my-questions/([A-Za-z0-9_-]+)")
MAX_TEXTS_PER_DAY = LimitSettings.from_env({}).texts_per_conversation_per_day


@pytest.fixture(autouse=True)
def public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", PUBLIC)
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "TWILIO_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def twilio(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilio]:
    with running(FakeTwilio()) as fake:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "secret")
        monkeypatch.setenv("TWILIO_NUMBER", TWILIO_NUMBER)
        monkeypatch.setenv("TWILIO_API_BASE_URL", fake.url)
        yield fake  # type: ignore[misc]


async def run(action: Any, tracker: Any, domain: dict[str, Any]) -> tuple[CollectingDispatcher, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher, events


def saved(sender: str, *questions: str) -> None:
    repository.add_questions(sender, list(questions))


def token_in(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(1)


def in_form(text: str, intent: str = "inform", sender: str = WEB, **kwargs: Any) -> Any:
    """A reply to "What mobile number should I text your list to?"."""
    history = [{"event": "active_loop", "name": "sms_number_form"}, *kwargs.pop("history", [])]
    return make_tracker(
        text, intent, sender=sender, channel="socketio", active_loop="sms_number_form",
        slots={"requested_slot": "sms_number", "print_followup": "ask_number"}, history=history, **kwargs,
    )  # fmt: skip


# --- print / share ---------------------------------------------------------------------------


async def test_print_shows_the_list_and_a_private_link_to_the_page_and_pdf(domain: dict) -> None:
    saved(WEB, "Is it curable?", "How long is recovery?")
    tracker = make_tracker("print my list", "print_questions", sender=WEB, channel="socketio")
    dispatcher, events = await run(ActionPrintQuestions(), tracker, domain)
    reply = texts(dispatcher)
    assert "1. Is it curable?\n2. How long is recovery?" in reply
    token = token_in(reply)
    assert f"]({PUBLIC}/my-questions/{token})" in reply and f"]({PUBLIC}/my-questions/{token}.pdf)" in reply
    assert slot_events(events) == {"print_followup": None}
    assert dispatcher.messages[0]["buttons"] == []  # no "Text it to me" while Twilio is not set up
    # The link leads to the list, and later edits show through it.
    saved(WEB, "Can I keep working?")
    assert len(repository.shared_questions(token)["questions"]) == 3
    assert repository.get_case(WEB)["channel"] == "socketio"


async def test_an_empty_list_gets_no_link(domain: dict) -> None:
    dispatcher, events = await run(ActionPrintQuestions(), make_tracker("print my list", "print_questions"), domain)
    assert "nothing to print" in texts(dispatcher) and "/my-questions/" not in texts(dispatcher)
    assert slot_events(events) == {"print_followup": None}


async def test_on_sms_the_reply_is_compact_with_one_link_that_hides_the_phone_number(domain: dict) -> None:
    saved(PERSON, "Is it curable?")
    tracker = make_tracker("text me my questions", "print_questions", sender=PERSON, channel="twilio")
    dispatcher, events = await run(ActionPrintQuestions(), tracker, domain)
    reply = texts(dispatcher)
    assert reply.startswith("Your 1 question:\n1. Is it curable?")
    token = token_in(reply)
    assert reply.count("/my-questions/") == 1 and "4155550123" not in token and PERSON not in reply
    assert "buttons" not in dispatcher.messages[0] or not dispatcher.messages[0]["buttons"]
    assert slot_events(events) == {"print_followup": None}  # no number form on SMS


async def test_with_twilio_the_list_offers_a_text_button(domain: dict, twilio: FakeTwilio) -> None:
    saved(WEB, "Is it curable?")
    dispatcher, _ = await run(ActionPrintQuestions(), make_tracker("/print_questions", "print_questions", sender=WEB,
                                                                   channel="socketio"), domain)  # fmt: skip
    assert dispatcher.messages[0]["buttons"] == [
        {"title": "Text it to me", "payload": '/print_questions{"share_via":"sms"}'}
    ]


# --- text me my questions (website, Slack) ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entities"),
    [("text me my questions", []), ('/print_questions{"share_via":"sms"}', [{"entity": "share_via", "value": "sms"}])],
)
async def test_text_me_asks_for_the_number_through_the_form(
    domain: dict, twilio: FakeTwilio, text: str, entities: list
) -> None:
    saved(WEB, "Is it curable?")
    tracker = make_tracker(text, "print_questions", sender=WEB, channel="socketio", entities=entities)
    dispatcher, events = await run(ActionPrintQuestions(), tracker, domain)
    assert "1. Is it curable?" in texts(dispatcher) and "/my-questions/" in texts(dispatcher)
    assert slot_events(events) == {"print_followup": "ask_number", "sms_number": None}
    assert twilio.requests == []


async def test_the_number_question_offers_a_way_out(domain: dict) -> None:
    dispatcher, events = await run(ActionAskSmsNumber(), in_form("text me my questions"), domain)
    assert "What mobile number should I text your list to?" in texts(dispatcher)
    assert dispatcher.messages[0]["buttons"] == [{"title": "Not now", "payload": "/deny"}]
    assert events == []


async def test_text_me_without_twilio_says_so_kindly_and_gives_the_link(domain: dict) -> None:
    saved(WEB, "Is it curable?")
    tracker = make_tracker("text me my questions", "print_questions", sender=WEB, channel="slack")
    dispatcher, events = await run(ActionPrintQuestions(), tracker, domain)
    assert "can't send text messages from here" in texts(dispatcher)
    assert "/my-questions/" in texts(dispatcher)
    assert slot_events(events) == {"print_followup": None}


async def test_a_number_in_the_request_skips_the_question(domain: dict, twilio: FakeTwilio) -> None:
    saved(WEB, "Is it curable?", "How long is recovery?")
    tracker = make_tracker("text my questions to 415-555-0123", "print_questions", sender=WEB, channel="socketio")
    dispatcher, events = await run(ActionPrintQuestions(), tracker, domain)
    assert "Text your 2 questions to (415) 555-0123?" in texts(dispatcher)
    assert slot_events(events) == {
        "print_followup": None, "sms_number": PERSON, "pending_confirmation": "text_questions"
    }  # fmt: skip
    assert twilio.requests == []  # nothing is sent before the yes


# --- the number form -------------------------------------------------------------------------


@pytest.mark.parametrize("reply", ["415-555-0123", "it's (415) 555 0123", "+1 415 555 0123", "4155550123"])
async def test_the_form_reads_the_number(domain: dict, reply: str) -> None:
    dispatcher, events = await run(ValidateSmsNumberForm(), in_form(reply), domain)
    assert events == [{"event": "slot", "timestamp": None, "name": "sms_number", "value": PERSON}]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("reply", "intent"), [("not now", "deny"), ("/deny", "deny"), ("stop", "stop"), ("maybe later", "inform"),
                          ("menu", "help")],
)  # fmt: skip
async def test_not_now_ends_the_form(domain: dict, reply: str, intent: str) -> None:
    _, events = await run(ValidateSmsNumberForm(), in_form(reply, intent), domain)
    assert slot_events(events) == {"sms_number": None, "requested_slot": None}


async def test_not_a_number_is_asked_again_kindly_then_let_go(domain: dict) -> None:
    dispatcher, events = await run(ValidateSmsNumberForm(), in_form("my cell"), domain)
    assert "doesn't look like a US mobile number" in texts(dispatcher)
    assert slot_events(events) == {"sms_number": None}  # the form asks again

    earlier = [{"event": "user", "text": "abc"}, {"event": "user", "text": "555"}]
    dispatcher, events = await run(ValidateSmsNumberForm(), in_form("hmm", history=earlier), domain)
    assert "leave the text for now" in texts(dispatcher)
    assert slot_events(events) == {"sms_number": None, "requested_slot": None}


async def test_why_do_you_need_my_number_is_answered(domain: dict) -> None:
    dispatcher, events = await run(ValidateSmsNumberForm(), in_form("why do you need my number?", "explain"), domain)
    assert "only for this one message" in texts(dispatcher)
    assert slot_events(events) == {"sms_number": None}


@pytest.mark.parametrize(
    "intent",
    [
        "crisis_self_harm",
        "medical_emergency",
        "human_handoff",
        "delete_my_data",
        "insurance_denial",
        "billing_dispute",
        "care_complaint",
    ],
)
async def test_safety_and_handoff_are_left_to_their_own_rules(domain: dict, intent: str) -> None:
    _, events = await run(ValidateSmsNumberForm(), in_form("I can't do this anymore", intent), domain)
    assert events == []  # Rasa rejects the form turn, so the safety/handoff rule answers


async def test_the_message_that_starts_the_form_is_no_answer(domain: dict) -> None:
    tracker = make_tracker("text me my questions", "print_questions", sender=WEB, active_loop="sms_number_form")
    _, events = await run(ValidateSmsNumberForm(), tracker, domain)
    assert events == []


async def test_a_crisis_during_the_form_ends_it_and_forgets_the_number() -> None:
    events = pause_active_form(in_form("I want to die", "crisis_self_harm"))
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert slot_events(events) == {"requested_slot": None, "sms_number": None, "print_followup": None}
    assert "paused_form" not in slot_events(events)


async def test_after_the_form_the_number_is_read_back_for_a_yes(domain: dict, twilio: FakeTwilio) -> None:
    saved(WEB, "Is it curable?")
    tracker = make_tracker("415-555-0123", sender=WEB, slots={"sms_number": PERSON, "print_followup": "ask_number"})
    dispatcher, events = await run(ActionSmsNumberGiven(), tracker, domain)
    assert "Text your 1 question to (415) 555-0123?" in texts(dispatcher)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert slot_events(events) == {
        "print_followup": None, "sms_number": PERSON, "pending_confirmation": "text_questions"
    }  # fmt: skip


async def test_after_not_now_nothing_is_sent(domain: dict, twilio: FakeTwilio) -> None:
    tracker = make_tracker("not now", "deny", sender=WEB, slots={"print_followup": "ask_number"})
    dispatcher, events = await run(ActionSmsNumberGiven(), tracker, domain)
    assert "won't text it" in texts(dispatcher)
    assert slot_events(events) == {"print_followup": None}
    assert twilio.requests == []


async def test_a_number_that_texted_stop_is_not_offered_and_not_named_as_opted_out(
    domain: dict, twilio: FakeTwilio
) -> None:
    saved(WEB, "Is it curable?")
    repository.set_sms_opt_out(PERSON, "stop")
    tracker = make_tracker("415-555-0123", sender=WEB, slots={"sms_number": PERSON})
    dispatcher, events = await run(ActionSmsNumberGiven(), tracker, domain)
    assert "I can't text that number" in texts(dispatcher) and f"text START to {TWILIO_NUMBER}" in texts(dispatcher)
    assert slot_events(events)["sms_number"] is None and "pending_confirmation" not in slot_events(events)


# --- yes / no --------------------------------------------------------------------------------


def confirming(text: str = "yes", intent: str = "affirm") -> Any:
    asked = {"pending_confirmation": "text_questions", "sms_number": PERSON}
    return make_tracker(text, intent, sender=WEB, channel="socketio", slots=asked, history=bot_turn(asked))


async def test_yes_texts_the_list_with_a_link_then_forgets_the_number(domain: dict, twilio: FakeTwilio) -> None:
    saved(WEB, "Is it curable?", "How long is “recovery”?")
    dispatcher, events = await run(ActionConfirmPending(), confirming(), domain)
    assert "Sent! Your list is on its way to (415) 555-0123." in texts(dispatcher)
    [sms] = twilio.sent_to(PERSON)
    assert sms["From"] == TWILIO_NUMBER
    body = sms["Body"]
    assert body.startswith("Second Opinion Advocate: your questions for your appointment.")
    assert '1. Is it curable?\n2. How long is "recovery"?' in body  # plain quotes: cheaper GSM-7
    assert body.endswith("Reply STOP to opt out.")
    token = token_in(body)
    assert repository.shared_questions(token)["questions"][0]["text"] == "Is it curable?"
    assert WEB not in body
    forgotten = {"pending_confirmation": None, "pending_question": None, "pending_offer": None, "sms_number": None}
    assert slot_events(events) == forgotten


async def test_no_sends_nothing_and_forgets_the_number(domain: dict, twilio: FakeTwilio) -> None:
    saved(WEB, "Is it curable?")
    dispatcher, events = await run(ActionDeclinePending(), confirming("no", "deny"), domain)
    assert "didn't send anything" in texts(dispatcher)
    assert slot_events(events)["sms_number"] is None and slot_events(events)["pending_confirmation"] is None
    assert twilio.requests == []


async def test_a_stop_that_arrives_before_the_yes_is_respected(domain: dict, twilio: FakeTwilio) -> None:
    saved(WEB, "Is it curable?")
    repository.set_sms_opt_out(PERSON, "stop")
    dispatcher, events = await run(ActionConfirmPending(), confirming(), domain)
    assert twilio.requests == []
    assert "I can't text that number" in texts(dispatcher)
    assert slot_events(events)["sms_number"] is None


async def test_a_failed_text_gives_the_link_instead(domain: dict, twilio: FakeTwilio) -> None:
    saved(WEB, "Is it curable?")
    twilio.fail_next(500, 500)
    dispatcher, _ = await run(ActionConfirmPending(), confirming(), domain)
    assert "didn't go through" in texts(dispatcher)
    assert repository.shared_questions(token_in(texts(dispatcher))) is not None
    assert len(twilio.requests) == 2  # retried once, then the person is told


async def test_texts_are_capped_per_conversation(domain: dict, twilio: FakeTwilio) -> None:
    saved(WEB, "Is it curable?")
    for _ in range(MAX_TEXTS_PER_DAY):
        await run(ActionConfirmPending(), confirming(), domain)
    assert len(twilio.sent_to(PERSON)) == MAX_TEXTS_PER_DAY
    dispatcher, _ = await run(ActionConfirmPending(), confirming(), domain)
    assert "already texted your list" in texts(dispatcher)
    assert len(twilio.sent_to(PERSON)) == MAX_TEXTS_PER_DAY
    # ...and the next "text me" does not even ask for a number.
    tracker = make_tracker("text me my questions", "print_questions", sender=WEB, channel="socketio")
    dispatcher, events = await run(ActionPrintQuestions(), tracker, domain)
    assert "already texted your list" in texts(dispatcher)
    assert slot_events(events) == {"print_followup": None}


async def test_delete_my_data_erases_links_and_the_texted_log(domain: dict, twilio: FakeTwilio) -> None:
    saved(WEB, "Is it curable?")
    await run(ActionConfirmPending(), confirming(), domain)
    token = token_in(twilio.sent_to(PERSON)[0]["Body"])
    deleted = repository.erase_person(WEB)
    assert deleted["share_links"] >= 1 and deleted["question_texts"] == 1
    assert repository.shared_questions(token) is None
