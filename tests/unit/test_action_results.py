"""Rasa's check of action server replies, on a validator built once: the same verdicts and errors."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.servers import action_results

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "condition", "value": "breast cancer", "timestamp": None},
            {"event": "active_loop", "name": None},
        ],
        "responses": [{"text": "Saved.", "buttons": [{"title": "Show my list", "payload": "/list_questions"}]}],
    },
]
INVALID: list[dict[str, Any]] = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [{"event": "slot", "name": 3, "value": "x"}]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_anything", EndpointConfig("http://127.0.0.1:1/webhook"))


@pytest.mark.parametrize("result", VALID)
def test_what_rasa_accepts_is_accepted(action: RemoteAction, result: dict[str, Any]) -> None:
    validate(result, RemoteAction.action_response_format_spec())  # Rasa's own verdict
    assert action_results.validate_action_result(action, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_what_rasa_refuses_is_refused_with_the_same_error(action: RemoteAction, result: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as rasa_error:
        validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response") as ours:
        action_results.validate_action_result(action, result)
    assert ours.value.message == rasa_error.value.message + action_results.EXPLANATION


def test_installed_it_is_what_every_remote_action_uses(action: RemoteAction, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    action_results.install()
    with pytest.raises(ValidationError, match="Failed to validate"):
        action._validate_action_result(INVALID[0])
    assert action_results.response_validator() is action_results.response_validator()  # built once


def test_a_wrapper_around_it_survives_a_second_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """make profile wraps the installed check with a timer before the Rasa server installs it again."""
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    action_results.install()

    @functools.wraps(action_results.validate_action_result)
    def timed(*args: Any) -> bool:
        return action_results.validate_action_result(*args)

    RemoteAction._validate_action_result = timed  # type: ignore[method-assign]
    action_results.install()
    assert RemoteAction._validate_action_result is timed
