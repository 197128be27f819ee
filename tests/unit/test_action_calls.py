"""bot.servers.action_calls: action calls carry the recent events, and everything else unchanged."""

from __future__ import annotations

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

from bot.servers import action_calls

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, inform]
slots:
  condition:
    type: text
    mappings: [{type: custom}]
forms:
  records_form:
    required_slots: [condition]
actions: [action_greet, action_records_request]
"""
)
ORIGINAL_FORMAT = RemoteAction._action_call_format


def conversation(user_messages: int) -> DialogueStateTracker:
    """A condition given in the first turn, a form started in the second, then small talk."""
    events = [ActionExecuted("action_listen")]
    for turn in range(user_messages):
        events += [UserUttered(f"message {turn}", intent={"name": "greet", "confidence": 1.0})]
        if turn == 0:
            events += [SlotSet("condition", "lupus")]
        if turn == 1:
            events += [ActionExecuted("records_form"), ActiveLoop("records_form")]
        events += [ActionExecuted("action_greet"), BotUttered(f"reply {turn}"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("someone", events, DOMAIN.slots)


def calls(tracker: DialogueStateTracker) -> tuple[dict, dict]:
    action = RemoteAction("action_records_request", None)
    return ORIGINAL_FORMAT(action, tracker, DOMAIN), action_calls.action_call_format(action, tracker, DOMAIN)


def test_a_short_conversation_is_sent_whole() -> None:
    full, sent = calls(conversation(5))

    assert sent == full


def test_a_long_conversation_sends_its_recent_events_and_the_same_state() -> None:
    full, sent = calls(conversation(45))
    events = sent["tracker"].pop("events")
    all_events = full["tracker"].pop("events")

    assert sent == full  # slots, form, latest message and action, domain: the same
    assert events == all_events[-len(events) :]
    users = [event for event in events if event["event"] == "user"]
    assert len(users) == action_calls.RECENT_USER_MESSAGES
    assert events[0]["event"] == "user" and events[0]["text"] == "message 15"


def test_the_actions_see_the_same_tracker_apart_from_old_events() -> None:
    full, sent = calls(conversation(45))
    whole, recent = Tracker.from_dict(full["tracker"]), Tracker.from_dict(sent["tracker"])

    assert recent.slots == whole.slots and whole.slots["condition"] == "lupus"
    assert recent.active_loop == whole.active_loop and recent.active_loop["name"] == "records_form"
    assert recent.latest_message == whole.latest_message
    assert recent.events == whole.events[-len(recent.events) :]


@pytest.mark.parametrize("user_messages", [0, 1, 29, 30, 31])
def test_recent_events_counts_user_messages_from_the_end(user_messages: int) -> None:
    events = list(conversation(user_messages).events)

    recent = action_calls.recent_events(events)

    users = sum(isinstance(event, UserUttered) for event in recent)
    assert users == min(user_messages, action_calls.RECENT_USER_MESSAGES)
    assert recent == events[len(events) - len(recent) :]


def test_install_replaces_rasas_format_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_action_call_format", ORIGINAL_FORMAT)
    action_calls.install()
    action_calls.install()

    assert RemoteAction._action_call_format is action_calls.action_call_format
