"""Rasa finds an event's class by its type name once per name, not once per event.

``Event.resolve_by_type`` (rasa/shared/core/events.py, Rasa 3.6) walks every subclass of
``Event`` (recursively, with an ``inspect.isabstract`` check on each) to find the class of one
``{"event": "user", ...}`` dict. Rasa calls it for every event it reads: each stored event when a
conversation is loaded from the tracker store, each event an action returns. About 100 µs an event
on this project's 2-core machine: 3 of the 6 ms that loading a 60-event conversation took, and
more with every turn, because the whole session is loaded each time (``make profile``).

The classes never change once imported, so the answer for a type name is kept after the first
lookup; the lookup itself is Rasa's (the first matching class, in Rasa's own order). Names it does
not resolve to a class (unknown names, the legacy ``topic``) are not kept and go to Rasa every
time, so its fall-backs and errors are unchanged.
"""

from __future__ import annotations

from rasa.shared.core.events import Event

from bot.servers.replacing import replace_once

_original = Event.resolve_by_type
_classes: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """``Event.resolve_by_type``, remembering the class found for each type name."""
    found = _classes.get(type_name)
    if found is not None:
        return found
    try:
        found = _original(type_name)
    except ValueError:  # no class of that name: Rasa's default or its error
        return _original(type_name, default)
    if found is None:  # the legacy "topic"
        return _original(type_name, default)
    _classes[type_name] = found
    return found


def install() -> None:
    """Every event of this process is resolved through the remembered classes."""
    replace_once(Event, "resolve_by_type", staticmethod(resolve_by_type), "remembers_classes")


resolve_by_type.remembers_classes = True  # type: ignore[attr-defined]
