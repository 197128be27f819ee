"""How the speed and outage changes of bot.servers go into Rasa: each replaces one Rasa method, once.

Each replacement carries a marker attribute of its own (``recent_events_only``, ``outage_aware``
...). A method that already carries the marker is left alone, so a second ``install()`` (the
entrypoint and a test, or both make profile's hooks and the server) neither wraps Rasa twice nor
undoes a wrapper put around the installed method: ``functools.wraps`` copies the marker onto it.
"""

from __future__ import annotations

from typing import Any


def replace_once(owner: type, name: str, replacement: Any, marker: str) -> None:
    """``owner.<name> = replacement``, unless the method there already carries ``marker``.

    ``replacement`` carries the marker itself (set where it is defined), so a wrapper built
    around Rasa's method can hold a value in it (``turn_gate``: its number of slots).
    """
    if getattr(getattr(owner, name), marker, False):
        return
    setattr(owner, name, replacement)
