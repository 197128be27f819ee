"""Applies the intent holds (`bot.understanding.intent_holds`) as the last step of the NLU pipeline.

config.yml: the LAST pipeline component, after the intent classifiers and the FallbackClassifier::

    pipeline:
      # ... tokenizers, featurizers, DIETClassifier, ResponseSelector ...
      - name: FallbackClassifier
      - name: bot.rasa_ext.safety_override.SafetyIntentOverride

Why: "I don't want to be here anymore" or "my chest hurts and my left arm is numb" must get 988 /
911 in the very first reply, in every state, and some other mistakes of a statistical classifier
cost far more than the rest (an FAQ answer about records for a question about a medicine, a
complaint hand-off for a health question, "sorry, I didn't understand" for a person asking for a
human). `bot.understanding.intent_holds` decides, in pure, table-tested Python, when what a message
plainly says outranks the guess; this component only translates between it and Rasa's message:
a held intent is set at confidence 1.0 on top of the ranking, and "unsure" becomes `nlu_fallback`
with the ranking kept, so the dialogue can ask "did you mean ...?". Button payloads are left to
Rasa.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.untrained import UntrainedComponent
from bot.understanding.intent_holds import UNSURE, Reading, hold
from bot.understanding.payloads import is_button_payload


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyIntentOverride(UntrainedComponent):
    """Sets the intent `intent_holds.hold` gives (1.0), or `nlu_fallback` when it says unsure.

    Nothing to configure or load: the holds are code in `bot.understanding`.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Applies the holds to every message with a text that is not a button payload."""
        for message in messages:
            text = message.get(TEXT)
            if not text or is_button_payload(text):
                continue
            held = hold(self._reading(message, text))
            if held == UNSURE:
                self._set_unsure(message)
            elif held is not None:
                self._set_intent(message, held)
        return messages

    @staticmethod
    def _reading(message: Message, text: str) -> Reading:
        acted_on = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        confidence = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        ranking = [
            entry.get(INTENT_NAME_KEY)
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
        ]
        entities = message.get(ENTITIES) or []
        selected = ((message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get("faq") or {}).get("response") or {}
        return Reading(
            text=text,
            intent=acted_on,
            classified=ranking[0] if ranking else acted_on,
            confidence=confidence,
            faq_answer=selected.get("intent_response_key") or "",
            entity_types=frozenset(e.get(ENTITY_ATTRIBUTE_TYPE) for e in entities),
            topics=frozenset(e.get("value") for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) == "topic"),
        )

    @staticmethod
    def _set_unsure(message: Message) -> None:
        """`nlu_fallback`, as the FallbackClassifier would set it; the ranking is kept for "did you mean"."""
        intent = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, intent, add_to_output=True)

    @staticmethod
    def _set_intent(message: Message, intent_name: str) -> None:
        """Puts `intent_name` at 1.0 on top of the ranking.

        The `nlu_fallback` entry goes too: it only recorded that the classifier was unsure, which
        no longer decides anything, and the ranking should list real intents only.
        """
        intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (intent_name, DEFAULT_NLU_FALLBACK_INTENT_NAME)
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(intent), *ranking], add_to_output=True)
