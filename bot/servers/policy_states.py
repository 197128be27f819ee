"""The dialogue states of a tracker, computed once per prediction instead of once per policy.

To predict the next action, Rasa 3.6 runs every policy on the same tracker, and each of them turns
the whole conversation into a list of states (``Domain.states_for_tracker_history``: a replay of
every event, a state per action). RulePolicy asks twice for the same list (for the latest message's
text, then its intent), MemoizationPolicy once for another (rule-only turns hidden), and there are
two to three predictions per turn; the replays grow with the conversation. With TEDPolicy still in
the config (it asked too) they were 19 of a prediction's 43 ms at 40 turns on this project's 2-core
machine.

The states depend only on the events and the options, so this keeps the last list computed for a
tracker, keyed on its number of events, its latest event and the options, and hands each caller
its own copy (policies edit the states they are given: RulePolicy and the featurizers remove the
user's text or intent from the last one). A tracker with another event appended, or another
tracker, computes afresh. Same states, so the same predictions, for about half the replays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

from bot.servers.replacing import replace_once

# The attribute of a tracker that holds its computed states (one tracker: one turn being handled).
_CACHE_ATTRIBUTE = "_advocate_past_states"

StatesForHistory = Callable[..., list[State]]


def _copy(states: list[State]) -> list[State]:
    """Each state and each of its sub-states a new dict; the values inside are strings and tuples."""
    return [{key: dict(sub_state) for key, sub_state in state.items()} for state in states]


def _options_key(omit_unset_slots: bool, ignore_rule_only_turns: bool, rule_only_data: dict[str, Any] | None) -> tuple:
    rule_only = tuple(sorted((key, tuple(value)) for key, value in (rule_only_data or {}).items()))
    return omit_unset_slots, ignore_rule_only_turns, rule_only


def computed_once(original: StatesForHistory) -> StatesForHistory:
    """``Domain.states_for_tracker_history`` remembering its answer for the tracker as it is now."""

    def states_for_tracker_history(
        self: Domain,
        tracker: DialogueStateTracker,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        events = tracker.events
        # The events are append-only while a turn is handled; a new event changes both the length
        # and the latest event, an undo (which appends too) as well.
        version = (id(self), len(events), id(events[-1]) if events else None)
        cache = tracker.__dict__.get(_CACHE_ATTRIBUTE)
        if cache is None or cache[0] != version:
            cache = (version, {})
            tracker.__dict__[_CACHE_ATTRIBUTE] = cache
        options = _options_key(omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        states = cache[1].get(options)
        if states is None:
            states = original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
            cache[1][options] = _copy(states)
            return states
        return _copy(states)

    states_for_tracker_history.computed_once = True  # type: ignore[attr-defined]
    return states_for_tracker_history


def install() -> None:
    """Every policy of this process shares one computation of a tracker's states per prediction."""
    current = Domain.states_for_tracker_history
    replace_once(Domain, "states_for_tracker_history", computed_once(current), "computed_once")
