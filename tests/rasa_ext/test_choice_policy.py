"""ChoicePolicy on real Rasa domains, trackers and the default policy ensemble."""
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
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.choice_policy import PENDING_SLOT, ChoicePolicy
from bot.rasa_ext.handoff_policy import HANDOFF_SLOT, HandoffPolicy

DOMAIN_DICT: dict[str, Any] = {
    "version": "3.1",
    "intents": ["nlu_fallback", "inform", "add_question", "crisis_self_harm", "faq"],
    "slots": {
        PENDING_SLOT: {"type": "text", "influence_conversation": False, "mappings": [{"type": "custom"}]},
        HANDOFF_SLOT: {"type": "bool", "influence_conversation": True, "mappings": [{"type": "custom"}]},
    },
    "actions": [
        "action_suggest_questions",
        "action_add_question",
        "action_confirm_pending",
        "action_remove_question",
        "action_clear_questions",
        "action_fallback",
        "action_crisis",
        "action_emergency",
        "action_faq_offer",
        "action_ask_erase",
        "records_form",
    ],
    "forms": {"records_form": {"required_slots": []}},
}
DOMAIN = Domain.from_dict(DOMAIN_DICT)


def make_policy(tmp_path: Path) -> ChoicePolicy:
    return ChoicePolicy.create(
        ChoicePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("train_ChoicePolicy1"),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


def conversation(*turns: Event) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("person", list(turns), slots=DOMAIN.slots)


def says(text: str, intent: str = "nlu_fallback") -> list[Event]:
    return [ActionExecuted(ACTION_LISTEN_NAME), UserUttered(text, {"name": intent, "confidence": 0.4})]


def offered(pending: str, action: str = "action_suggest_questions") -> list[Event]:
    """A bot turn that shows a numbered list and opens the choice."""
    return [ActionExecuted(action), SlotSet(PENDING_SLOT, pending)]


def predicted_action(prediction: PolicyPrediction) -> str:
    return DOMAIN.action_names_or_texts[prediction.max_confidence_index]


def assert_abstains(prediction: PolicyPrediction) -> None:
    assert prediction.max_confidence == 0.0


@pytest.mark.parametrize("reply", ["2", "save 1 and 3", "the first one", "1,3", "#4", "number 2 please", "two"])
def test_a_pick_after_the_suggestions_saves_those(tmp_path: Path, reply: str) -> None:
    tracker = conversation(*says("suggest questions", "add_question"), *offered("save_suggestions"), *says(reply))

    prediction = make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN)

    assert predicted_action(prediction) == "action_add_question"
    assert prediction.max_confidence == 1.0


@pytest.mark.parametrize("reply", ["all of them", "both", "save them all pls"])
def test_all_of_them_after_the_suggestions_saves_all(tmp_path: Path, reply: str) -> None:
    tracker = conversation(*offered("save_suggestions"), *says(reply))

    assert predicted_action(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN)) == (
        "action_confirm_pending"
    )


def test_a_number_after_which_one_to_remove_removes_it(tmp_path: Path) -> None:
    tracker = conversation(*offered("remove_question", "action_remove_question"), *says("2"))

    assert predicted_action(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN)) == (
        "action_remove_question"
    )


def test_all_after_which_one_to_remove_asks_before_clearing(tmp_path: Path) -> None:
    tracker = conversation(*offered("remove_question", "action_remove_question"), *says("all of them"))

    assert predicted_action(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN)) == (
        "action_clear_questions"
    )


@pytest.mark.parametrize(
    "reply", ["is stage 2 curable?", "delete all my data", "what does number 2 mean", "/add_question"]
)
def test_a_real_message_is_not_a_pick(tmp_path: Path, reply: str) -> None:
    tracker = conversation(*offered("save_suggestions"), *says(reply))

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN))


@pytest.mark.parametrize(
    ("reply", "intent"),
    [
        ("does tamoxifen cause hot flashes", "medical_advice"),
        ("what is a pet scan", "faq"),
        ("how many of these has the surgeon done", "nlu_fallback"),
        ("whether i can still work during radiation", "inform"),
    ],
)
def test_after_what_is_the_question_the_next_message_is_the_question(tmp_path: Path, reply: str, intent: str) -> None:
    tracker = conversation(*says("save a question", "add_question"), *offered("question_text", "action_add_question"),
                           *says(reply, intent))  # fmt: skip

    prediction = make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN)

    assert predicted_action(prediction) == "action_add_question" and prediction.max_confidence == 1.0


@pytest.mark.parametrize(
    ("reply", "intent"),
    [("never mind", "deny"), ("I want to talk to a real person", "human_handoff"), ("I want to end it all",
     "crisis_self_harm"), ("show me my list", "list_questions"), ("/deny", "deny")],
)  # fmt: skip
def test_after_what_is_the_question_a_message_with_its_own_meaning_keeps_it(
    tmp_path: Path, reply: str, intent: str
) -> None:
    tracker = conversation(*offered("question_text", "action_add_question"), *says(reply, intent))

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN))


