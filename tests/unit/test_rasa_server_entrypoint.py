"""`python -m bot.servers.rasa_server` changes Rasa as its docstring says before Rasa starts."""

from __future__ import annotations

import sys

import pytest
import rasa.__main__
import rasa.core.run
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event

from bot.security import redaction
from bot.servers import action_calls, action_results, event_types, rasa_server


def test_every_change_is_in_place_when_rasa_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rasa's own functions back in place after the test, whatever main installs.
    monkeypatch.setattr(RemoteAction, "_action_call_format", RemoteAction._action_call_format)
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(Domain, "states_for_tracker_history", Domain.states_for_tracker_history)
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(rasa.core.run, "configure_app", rasa.core.run.configure_app)
    monkeypatch.setattr(MessageProcessor, "handle_message", MessageProcessor.handle_message)
    monkeypatch.delenv("RASA_TURNS_AT_ONCE", raising=False)
    monkeypatch.setattr(redaction, "install", lambda: None)  # the log filter has its own tests
    seen = {}

    def rasa_main() -> None:
        seen["argv"] = list(sys.argv)
        seen["action call"] = RemoteAction._action_call_format is action_calls.action_call_format
        seen["reply check"] = RemoteAction._validate_action_result is action_results.validate_action_result
        seen["states"] = getattr(Domain.states_for_tracker_history, "computed_once", False)
        seen["event classes"] = Event.__dict__["resolve_by_type"].__func__ is event_types.resolve_by_type
        seen["hardened app"] = getattr(rasa.core.run.configure_app, "__wrapped__", None) is not None
        seen["turn gate"] = getattr(MessageProcessor.handle_message, "turn_slots", None) == 2

    monkeypatch.setattr(rasa.__main__, "main", rasa_main)
    monkeypatch.setattr("sys.argv", ["rasa_server"])

    rasa_server.main(["run", "--model", "models"])

    assert seen.pop("argv")[:4] == ["rasa", "run", "--model", "models"]
    changes = ("action call", "reply check", "states", "event classes", "hardened app", "turn gate")
    assert seen == dict.fromkeys(changes, True)
