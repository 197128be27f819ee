"""Real rasa-sdk trackers and dispatchers for action tests (the database comes from `database`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load(DOMAIN_FILE.read_text())


def make_tracker(
    text: str = "",
    intent: str = "inform",
    *,
    sender: str = "person-1",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    history: list[dict[str, Any]] | None = None,
    channel: str = "rest",
    confidence: float = 0.98,
) -> Tracker:
    """A tracker whose latest event is the person saying ``text``, as Rasa sends it to actions."""
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    events = [*(history or []), {"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
    return Tracker(
        sender,
        dict(slots or {}),
        latest,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def bot_turn(slots: dict[str, Any], text: str = "(the bot's question)") -> list[dict[str, Any]]:
    """The events of a bot turn that set ``slots``, for the history of the person's reply.

    A yes/no only answers what the bot asked in its last turn (`actions.common.fresh_pending`), so
    a reply's tracker needs that turn in its events, as Rasa sends them.
    """
    return [{"event": "bot", "text": text}, *({"event": "slot", "name": k, "value": v} for k, v in slots.items())]


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
