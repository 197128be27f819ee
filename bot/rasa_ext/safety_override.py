"""Makes sure a crisis, an emergency or a plain request for medical advice is never missed by NLU.

config.yml: the LAST pipeline component, after the intent classifiers and the FallbackClassifier::

    pipeline:
      # ... tokenizers, featurizers, DIETClassifier, ResponseSelector ...
      - name: FallbackClassifier
      - name: bot.rasa_ext.safety_override.SafetyIntentOverride

Why: "I don't want to be here anymore" or "my chest hurts and my left arm is numb" must get 988 /
911 in the very first reply, in every state. A statistical classifier can rank such a message
low or split it between intents; the FallbackClassifier then turns it into `nlu_fallback` and the
person gets "sorry, I didn't get that". `bot.understanding.risk.detect_risk` is a deterministic,
separately tested check; when it fires, this component sets the safety intent with confidence 1.0
so the safety rules (and HandoffPolicy's pass-through) see it whatever the classifier said.
It only ever escalates: when `detect_risk` finds nothing, the classifier's result stands.

The same goes, one step lower, for the advice boundary of the brief: "how long does my dad have?"
or "is my doctor giving me the right treatment" must get "I can't answer that, but here's the
question to ask", never an FAQ answer about second opinions that happens to share its words.
`bot.understanding.advice.asks_for_medical_judgement` recognises the unmistakable wordings; when it fires
the intent becomes `medical_advice` - unless the classifier found the person giving the bot a task
that carries such words (saving "is it curable?" as a question, asking for a person) or a risk.

An everyday health question ("is it normal to feel dizzy on metoprolol?") that the classifier
could not place, or took for an FAQ or small talk, becomes `medical_advice` too
(`bot.understanding.health_questions`): the boundary and the offer to save it is the brief's
answer to every one of them, and "sorry, I didn't understand" or an unrelated FAQ is not.

The same for "how do I bring up a second opinion with my surgeon?": a request for the words to
use (`bot.understanding.doctor.asks_for_words`) becomes `ask_doctor` when the classifier took it for an
FAQ, for suggestions, for the assessment or for nothing it was sure of.

A hand-off for a complaint, a bill or an insurance denial, or saving a question, only when the
message says so (`bot.understanding.says_so`): "how long does prednisone stay in your system?"
is a health question, not a complaint about care that pages an advocate.

An FAQ answer is given only when the message mentions what that FAQ is about
(`bot.understanding.faq_topics`): otherwise the reading becomes `nlu_fallback`, and the person is
asked what they meant instead of being answered about something they did not ask.

And one more, the other way round: "i was told i have MS" or "my wife got diagnosed with lymphoma"
is the person telling their situation, which starts the assessment (`inform`). When the vocabulary
found a condition in a plain statement (`bot.understanding.advice.tells_the_situation`) and the classifier
called it something that would answer a question nobody asked (an FAQ, "not sure", advice, out of
scope, a greeting, or nothing it was sure of), the intent becomes `inform`.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
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

from bot.understanding import faq_topics
from bot.understanding.advice import asks_for_medical_judgement, tells_the_situation
from bot.understanding.doctor import asks_for_words
from bot.understanding.health_questions import is_general_health_question, is_health_question
from bot.understanding.payloads import is_button_payload
from bot.understanding.risk import EMERGENCY, SELF_HARM, detect_risk
from bot.understanding.says_so import CHECKED_INTENTS, says_so

RISK_INTENTS = {SELF_HARM: "crisis_self_harm", EMERGENCY: "medical_emergency"}
ADVICE_INTENT = "medical_advice"
# Intents whose message quotes or carries a medical question as part of a task the bot must do.
TASKS_WITH_QUESTIONS = frozenset(
    {"add_question", "edit_question", "remove_question", "human_handoff", "delete_my_data"}
)
ASK_DOCTOR_INTENT = "ask_doctor"
# What a classifier may wrongly call "how do I bring up a second opinion with my surgeon".
NOT_ASKING_FOR_WORDS = frozenset(
    {"faq", "suggest_questions", "start_assessment", ADVICE_INTENT, "explain", DEFAULT_NLU_FALLBACK_INTENT_NAME}
)
# What a classifier may call an everyday health question it has not seen the like of: nothing it was
# sure of, or a reading that would answer something else (an FAQ, a greeting, "I'm a bot").
MAY_BE_A_HEALTH_QUESTION = frozenset(
    {
        DEFAULT_NLU_FALLBACK_INTENT_NAME,
        "faq",
        "out_of_scope",
        "greet",
        "goodbye",
        "thank",
        "affirm",
        "deny",
        "not_sure",
        "bot_challenge",
        "explain",
        "help",
    }
)
FAQ_INTENT = "faq"
SITUATION_INTENT = "inform"
# What a classifier may wrongly call "my mom was just diagnosed with lupus": never a task.
NOT_A_SITUATION = frozenset(
    {"faq", "not_sure", ADVICE_INTENT, "out_of_scope", "greet", DEFAULT_NLU_FALLBACK_INTENT_NAME}
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyIntentOverride(GraphComponent):
    """Sets a safety intent, `medical_advice`, `ask_doctor` or `inform` (1.0) on sure wording."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyIntentOverride:
        """Nothing to configure or load: the risk patterns are code in `bot.understanding.risk`."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Overrides the intent of risky messages and plain advice requests; button payloads are left alone."""
        for message in messages:
            text = message.get(TEXT)
            if not text or is_button_payload(text):
                continue
            risk = detect_risk(text)
            if risk is not None:
                self._set_intent(message, RISK_INTENTS[risk])
            elif self._may_become_advice(message) and asks_for_medical_judgement(text):
                self._set_intent(message, ADVICE_INTENT)
            elif self._intent(message) in NOT_ASKING_FOR_WORDS and asks_for_words(text):
                self._set_intent(message, ASK_DOCTOR_INTENT)
            elif self._missed_a_health_question(message, text):
                self._set_intent(message, ADVICE_INTENT)
            elif self._intent(message) in CHECKED_INTENTS and not says_so(self._intent(message), text):
                if self._asks_about_health(message, text):
                    self._set_intent(message, ADVICE_INTENT)
                else:
                    self._set_unsure(message)
            elif self._names_a_condition(message) and tells_the_situation(text):
                self._set_intent(message, SITUATION_INTENT)
            elif self._intent(message) == FAQ_INTENT and not faq_topics.is_about(self._faq_answer(message), text):
                self._set_unsure(message)
        return messages

    @staticmethod
    def _faq_answer(message: Message) -> str:
        """The FAQ answer the response selector picked ("faq/records_fees")."""
        selected = ((message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(FAQ_INTENT) or {}).get("response") or {}
        return selected.get("intent_response_key") or ""

    @staticmethod
    def _set_unsure(message: Message) -> None:
        """`nlu_fallback`, as the FallbackClassifier would set it; the ranking is kept for "did you mean"."""
        intent = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, intent, add_to_output=True)

    @staticmethod
    def _intent(message: Message) -> str | None:
        return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)

    @classmethod
    def _names_a_condition(cls, message: Message) -> bool:
        """A condition entity, on a message the classifier took for anything but a task."""
        entities = message.get(ENTITIES) or []
        return cls._intent(message) in NOT_A_SITUATION and any(
            e.get(ENTITY_ATTRIBUTE_TYPE) == "condition" for e in entities
        )

    @classmethod
    def _missed_a_health_question(cls, message: Message, text: str) -> bool:
        """A health question read as nothing sure, small talk or an FAQ - or, about nobody's own
        case, as someone telling their diagnosis."""
        intent = cls._intent(message)
        if intent in MAY_BE_A_HEALTH_QUESTION:
            return cls._asks_about_health(message, text)
        return intent == SITUATION_INTENT and cls._asks_about_health(message, text, general=True)

    @staticmethod
    def _asks_about_health(message: Message, text: str, *, general: bool = False) -> bool:
        """A health question (`general`: about nobody's own case), with what the vocabulary found."""
        entities = message.get(ENTITIES) or []
        types = {e.get(ENTITY_ATTRIBUTE_TYPE) for e in entities}
        topics = {e.get("value") for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) == "topic"}
        reader = is_general_health_question if general else is_health_question
        return reader(text, types, topics)

    @staticmethod
    def _may_become_advice(message: Message) -> bool:
        """Not when the classifier found a task carrying the question, or a risk sure enough to act on.

        The task is looked up through the FallbackClassifier's `nlu_fallback` (an unsure "save this
        question: ..." is still not a request for advice); a risk is not: one the fallback turned
        down was only a guess, and `detect_risk` has already found nothing.
        """
        acted_on = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        ranking = [
            entry.get(INTENT_NAME_KEY)
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
        ]
        classified = ranking[0] if ranking else acted_on
        return acted_on not in RISK_INTENTS.values() and classified not in TASKS_WITH_QUESTIONS

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
