"""Unsure means ask: "Did you mean ...?", then a person; frustration reaches a person at once.

Real rasa-sdk trackers, with the parse data Rasa sends for a message that fell back (its intent
ranking and the ResponseSelector's pick), and a real SQLite database per test.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.confirmations import ActionConfirmPending
from actions.flow import ActionAnswerFaq, ActionFallback
from actions.handoff import ActionBotChallenge
from bot.channels import sms_format
from bot.logic import fallback
from bot.persistence import repository
from tests.actions.conftest import make_tracker, slot_events, texts

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("database")]


async def run(action: Any, tracker: Tracker, domain: dict) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher, events


def unclear(
    text: str, ranking: list[tuple[str, float]], faq: tuple[str, float] | None = None, **kwargs: Any
) -> Tracker:
    """A message the FallbackClassifier turned into nlu_fallback, with the ranking under it."""
    tracker = make_tracker(text, "nlu_fallback", confidence=0.4, **kwargs)
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.4},
        *({"name": name, "confidence": confidence} for name, confidence in ranking),
    ]
    if faq:
        key, confidence = faq
        tracker.latest_message["response_selector"] = {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"intent_response_key": f"faq/{key}", "confidence": confidence}},
        }
    return tracker


def asked(dispatcher: CollectingDispatcher, text: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The person's message and the bot's turn, as the history of their next message."""
    person = {"event": "user", "text": text, "parse_data": {"intent": {"name": "nlu_fallback"}}}
    bot = [
        {"event": "bot", "text": m.get("text"), "data": {"buttons": m.get("buttons") or []}}
        for m in dispatcher.messages
    ]
    return [person, *bot, *events]


def pressed(events: list[dict[str, Any]]) -> str:
    [user] = [event for event in events if event.get("event") == "user"]
    return user["text"]


# --- did you mean ------------------------------------------------------------------------------


async def test_two_close_readings_are_offered_as_buttons_with_something_else(domain: dict) -> None:
    message = "the clinic at St Anne's has all my scans and notes from dr okafor"
    tracker = unclear(message, [("faq", 0.31), ("request_records", 0.29), ("greet", 0.1)], faq=("what_to_bring", 0.62))

    dispatcher, events = await run(ActionFallback(), tracker, domain)

    [question] = dispatcher.messages
    assert question["text"].startswith("I want to get this right. Did you mean")
    assert [b["title"] for b in question["buttons"]] == [
        "What to bring to the visit", "Get my medical records", "Something else",
    ]  # fmt: skip
    assert [b["payload"] for b in question["buttons"]] == [
        '/faq{"faq_answer":"what_to_bring"}', "/request_records", "/nlu_fallback",
    ]  # fmt: skip
    assert "didn't understand" not in texts(dispatcher)
    assert slot_events(events)["pending_confirmation"] == "did_you_mean"
    assert not repository.list_handoffs()
    [kept] = repository.list_unclear_messages()
    assert kept["kind"] == "did_you_mean" and kept["readings"] == [("faq", 0.31), ("request_records", 0.29)]


async def test_one_plausible_reading_is_offered_and_a_typed_yes_takes_it(domain: dict) -> None:
    tracker = unclear("my oncologist rolled her eyes", [("doctor_pushback", 0.36), ("thank", 0.12)])

    dispatcher, events = await run(ActionFallback(), tracker, domain)

    [question] = dispatcher.messages
    assert [b["payload"] for b in question["buttons"]] == ["/doctor_pushback", "/nlu_fallback"]
    slots = slot_events(events)
    assert slots == {"pending_confirmation": "offer", "pending_offer": "/doctor_pushback"}
    yes = make_tracker("yes", "affirm", slots=slots, history=asked(dispatcher, "my oncologist rolled her eyes", events))
    _, events = await run(ActionConfirmPending(), yes, domain)
    assert pressed(events) == "/doctor_pushback"


async def test_a_yes_to_two_readings_asks_which_one_with_the_same_buttons(domain: dict) -> None:
    message = "the lab near my work has the biopsy stuff and i need it for the new doctor"
    tracker = unclear(message, [("request_records", 0.33), ("faq", 0.3)], faq=("records_time", 0.58))
    dispatcher, events = await run(ActionFallback(), tracker, domain)
    [question] = dispatcher.messages

    yes = make_tracker(
        "yes", "affirm", slots=slot_events(events), history=asked(dispatcher, message, events)
    )
    again, events = await run(ActionConfirmPending(), yes, domain)

    [which] = again.messages
    assert which["text"] == fallback.WHICH_READING
    assert which["buttons"] == question["buttons"]
    assert slot_events(events) == {"pending_confirmation": "did_you_mean", "pending_offer": None}
    assert "OK!" not in texts(again) and not repository.list_handoffs()


