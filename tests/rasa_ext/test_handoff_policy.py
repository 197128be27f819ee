"""HandoffPolicy on real Rasa domains, trackers and the default policy ensemble."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, InvalidDomain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.handoff_policy import HANDOFF_SLOT, HandoffPolicy

DOMAIN_DICT: dict[str, Any] = {
    "version": "3.1",
    "intents": ["greet", "inform", "crisis_self_harm", "medical_emergency", "delete_my_data"],
    "slots": {
        HANDOFF_SLOT: {"type": "bool", "influence_conversation": True, "mappings": [{"type": "custom"}]},
    },
    "responses": {
        "utter_greet": [{"text": "Hi!"}],
        "utter_crisis": [{"text": "Call or text 988. In danger now? Call 911."}],
    },
    "actions": ["action_erase_data", "action_crisis", "action_emergency"],
}
DOMAIN = Domain.from_dict(DOMAIN_DICT)


def make_policy(tmp_path: Path, **config: Any) -> HandoffPolicy:
    """As the graph does: the defaults overridden by the config.yml entry."""
    return HandoffPolicy.create(
        {**HandoffPolicy.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("train_HandoffPolicy1"),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


def tracker(handoff: bool | None, intent: str, *after: Event) -> DialogueStateTracker:
    events: list[Event] = [ActionExecuted(ACTION_LISTEN_NAME)]
    if handoff is not None:
        events.append(SlotSet(HANDOFF_SLOT, handoff))
    events.append(UserUttered("some text", {"name": intent, "confidence": 0.97}))
    return DialogueStateTracker.from_events("person", [*events, *after], slots=DOMAIN.slots)


def predicted_action(prediction: PolicyPrediction) -> str:
    return DOMAIN.action_names_or_texts[prediction.max_confidence_index]


def assert_abstains(prediction: PolicyPrediction) -> None:
    assert prediction.max_confidence == 0.0
    assert not prediction.is_no_user_prediction


def rule_prediction(action: str, **flags: bool) -> PolicyPrediction:
    """What RulePolicy returns when a rule (or an active form) fires."""
    probabilities = [0.0] * DOMAIN.num_actions
    probabilities[DOMAIN.index_for_action(action)] = 1.0
    return PolicyPrediction(probabilities, "RulePolicy", RulePolicy.get_default_config()["priority"], **flags)


@pytest.mark.parametrize("intent", ["greet", "inform", "delete_my_data"])
def test_listens_after_a_user_message_during_handoff(tmp_path: Path, intent: str) -> None:
    prediction = make_policy(tmp_path).predict_action_probabilities(tracker(True, intent), DOMAIN)

    assert predicted_action(prediction) == ACTION_LISTEN_NAME
    assert prediction.max_confidence == 1.0
    assert prediction.is_no_user_prediction
    assert prediction.policy_priority > RulePolicy.get_default_config()["priority"]


@pytest.mark.parametrize("handoff", [True, False, None])
@pytest.mark.parametrize(
    ("intent", "action"), [("crisis_self_harm", "action_crisis"), ("medical_emergency", "action_emergency")]
)
def test_safety_intents_get_their_safety_action_in_every_state(
    tmp_path: Path, handoff: bool | None, intent: str, action: str
) -> None:
    prediction = make_policy(tmp_path).predict_action_probabilities(tracker(handoff, intent), DOMAIN)

    assert predicted_action(prediction) == action
    assert prediction.max_confidence == 1.0
    assert prediction.is_no_user_prediction


@pytest.mark.parametrize("handoff", [False, None])
def test_abstains_without_handoff(tmp_path: Path, handoff: bool | None) -> None:
    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker(handoff, "greet"), DOMAIN))


def test_abstains_after_another_action(tmp_path: Path) -> None:
    """The crisis reply went out; the other policies decide what follows it."""
    after_crisis_reply = tracker(True, "crisis_self_harm", ActionExecuted("action_crisis"))

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(after_crisis_reply, DOMAIN))


def test_safety_actions_are_configurable(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, safety_actions={"medical_emergency": "action_emergency"})

    listen = policy.predict_action_probabilities(tracker(True, "crisis_self_harm"), DOMAIN)
    assert predicted_action(listen) == ACTION_LISTEN_NAME
    assert_abstains(policy.predict_action_probabilities(tracker(False, "crisis_self_harm"), DOMAIN))


@pytest.mark.parametrize(
    "flags",
    [{}, {"is_no_user_prediction": True}, {"is_end_to_end_prediction": True}],
    ids=["intent-rule", "active-form", "text-rule"],
)
def test_wins_the_ensemble_against_any_rule(tmp_path: Path, flags: dict[str, bool]) -> None:
    during_handoff = tracker(True, "greet")
    ours = make_policy(tmp_path).predict_action_probabilities(during_handoff, DOMAIN)
    ensemble = DefaultPolicyPredictionEnsemble()

    for order in ([rule_prediction("utter_greet", **flags), ours], [ours, rule_prediction("utter_greet", **flags)]):
        winner = ensemble.combine_predictions(order, during_handoff, DOMAIN)
        assert winner.policy_name == HandoffPolicy.__name__
        assert predicted_action(winner) == ACTION_LISTEN_NAME


def test_safety_action_beats_an_active_form(tmp_path: Path) -> None:
    crisis = tracker(False, "crisis_self_harm")
    ours = make_policy(tmp_path).predict_action_probabilities(crisis, DOMAIN)
    form_keeps_running = rule_prediction("utter_greet", is_no_user_prediction=True)

    winner = DefaultPolicyPredictionEnsemble().combine_predictions([form_keeps_running, ours], crisis, DOMAIN)

    assert predicted_action(winner) == "action_crisis"


def test_abstaining_never_wins(tmp_path: Path) -> None:
    greet = tracker(False, "greet")
    ours = make_policy(tmp_path).predict_action_probabilities(greet, DOMAIN)

    ensemble = DefaultPolicyPredictionEnsemble()
    winner = ensemble.combine_predictions([rule_prediction("utter_greet"), ours], greet, DOMAIN)

    assert predicted_action(winner) == "utter_greet"


def test_trains_on_nothing_and_loads_without_persisted_data(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)
    resource = policy.train([], DOMAIN)

    loaded = HandoffPolicy.load(
        {**HandoffPolicy.get_default_config()},
        LocalModelStorage(tmp_path),
        resource,
        ExecutionContext(GraphSchema({}), "test-model"),
    )

    assert predicted_action(loaded.predict_action_probabilities(tracker(True, "greet"), DOMAIN)) == ACTION_LISTEN_NAME


def test_training_fails_without_the_handoff_slot(tmp_path: Path) -> None:
    domain = Domain.from_dict({**DOMAIN_DICT, "slots": {}})

    with pytest.raises(InvalidDomain, match=HANDOFF_SLOT):
        make_policy(tmp_path).train([], domain)
