"""bot.servers.event_types: the same event classes as Rasa's lookup, found once per type name."""

from __future__ import annotations

import pytest
from rasa.shared.core import events
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot.servers import event_types

ORIGINAL = event_types._original
TYPE_NAMES = sorted({cls.type_name for cls in all_subclasses(Event)})


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_every_event_type_resolves_to_rasas_class(type_name: str) -> None:
    assert event_types.resolve_by_type(type_name) is ORIGINAL(type_name)
    assert event_types.resolve_by_type(type_name) is ORIGINAL(type_name)  # remembered


def test_unknown_names_keep_rasas_default_and_error() -> None:
    assert event_types.resolve_by_type("no-such-event", default=UserUttered) is UserUttered
    assert event_types.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        event_types.resolve_by_type("no-such-event")
    assert "no-such-event" not in event_types._classes


def test_rasa_deserialises_the_same_events_after_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(ORIGINAL))
    stored = [
        ActionExecuted("action_listen").as_dict(),
        UserUttered("hi", intent={"name": "greet", "confidence": 1.0}).as_dict(),
        SlotSet("condition", "lupus").as_dict(),
        BotUttered("Hello").as_dict(),
    ]
    before = events.deserialise_events(stored)

    event_types.install()
    event_types.install()

    assert Event.__dict__["resolve_by_type"].__func__ is event_types.resolve_by_type
    assert Event.resolve_by_type("user") is UserUttered
    assert events.deserialise_events(stored) == before