def test_the_question_asked_for_two_turns_ago_is_no_longer_awaited(tmp_path: Path) -> None:
    tracker = conversation(
        *offered("question_text", "action_add_question"),
        *says("hmm", "nlu_fallback"),
        ActionExecuted("action_fallback"),
        *says("what is a pet scan", "faq"),
    )

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN))


def test_a_choice_offered_two_turns_ago_is_closed(tmp_path: Path) -> None:
    """Suggestions, then an FAQ, then "2": the 2 no longer refers to the suggestions."""
    tracker = conversation(
        *offered("save_suggestions"),
        *says("what should I bring", "faq"),
        ActionExecuted("action_faq_offer"),
        *says("2"),
    )

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN))


def test_no_pick_inside_a_form(tmp_path: Path) -> None:
    tracker = conversation(ActiveLoop("records_form"), *offered("save_suggestions"), *says("2"))

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN))


def test_listens_once_its_action_ran(tmp_path: Path) -> None:
    """No rule knows "a pick, then its action": without this Rasa would fall back in that state."""
    tracker = conversation(
        *offered("save_suggestions"), *says("2"), ActionExecuted("action_add_question"), SlotSet(PENDING_SLOT, "x")
    )

    prediction = make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN)

    assert predicted_action(prediction) == ACTION_LISTEN_NAME
    assert prediction.max_confidence == 1.0


def test_abstains_when_another_action_ran(tmp_path: Path) -> None:
    tracker = conversation(*offered("save_suggestions"), *says("2"), ActionExecuted("action_fallback"))

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN))


@pytest.mark.parametrize("pending", ["offer", "save_question", "handoff", "text_questions"])
@pytest.mark.parametrize("reply", ["ok", "k", "okay", "sure", "ok please", "Sounds good!", "yes pls"])
def test_a_bare_ok_right_after_an_offer_is_a_yes(tmp_path: Path, pending: str, reply: str) -> None:
    tracker = conversation(*offered(pending, "action_faq_offer"), *says(reply))

    assert predicted_action(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN)) == (
        "action_confirm_pending"
    )


@pytest.mark.parametrize("pending", ["erase_data", "clear_questions", "save_suggestions"])
def test_a_bare_ok_never_confirms_deleting_or_saving_unasked(tmp_path: Path, pending: str) -> None:
    tracker = conversation(*offered(pending, "action_ask_erase"), *says("ok"))

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN))


@pytest.mark.parametrize("reply", ["ok bye", "ok what about insurance", "ok i'm scared"])
def test_ok_with_more_to_say_is_left_to_the_classifier(tmp_path: Path, reply: str) -> None:
    tracker = conversation(*offered("offer", "action_faq_offer"), *says(reply))

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN))


def test_a_bare_ok_to_an_offer_made_two_turns_ago_is_not_a_yes(tmp_path: Path) -> None:
    tracker = conversation(
        *offered("offer", "action_faq_offer"), *says("hmm"), ActionExecuted("action_fallback"), *says("ok")
    )

    assert_abstains(make_policy(tmp_path).predict_action_probabilities(tracker, DOMAIN))


def test_beats_the_fallback_rule_but_not_safety(tmp_path: Path) -> None:
    ensemble = DefaultPolicyPredictionEnsemble()
    pick = conversation(*offered("save_suggestions"), *says("2"))
    fallback_rule = PolicyPrediction.for_action_name(DOMAIN, "action_fallback", "RulePolicy")
    fallback_rule.policy_priority = RulePolicy.get_default_config()["priority"]

    ours = make_policy(tmp_path).predict_action_probabilities(pick, DOMAIN)
    assert predicted_action(ensemble.combine_predictions([fallback_rule, ours], pick, DOMAIN)) == "action_add_question"

    crisis = conversation(*offered("save_suggestions"), *says("2 and I want to die", "crisis_self_harm"))
    safety = HandoffPolicy.create(
        HandoffPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("train_HandoffPolicy1"),
        ExecutionContext(GraphSchema({}), "test-model"),
    ).predict_action_probabilities(crisis, DOMAIN)
    ours = make_policy(tmp_path).predict_action_probabilities(crisis, DOMAIN)
    assert predicted_action(ensemble.combine_predictions([ours, safety], crisis, DOMAIN)) == "action_crisis"


def test_training_checks_the_domain(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)
    policy.train([], DOMAIN)

    with pytest.raises(InvalidDomain, match=PENDING_SLOT):
        policy.train([], Domain.from_dict({**DOMAIN_DICT, "slots": {}}))
    with pytest.raises(InvalidDomain, match="action_remove_question"):
        actions = [a for a in DOMAIN_DICT["actions"] if a != "action_remove_question"]
        policy.train([], Domain.from_dict({**DOMAIN_DICT, "actions": actions}))
