"""bot.servers.policy_states: one computation of a tracker's states per prediction, the same states."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.servers import policy_states

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, start, inform]
entities: [condition]
slots:
  condition:
    type: text
    mappings: [{type: from_entity, entity: condition}]
  done:
    type: bool
    mappings: [{type: custom}]
forms:
  case_form:
    required_slots: [condition]
actions: [action_greet]
responses:
  utter_ask_condition: [{text: "Which condition?"}]
"""
)
RULE_ONLY = {"slots": ["done"], "loops": ["case_form"]}
OPTIONS = [
    {},
    {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
    {"omit_unset_slots": True},
]


def conversation() -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("hi", intent={"name": "greet", "confidence": 1.0}),
        ActionExecuted("action_greet"),
        BotUttered("Hello"),
        ActionExecuted("action_listen"),
        UserUttered("start", intent={"name": "start", "confidence": 1.0}),
        ActionExecuted("case_form"),
        ActiveLoop("case_form"),
        BotUttered("Which condition?"),
        ActionExecuted("action_listen"),
        UserUttered(
            "lupus",
            intent={"name": "inform", "confidence": 1.0},
            entities=[{"entity": "condition", "value": "lupus", "start": 0, "end": 5}],
        ),
        SlotSet("condition", "lupus"),
        ActionExecuted("case_form"),
        ActiveLoop(None),
        SlotSet("done", True),
    ]  # fmt: skip
    return DialogueStateTracker.from_events("someone", events, DOMAIN.slots)


@pytest.fixture()
def computed_once() -> Iterator[policy_states.StatesForHistory]:
    yield policy_states.computed_once(Domain.states_for_tracker_history)


@pytest.mark.parametrize("options", OPTIONS)
def test_the_states_are_rasas_own_every_time(computed_once: policy_states.StatesForHistory, options: dict) -> None:
    tracker = conversation()
    expected = Domain.states_for_tracker_history(DOMAIN, conversation(), **options)

    assert computed_once(DOMAIN, tracker, **options) == expected
    assert computed_once(DOMAIN, tracker, **options) == expected  # from the cache


def test_the_history_is_replayed_once_per_set_of_options() -> None:
    replays = []
    original = Domain.states_for_tracker_history
    counting = policy_states.computed_once(lambda *args: replays.append(args[2:]) or original(*args))
    tracker = conversation()

    for _ in range(3):
        for options in OPTIONS:
            counting(DOMAIN, tracker, **options)

    assert len(replays) == len(OPTIONS)


def test_a_caller_editing_its_states_does_not_change_the_next_callers(
    computed_once: policy_states.StatesForHistory,
) -> None:
    tracker = conversation()
    first = computed_once(DOMAIN, tracker)
    first[-2]["user"].pop("intent")  # what RulePolicy does to the last user input
    first[-1].clear()
    second = computed_once(DOMAIN, tracker)
    second[1]["prev_action"]["action_name"] = "edited"

    assert computed_once(DOMAIN, tracker) == Domain.states_for_tracker_history(DOMAIN, conversation())


def test_a_new_event_gives_new_states(computed_once: policy_states.StatesForHistory) -> None:
    tracker = conversation()
    before = computed_once(DOMAIN, tracker)
    tracker.update(ActionExecuted("action_listen"))

    after = computed_once(DOMAIN, tracker)

    assert len(after) == len(before) + 1
    assert after == Domain.states_for_tracker_history(DOMAIN, tracker)


def test_another_tracker_with_the_same_number_of_events_is_not_confused(
    computed_once: policy_states.StatesForHistory,
) -> None:
    tracker = conversation()
    computed_once(DOMAIN, tracker)
    other = conversation()
    other.events[-1] = SlotSet("done", False)

    assert computed_once(DOMAIN, other) == Domain.states_for_tracker_history(DOMAIN, other)


def test_install_wraps_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Domain, "states_for_tracker_history", Domain.states_for_tracker_history)
    policy_states.install()
    installed = Domain.states_for_tracker_history
    policy_states.install()

    assert Domain.states_for_tracker_history is installed
    assert installed(DOMAIN, conversation()) == Domain.states_for_tracker_history(DOMAIN, conversation())
