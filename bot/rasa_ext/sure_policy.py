"""What HandoffPolicy and ChoicePolicy share: a policy that predicts one action for sure, or abstains.

Both read the tracker by fixed rules, learn nothing, and must out-rank the rules whenever they
speak: the action at confidence 1.0 and priority RulePolicy + 1, and otherwise all zeros without
a flag, which never wins in `DefaultPolicyPredictionEnsemble`. What each one predicts, and
whether its prediction carries the `is_no_user_prediction` flag, is the subclass's.
"""
from __future__ import annotations

from typing import Any, ClassVar

from rasa.core.constants import POLICY_PRIORITY, RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker


class SurePolicy(Policy):
    """Predicts the action `_action` names at confidence 1.0, or abstains when it names none.

    Not registered with the recipe itself: only its subclasses are named in config.yml.
    """

    # Flag the prediction `is_no_user_prediction`: the ensemble compares flagged predictions only
    # among themselves and lets them beat all others, a form's next step included.
    flags_no_user_prediction: ClassVar[bool] = False

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`priority` above RulePolicy's, so a prediction beats the rules (the fallback rule too)."""
        return {POLICY_PRIORITY: RULE_POLICY_PRIORITY + 1}

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """The subclass's action at 1.0, or abstain (all zeros, unflagged, which never wins)."""
        probabilities = self._default_predictions(domain)
        action = self._action(tracker)
        if action is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=self.flags_no_user_prediction)

    def _action(self, tracker: DialogueStateTracker) -> str | None:
        """The action this policy is sure of for the tracker as it is, or None to abstain."""
        raise NotImplementedError
