"""Abuse limits through the actions: real trackers, a real database, the fake Twilio and Slack.

Texts per destination number and per day for the whole service, the allowed SMS countries, and
hand-offs per person per hour, each with the friendly reply the person gets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.confirmations import ActionConfirmPending
from actions.handoff import ActionHandoff
from actions.privacy import ActionEraseData
from actions.safety import ActionCrisis, ActionEmergency
from actions.sharing import ActionSmsNumberGiven
from bot.advocates import announce
from bot.logic import messages, sharing
from bot.persistence import repository
from bot.security.limits import SETTING_NAMES
from tests.actions.conftest import bot_turn, make_tracker, slot_events, texts
from tests.fakes import FakeSlack, FakeTwilio, running

pytestmark = pytest.mark.asyncio

TWILIO_NUMBER = "+15550100100"
NUMBER = "+14155550123"
SLACK_CHANNEL = "C0ADVOCATES"


@pytest.fixture
def twilio(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilio]:
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://advocate.example.org")
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
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


async def offer(sender: str, number: str, domain: dict) -> tuple[CollectingDispatcher, list[dict]]:
    """The number form is done: "Text your questions to ...?" (or why not)."""
    repository.add_questions(sender, ["Is it curable?"])
    tracker = make_tracker(number, sender=sender, channel="socketio", slots={"sms_number": number})
    return await run(ActionSmsNumberGiven(), tracker, domain)


async def confirm(sender: str, number: str, domain: dict) -> CollectingDispatcher:
    """The "yes" to "Text your questions to ...?"."""
    asked = {"pending_confirmation": "text_questions", "sms_number": number}
    tracker = make_tracker("yes", "affirm", sender=sender, channel="socketio", slots=asked, history=bot_turn(asked))
    dispatcher, _ = await run(ActionConfirmPending(), tracker, domain)
    return dispatcher


# --- texts per destination number, and per day for everyone ---------------------------------


@pytest.mark.usefixtures("database")
async def test_five_conversations_texting_one_number_send_three(domain: dict, twilio: FakeTwilio) -> None:
    senders = [f"web-{index}" for index in range(5)]
    for sender in senders:  # all five are offered: nothing was sent yet
        dispatcher, events = await offer(sender, NUMBER, domain)
        assert slot_events(events)["pending_confirmation"] == "text_questions"
    replies = [texts(await confirm(sender, NUMBER, domain)) for sender in senders]
    assert len(twilio.sent_to(NUMBER)) == 3
    assert [reply.startswith("Sent!") for reply in replies] == [True, True, True, False, False]
    for reply in replies[3:]:
        assert sharing.TEXTS_PAUSED in reply and "/my-questions/" in reply  # the link instead
    # A sixth conversation is told before it is asked to confirm.
    dispatcher, events = await offer("web-6", NUMBER, domain)
    assert texts(dispatcher) == sharing.texts_paused()
    assert slot_events(events) == {"print_followup": None, "sms_number": None}
    # Another number is not affected.
    assert texts(await confirm("web-6", "+14155550124", domain)).startswith("Sent!")


async def test_conversations_racing_to_text_one_number_send_three(
    database_url: str, domain: dict, twilio: FakeTwilio
) -> None:
    """Five "yes" at the same moment, each on its own worker thread: the number still gets three."""
    senders = [f"web-{index}" for index in range(5)]
    for sender in senders:
        repository.add_questions(sender, ["Is it curable?"])
    replies = await asyncio.gather(*(confirm(sender, NUMBER, domain) for sender in senders))
    assert len(twilio.sent_to(NUMBER)) == 3
    assert sum(texts(reply).startswith("Sent!") for reply in replies) == 3


@pytest.mark.usefixtures("database")
async def test_the_daily_total_stops_every_number_with_the_same_words(
    domain: dict, twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMS_DAILY_LIMIT_TOTAL", "2")
    numbers = ["+14155550101", "+14155550102", "+14155550103"]
    for index, number in enumerate(numbers[:2]):
        await offer(f"web-{index}", number, domain)
        assert texts(await confirm(f"web-{index}", number, domain)).startswith("Sent!")
    dispatcher, _ = await offer("web-2", numbers[2], domain)
    # The same reply as a number's own limit: nobody learns whether a number was texted today.
    assert texts(dispatcher) == sharing.texts_paused()
    assert sharing.TEXTS_PAUSED in texts(await confirm("web-2", numbers[2], domain))
    assert twilio.sent_to(numbers[2]) == [] and len(twilio.requests) == 2


@pytest.mark.usefixtures("database")
async def test_a_text_that_does_not_go_out_gives_its_unit_back(
    domain: dict, twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMS_DAILY_LIMIT_PER_NUMBER", "1")
    repository.add_questions("web-1", ["Is it curable?"])
    repository.set_sms_opt_out(NUMBER, "stop")  # between the offer and the yes
    assert "I can't text that number" in texts(await confirm("web-1", NUMBER, domain))
    repository.clear_sms_opt_out(NUMBER)
    assert texts(await confirm("web-1", NUMBER, domain)).startswith("Sent!")
    assert sharing.TEXTS_PAUSED in texts(await confirm("web-1", NUMBER, domain))
    assert len(twilio.sent_to(NUMBER)) == 1


@pytest.mark.usefixtures("database")
async def test_the_per_conversation_cap_still_holds_across_numbers(
    domain: dict, twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMS_DAILY_LIMIT_PER_CONVERSATION", "2")
    repository.add_questions("web-1", ["Is it curable?"])
    for number in ("+14155550101", "+14155550102"):
        assert texts(await confirm("web-1", number, domain)).startswith("Sent!")
    assert "already texted your list" in texts(await confirm("web-1", "+14155550103", domain))
    assert len(twilio.requests) == 2


# --- allowed countries -----------------------------------------------------------------------


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("number", ["+447700900123", "+18765550123", "+33612345678"])
async def test_a_number_outside_the_allowed_countries_gets_the_link_instead(
    domain: dict, twilio: FakeTwilio, number: str
) -> None:
    dispatcher, events = await offer("web-1", number, domain)
    reply = texts(dispatcher)
    assert reply.startswith("I can only send texts to numbers in the United States and Canada.")
    assert "The link above works on any phone" in reply
    assert slot_events(events) == {"print_followup": None, "sms_number": None}  # nothing to confirm
    # ...and a "yes" that still arrives sends nothing either, with the link in the reply.
    reply = texts(await confirm("web-1", number, domain))
    assert "United States and Canada" in reply and "/my-questions/" in reply
    assert twilio.requests == []


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("number", ["+14165550123", "+17875550123", "+14155550123"])  # Toronto, Puerto Rico, SF
async def test_us_and_canadian_numbers_are_texted(domain: dict, twilio: FakeTwilio, number: str) -> None:
    _, events = await offer("web-1", number, domain)
    assert slot_events(events)["pending_confirmation"] == "text_questions"
    assert texts(await confirm("web-1", number, domain)).startswith("Sent!")


@pytest.mark.usefixtures("database")
async def test_the_operator_chooses_the_countries(
    domain: dict, twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMS_ALLOWED_COUNTRIES", "us, gb")
    repository.add_questions("web-1", ["Is it curable?"])
    assert texts(await confirm("web-1", "+447700900123", domain)).startswith("Sent!")
    dispatcher, _ = await offer("web-2", "+14165550123", domain)
    assert texts(dispatcher).startswith("I can only send texts to numbers in the United States and the United Kingdom.")


# --- hand-offs per person per hour -----------------------------------------------------------


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    for name in (*SETTING_NAMES, "ADVOCATE_HOURS"):
        monkeypatch.delenv(name, raising=False)
    with running(FakeSlack()) as fake:
        monkeypatch.setenv("SLACK_API_BASE_URL", f"{fake.url}/api/")
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
        monkeypatch.setenv("ADVOCATE_SLACK_CHANNEL", SLACK_CHANNEL)
        yield fake  # type: ignore[misc]


async def ask_for_a_person(domain: dict, sender: str = "person-1") -> tuple[CollectingDispatcher, list[dict]]:
    dispatcher, events = await run(ActionHandoff(), make_tracker("talk to a person", "human_handoff", sender=sender),
                                   domain)  # fmt: skip
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(post for post in announce._running if post.get_loop() is loop))  # Slack has answered
    return dispatcher, events


async def handed_over_and_closed(domain: dict, times: int) -> None:
    for _ in range(times):
        _, events = await ask_for_a_person(domain)
        assert slot_events(events)["handoff_active"] is True
        [handoff] = repository.list_handoffs("open")
        repository.close_handoff(handoff["id"])  # an advocate answered and closed it


@pytest.mark.usefixtures("database")
async def test_over_the_limit_the_latest_handoff_goes_back_to_the_queue_without_a_page(
    domain: dict, slack: FakeSlack
) -> None:
    await handed_over_and_closed(domain, 3)
    assert len(slack.posted(SLACK_CHANNEL)) == 3
    dispatcher, events = await ask_for_a_person(domain)
    assert texts(dispatcher).startswith(messages.HANDOFF_ALREADY_OPEN)  # with when to expect a reply
    assert slot_events(events)["handoff_active"] is True
    assert len(repository.list_handoffs()) == 3  # no new row
    [reopened] = repository.list_handoffs("open")
    assert reopened["id"] == max(h["id"] for h in repository.list_handoffs())
    assert len(slack.posted(SLACK_CHANNEL)) == 3  # no new announcement
    # Another person is not affected.
    _, events = await ask_for_a_person(domain, sender="person-2")
    assert slot_events(events)["handoff_active"] is True and len(slack.posted(SLACK_CHANNEL)) == 4


@pytest.mark.usefixtures("database")
async def test_delete_my_data_does_not_reset_the_handoff_limit(domain: dict, slack: FakeSlack) -> None:
    for _ in range(3):
        await ask_for_a_person(domain)
        await run(ActionEraseData(), make_tracker("yes", "affirm"), domain)
    assert repository.list_handoffs() == [] and len(slack.posted(SLACK_CHANNEL)) == 3
    dispatcher, events = await ask_for_a_person(domain)
    reply = texts(dispatcher)
    assert "can't send another request just yet" in reply and "minutes" in reply
    assert "988" in reply and "911" in reply
    assert "handoff_active" not in slot_events(events)  # the bot keeps helping
    assert repository.list_handoffs() == [] and len(slack.posted(SLACK_CHANNEL)) == 3


@pytest.mark.usefixtures("database")
async def test_a_crisis_over_the_limit_still_gets_988_and_911(domain: dict, slack: FakeSlack) -> None:
    await handed_over_and_closed(domain, 3)
    dispatcher, events = await run(ActionCrisis(), make_tracker("I want to end my life", "crisis_self_harm"), domain)
    assert "988" in dispatcher.messages[0]["text"] and "911" in dispatcher.messages[0]["text"]
    dispatcher, _ = await run(ActionEmergency(), make_tracker("he can't breathe", "medical_emergency"), domain)
    assert "911" in texts(dispatcher)
    # "Yes" to the crisis answer's offer of a person: the person is back in the queue, unpaged.
    slots = slot_events(events)
    yes = make_tracker("yes", "affirm", slots=slots, history=bot_turn(slots))
    dispatcher, events = await run(ActionConfirmPending(), yes, domain)
    assert slot_events(events)["handoff_active"] is True
    assert len(repository.list_handoffs("open")) == 1 and len(repository.list_handoffs()) == 3
    assert len(slack.posted(SLACK_CHANNEL)) == 3


@pytest.mark.usefixtures("database")
async def test_an_open_handoff_is_not_paged_twice(domain: dict, slack: FakeSlack) -> None:
    await ask_for_a_person(domain)
    dispatcher, events = await ask_for_a_person(domain)  # the slot was lost (e.g. a /restart)
    assert texts(dispatcher).startswith(messages.HANDOFF_ALREADY_OPEN)
    assert slot_events(events)["handoff_active"] is True
    assert len(repository.list_handoffs()) == 1 and len(slack.posted(SLACK_CHANNEL)) == 1