async def test_nothing_plausible_asks_to_put_it_another_way_beside_the_menu(domain: dict) -> None:
    tracker = unclear("blue tuesday", [("greet", 0.18), ("faq", 0.15), ("inform", 0.12)], faq=("medicare", 0.9))

    dispatcher, events = await run(ActionFallback(), tracker, domain)

    assert dispatcher.messages[0]["text"] == fallback.PUT_IT_ANOTHER_WAY
    assert dispatcher.messages[1]["response"] == "utter_menu"
    assert "Sorry, I didn't understand" not in texts(dispatcher)
    assert [m["kind"] for m in repository.list_unclear_messages()] == ["fallback"]


async def test_an_faq_reading_needs_a_selector_that_knows_which_answer(domain: dict) -> None:
    tracker = unclear("costs and timing??", [("faq", 0.38), ("records_status", 0.25)], faq=("records_fees", 0.21))

    dispatcher, _ = await run(ActionFallback(), tracker, domain)

    [question] = dispatcher.messages
    assert [b["payload"] for b in question["buttons"]] == ["/records_status", "/nlu_fallback"]


async def test_greetings_and_yes_no_are_never_offered_as_readings(domain: dict) -> None:
    tracker = unclear("ok so hmm", [("affirm", 0.35), ("greet", 0.3), ("help", 0.22)])

    dispatcher, _ = await run(ActionFallback(), tracker, domain)

    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["What can you do?", "Something else"]


async def test_a_plausible_emergency_is_not_a_button_but_911_is_said(domain: dict) -> None:
    tracker = unclear("dad fell and is acting odd", [("medical_emergency", 0.33), ("express_worry", 0.3)])

    dispatcher, _ = await run(ActionFallback(), tracker, domain)

    [question] = dispatcher.messages
    assert "call 911 now" in question["text"] and "988" in question["text"]
    assert [b["payload"] for b in question["buttons"]] == ["/express_worry", "/nlu_fallback"]


async def test_a_risk_guess_with_nothing_else_plausible_still_says_988_and_911(domain: dict) -> None:
    """The holds turn an unsure crisis guess into a miss; the person still gets both numbers."""
    tracker = unclear("grape soda again haha", [("crisis_self_harm", 0.55), ("greet", 0.12)])

    dispatcher, _ = await run(ActionFallback(), tracker, domain)

    assert dispatcher.messages[0]["text"].startswith(fallback.PUT_IT_ANOTHER_WAY)
    assert "call or text 988" in dispatcher.messages[0]["text"] and "call 911" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[1]["response"] == "utter_menu"


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("2", "/request_records"),
        ("the first one", '/faq{"faq_answer":"what_to_bring"}'),
        ("Get my medical records", "/request_records"),
    ],
)
async def test_a_typed_pick_after_did_you_mean_takes_that_reading(domain: dict, reply: str, payload: str) -> None:
    message = "scans and notes from dr okafor"
    first = unclear(message, [("faq", 0.31), ("request_records", 0.29)], faq=("what_to_bring", 0.62))
    dispatcher, events = await run(ActionFallback(), first, domain)

    _, events = await run(
        ActionFallback(), make_tracker(reply, "nlu_fallback", history=asked(dispatcher, message, events)), domain
    )

    assert pressed(events) == payload
    assert not repository.list_handoffs()


async def test_on_sms_the_readings_are_numbered_and_a_number_picks_one(domain: dict) -> None:
    message = "scans and notes from dr okafor"
    first = unclear(message, [("faq", 0.31), ("request_records", 0.29)], faq=("what_to_bring", 0.62))
    dispatcher, _ = await run(ActionFallback(), first, domain)
    [question] = dispatcher.messages

    [sms] = sms_format.render_with_buttons(question["text"], question["buttons"])

    assert "1. What to bring to the visit" in sms and "2. Get my medical records" in sms and "3. Something else" in sms
    assert sms_format.match_choice("2", question["buttons"], question["text"]) == "/request_records"
    assert sms_format.match_choice("1", question["buttons"], question["text"]) == '/faq{"faq_answer":"what_to_bring"}'


