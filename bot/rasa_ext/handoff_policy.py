"""Decides who has the turn: safety replies first in every state, then the human advocate.

config.yml::

    policies:
      - name: bot.rasa_ext.handoff_policy.HandoffPolicy
        # optional, these are the defaults:
        # priority: 5
        # safety_actions: {crisis_self_harm: action_crisis, medical_emergency: action_emergency}

Safety first: right after a message classified as a crisis or an emergency it predicts the
matching safety action, whatever else is going on — inside a form (where RulePolicy would
otherwise keep the form running, because a message naming a condition still fills a slot) and
during a handoff. Rules say the same, but a policy that always wins cannot be undone by a later
rule or story.

During a handoff the advocate answers from the console and the person's messages must still be
recorded (the advocate reads them in the transcript), but the bot must not talk over the human.
Stories or rules cannot express "whatever the user says, listen" without one rule per intent and
form state, so while the `handoff_active` slot is true it predicts `action_listen` right after
every other user message.
"""
from __future__ import annotations

from typing import Any

import rasa.shared.utils.io
from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, InvalidDomain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.sure_policy import SurePolicy

HANDOFF_SLOT = "handoff_active"
SAFETY_ACTIONS_KEY = "safety_actions"
DEFAULT_SAFETY_ACTIONS = {"crisis_self_harm": "action_crisis", "medical_emergency": "action_emergency"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class HandoffPolicy(SurePolicy):
    """Predicts the safety action after a safety intent, else `action_listen` during a handoff.

    How it wins deterministically in `DefaultPolicyPredictionEnsemble`: predictions flagged
    `is_no_user_prediction` are compared only among themselves and beat all others (RulePolicy
    uses the flag to keep an active form running, and its end-to-end rule predictions would
    otherwise beat intent-based ones), then the highest confidence wins, then the highest
    priority. This policy flags its prediction, gives it confidence 1.0 and by default has
    priority RulePolicy + 1, so no other policy can out-rank it. When it abstains it returns all
    zeros without the flag, which can never win over a real prediction (`SurePolicy`).
    """

    flags_no_user_prediction = True

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`priority` above RulePolicy's (`SurePolicy`); which action answers which safety intent."""
        return {**SurePolicy.get_default_config(), SAFETY_ACTIONS_KEY: dict(DEFAULT_SAFETY_ACTIONS)}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: TrackerFeaturizer | None = None,
    ) -> None:
        """Reads the safety actions; `Policy.load` calls this with the same signature."""
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self._safety_actions: dict[str, str] = dict(config[SAFETY_ACTIONS_KEY])

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Learns nothing; only checks the domain so a misconfiguration fails at `rasa train`.

        The recipe gives every policy a training node whatever `is_trainable` says. Nothing is
        persisted: `Policy.load` builds the policy from its config when the resource is empty.
        """
        if HANDOFF_SLOT not in {slot.name for slot in domain.slots}:
            raise InvalidDomain(f"{self.__class__.__name__} needs a bool slot '{HANDOFF_SLOT}' in the domain.")
        unknown = sorted(set(self._safety_actions) - set(domain.intents))
        missing = sorted(set(self._safety_actions.values()) - set(domain.action_names_or_texts))
        if missing:
            raise InvalidDomain(f"{self.__class__.__name__}: safety actions not in the domain: {', '.join(missing)}.")
        if unknown:
            rasa.shared.utils.io.raise_warning(
                f"{self.__class__.__name__}: safety intents not in the domain: {', '.join(unknown)}."
            )
        return self._resource

    def _action(self, tracker: DialogueStateTracker) -> str | None:
        """The safety action, or `action_listen` when the advocate has the turn, else None (abstain)."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.latest_message is None:
            # Once any other action ran, the other policies finish the turn.
            return None
        action = self._safety_actions.get(tracker.latest_message.intent_name or "")
        if action is None and tracker.get_slot(HANDOFF_SLOT) is True:
            return ACTION_LISTEN_NAME
        return action
