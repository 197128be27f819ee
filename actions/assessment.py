"""Journey 1: deciding whether to seek a second opinion."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    NamedAction,
    case_slots_from_message,
    entity_value,
    latest_text,
    leave_paused,
    other_form_waiting,
    paused_forms,
    remember_case_facts,
    remember_channel,
)
from actions.forms import AnswerFormValidation
from bot.logic import assessment, messages, recommendation, vocabulary
from bot.names import Action, Form, Slot
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.understanding.facts import facts_in_text
from bot.understanding.form_answers import parse_answer

# The form's questions in the order it asks them, each with the action that asks it.
QUESTIONS = {
    Slot.CONDITION: Action.ACTION_ASK_CONDITION,
    Slot.TREATMENT: Action.ACTION_ASK_TREATMENT,
    Slot.URGENCY: Action.ACTION_ASK_URGENCY,
    Slot.DIAGNOSIS_CERTAINTY: Action.ACTION_ASK_DIAGNOSIS_CERTAINTY,
    Slot.RARE_CONDITION: Action.ACTION_ASK_RARE_CONDITION,
    Slot.NOT_IMPROVING: Action.ACTION_ASK_NOT_IMPROVING,
    Slot.INSURER_REQUIRES: Action.ACTION_ASK_INSURER_REQUIRES,
    Slot.CONFIDENCE: Action.ACTION_ASK_CONFIDENCE,
}


def answers_in_message(tracker: Tracker) -> dict[str, Any]:
    """Everything the latest message says for the assessment: named condition and treatment, and
    answers given without being asked ("surgery in 2 weeks", "the doctors disagree")."""
    facts = case_slots_from_message(tracker)
    for slot, code in facts_in_text(latest_text(tracker)).items():
        facts.setdefault(slot, code)  # a known-rare condition outranks "it's pretty common"
    return facts


def noted_words(facts: dict[str, Any]) -> str:
    """ "breast cancer, mastectomy, and that treatment starts in 1 to 4 weeks": what was noted."""
    names = [facts[k] for k in (Slot.CONDITION, Slot.TREATMENT) if facts.get(k)]
    return assessment.join_words(names + assessment.fact_words(facts))


class ActionStartAssessment(NamedAction):
    NAME = Action.ACTION_START_ASSESSMENT

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await remember_channel(tracker)
        facts = answers_in_message(tracker)
        await remember_case_facts(tracker, facts)
        relation = tracker.get_slot(Slot.RELATION)
        dispatcher.utter_message(
            text=messages.assessment_intro(vocabulary.relation_display(relation) if relation else None)
        )
        if facts:
            dispatcher.utter_message(text=messages.facts_noted(noted_words(facts)))
        return [
            *fresh_start(tracker),
            *(SlotSet(k, v) for k, v in facts.items()),
            *leave_paused(tracker, Form.ASSESSMENT_FORM),
        ]


def fresh_start(tracker: Tracker) -> list[EventType]:
    """A finished assessment's answers are cleared before another one, a paused one's are kept.

    Without this a second assessment (for another family member, or after the plan changed)
    would skip every question and repeat the old result.
    """
    if tracker.get_slot(Slot.RECOMMENDATION) is None or Form.ASSESSMENT_FORM in paused_forms(tracker):
        return []
    return [SlotSet(slot, None) for slot in (*QUESTIONS, Slot.RECOMMENDATION)]


class ValidateAssessmentForm(AnswerFormValidation):
    NAME = Action.VALIDATE_ASSESSMENT_FORM

    def parse(self, slot: str, text: str, intent: str | None, tracker: Tracker) -> Any | None:
        if slot in (Slot.CONDITION, Slot.TREATMENT):
            named = entity_value(tracker, slot)
            if named:
                return named
            if vocabulary.lookup(slot, text) is None and _answers_something_else(slot, text):
                return None
        return parse_answer(slot, text, intent)

    def extra_slots(self, slot: str, value: Any, tracker: Tracker) -> dict[str, Any]:
        if slot == Slot.CONDITION:
            mention = vocabulary.lookup(Slot.CONDITION, value)
            if mention is not None and mention.category == "rare":
                return {Slot.RARE_CONDITION: "yes"}
        return {}

    def unasked_answers(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        return answers_in_message(tracker)

    def noted(self, answers: dict[str, Any], answered: bool) -> str:
        return messages.answers_noted(noted_words(answers), answered)

    async def validate_condition(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        await remember_case_facts(tracker, {Slot.CONDITION: value})
        return {Slot.CONDITION: value}

    async def validate_treatment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        await remember_case_facts(tracker, {Slot.TREATMENT: value})
        return {Slot.TREATMENT: value}


def _answers_something_else(slot: str, text: str) -> bool:
    """Whether a reply naming no condition/treatment is about another question instead.

    Those two questions take the person's own words, so without this "my dad is terrified" would
    become the diagnosis. "It's a rare one called Kikuchi" still is one: rarity describes it.
    """
    facts = set(facts_in_text(text))
    return bool(facts - {Slot.RARE_CONDITION} if slot == Slot.CONDITION else facts)


def _ask_action(slot: str, action_name: str) -> type:
    """One `action_ask_<slot>` per question: prompts and buttons come from bot.logic.assessment."""

    class AskAssessmentQuestion(NamedAction):
        NAME = action_name

        async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
            text, buttons = assessment.question(slot, relation=tracker.get_slot(Slot.RELATION))
            dispatcher.utter_message(text=text, buttons=buttons)
            return []

    AskAssessmentQuestion.__name__ = f"ActionAsk_{slot}"
    return AskAssessmentQuestion


ASK_ACTIONS = [_ask_action(slot, action_name) for slot, action_name in QUESTIONS.items()]


class ActionAssessmentResult(NamedAction):
    """Computes, explains and stores the recommendation once the form is complete."""

    NAME = Action.ACTION_ASSESSMENT_RESULT

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        answers: dict[str, Any] = {slot: tracker.get_slot(slot) for slot in QUESTIONS}
        result = recommendation.recommend(answers)
        await run_sync(repository.save_assessment, tracker.sender_id, answers, result.level, list(result.reasons))
        await remember_channel(tracker)
        if result.emergency_note:
            dispatcher.utter_message(text=result.emergency_note)
        dispatcher.utter_message(
            text=recommendation.recommendation_message(
                result, answers[Slot.CONDITION], answers[Slot.TREATMENT], relation=tracker.get_slot(Slot.RELATION)
            )
        )
        waiting = other_form_waiting(tracker, Form.ASSESSMENT_FORM)
        if waiting:
            dispatcher.utter_message(text=waiting)
        dispatcher.utter_message(text=messages.WHAT_NEXT, buttons=messages.NEXT_STEP_BUTTONS)
        return [SlotSet(Slot.RECOMMENDATION, result.level), *leave_paused(tracker, Form.ASSESSMENT_FORM)]