async def test_something_else_asks_again_and_offers_a_person_then_a_miss_brings_one(domain: dict) -> None:
    message = "scans and notes from dr okafor"
    first = unclear(message, [("faq", 0.31), ("request_records", 0.29)], faq=("what_to_bring", 0.62))
    dispatcher, events = await run(ActionFallback(), first, domain)
    history = asked(dispatcher, message, events)

    dispatcher, events = await run(
        ActionFallback(), make_tracker("/nlu_fallback", "nlu_fallback", history=history), domain
    )

    assert dispatcher.messages[0]["text"] == fallback.SOMETHING_ELSE
    assert dispatcher.messages[0]["buttons"] == [{"title": "Talk to a person", "payload": "/human_handoff"}]
    assert not repository.list_handoffs()
    again = [*history, {"event": "user", "text": "/nlu_fallback", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    _, events = await run(
        ActionFallback(), unclear("it's about the thing from before", [("inform", 0.3)], history=again), domain
    )
    assert slot_events(events)["handoff_active"] is True
    assert repository.list_handoffs("open")[0]["reason"] == "bot_did_not_understand"


async def test_no_to_did_you_mean_then_another_miss_brings_a_person(domain: dict) -> None:
    message = "scans and notes from dr okafor"
    first = unclear(message, [("faq", 0.31), ("request_records", 0.29)], faq=("what_to_bring", 0.62))
    dispatcher, events = await run(ActionFallback(), first, domain)
    history = [
        *asked(dispatcher, message, events),
        {"event": "user", "text": "neither", "parse_data": {"intent": {"name": "deny"}}},
        {"event": "bot", "text": "OK."},
    ]

    _, events = await run(
        ActionFallback(), unclear("the paper thing for the other place", [("inform", 0.3)], history=history), domain
    )

    assert slot_events(events)["handoff_active"] is True


async def test_a_second_miss_in_a_row_brings_a_person_without_another_did_you_mean(domain: dict) -> None:
    message = "scans and notes from dr okafor"
    first = unclear(message, [("faq", 0.31), ("request_records", 0.29)], faq=("what_to_bring", 0.62))
    dispatcher, events = await run(ActionFallback(), first, domain)

    dispatcher, events = await run(
        ActionFallback(),
        unclear(
            "no the other clinic",
            [("faq", 0.3), ("request_records", 0.28)],
            faq=("what_to_bring", 0.6),
            history=asked(dispatcher, message, events),
        ),
        domain,
    )

    assert slot_events(events)["handoff_active"] is True
    assert "Did you mean" not in texts(dispatcher)


async def test_the_faq_button_of_did_you_mean_says_that_answer_with_its_offer(domain: dict) -> None:
    tracker = make_tracker(
        '/faq{"faq_answer":"records_time"}', "faq", entities=[{"entity": "faq_answer", "value": "records_time"}]
    )

    dispatcher, events = await run(ActionAnswerFaq(), tracker, domain)

    [answer] = dispatcher.messages
    assert answer["response"] == "utter_faq/records_time"
    assert slot_events(events) == {"pending_confirmation": "offer", "pending_offer": "/request_records"}


async def test_every_faq_has_a_did_you_mean_label(domain: dict) -> None:
    answers = {name.split("/", 1)[1] for name in domain["responses"] if name.startswith("utter_faq/")}
    assert answers == set(fallback.FAQ_LABELS)


# --- frustration ---------------------------------------------------------------------------------


async def test_not_understood_and_fed_up_reaches_a_person_at_once(domain: dict) -> None:
    tracker = unclear(
        "this is a total waste of my time", [("faq", 0.3), ("request_records", 0.28)], faq=("why_get_one", 0.7)
    )

    dispatcher, events = await run(ActionFallback(), tracker, domain)

    assert slot_events(events)["handoff_active"] is True
    assert repository.list_handoffs("open")[0]["reason"] == "asked_for_person"
    assert "Did you mean" not in texts(dispatcher)


async def test_are_you_a_bot_offers_a_person_and_a_yes_starts_the_handoff(domain: dict) -> None:
    dispatcher, events = await run(
        ActionBotChallenge(), make_tracker("wait am I chatting with a machine", "bot_challenge"), domain
    )

    [answer] = dispatcher.messages
    assert "virtual patient advocate" in answer["text"]
    assert answer["buttons"] == [{"title": "Talk to a person", "payload": "/human_handoff"}]
    slots = slot_events(events)
    assert slots == {"pending_confirmation": "handoff"}
    history = [
        {"event": "user", "text": "wait am I chatting with a machine"},
        {"event": "bot", "text": answer["text"]},
        *events,
    ]
    dispatcher, events = await run(
        ActionConfirmPending(), make_tracker("yes", "affirm", slots=slots, history=history), domain
    )
    assert slot_events(events)["handoff_active"] is True
    assert "OK!" not in texts(dispatcher)


async def test_an_angry_request_for_a_human_read_as_bot_challenge_starts_the_handoff(domain: dict) -> None:
    tracker = make_tracker("are you even human?? put me through to a real person", "bot_challenge")

    dispatcher, events = await run(ActionBotChallenge(), tracker, domain)

    assert slot_events(events)["handoff_active"] is True
    assert repository.list_handoffs("open")[0]["reason"] == "asked_for_person"
    assert "virtual patient advocate" not in texts(dispatcher)


async def test_insulting_the_bot_gets_an_apology_and_the_way_to_a_person(domain: dict) -> None:
    dispatcher, events = await run(
        ActionBotChallenge(), make_tracker("are you a stupid robot or what", "bot_challenge"), domain
    )

    assert dispatcher.messages[0]["text"] == fallback.SORRY_NOT_HELPING
    assert dispatcher.messages[1]["buttons"][0]["payload"] == "/human_handoff"
    assert slot_events(events) == {"pending_confirmation": "handoff"}


async def test_inside_a_form_are_you_a_bot_leaves_yes_to_the_form(domain: dict) -> None:
    _, events = await run(
        ActionBotChallenge(), make_tracker("is this a bot?", "bot_challenge", active_loop="records_form"), domain
    )

    assert events == []
