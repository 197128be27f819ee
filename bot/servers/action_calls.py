"""What Rasa sends the action server: the tracker's state with its recent events, not all of them.

``RemoteAction._action_call_format`` (Rasa 3.6) puts the whole conversation, every event as a
dict, into each action call; Rasa encodes it, the action server decodes it and rasa_sdk builds a
``Tracker`` of it, two to three times a turn. A turn therefore costs more the longer the
conversation is, for history no action reads: the slots, the active form, the latest message and
action travel in the state's own fields, and the actions look back a few messages at most (the
pending yes/no of the last turn, the misses before a hand-off, the advocate's transcript of the
last 12 lines in ``actions/handoff.py``, the tries at a phone number).

This sends the events since the ``RECENT_USER_MESSAGES``-th last user message (all of them in a
shorter conversation), every other field unchanged. The full history stays in the tracker store,
where the hand-off transcript and the console read it.
"""

from __future__ import annotations

from collections.abc import Reversible
from typing import Any

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.servers.replacing import replace_once

# Far more than any action looks back (RECENT_TURNS = 12 lines of transcript is at most 12 user
# messages), so no action can tell the difference.
RECENT_USER_MESSAGES = 30


def recent_events(events: Reversible[Event], user_messages: int = RECENT_USER_MESSAGES) -> list[Event]:
    """The events from the `user_messages`-th last user message on (all, when there are fewer)."""
    recent: list[Event] = []
    seen = 0
    for event in reversed(events):
        recent.append(event)
        if isinstance(event, UserUttered):
            seen += 1
            if seen == user_messages:
                break
    recent.reverse()
    return recent


def action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> dict[str, Any]:
    """Rasa's action call body, with the tracker's recent events only."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in recent_events(tracker.events)]
    call: dict[str, Any] = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        call["domain"] = domain.as_dict()
    return call


action_call_format.recent_events_only = True  # type: ignore[attr-defined]


def install() -> None:
    """Every action call of this process carries the recent events only."""
    replace_once(RemoteAction, "_action_call_format", action_call_format, "recent_events_only")
