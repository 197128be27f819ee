"""Journey 4: the question notebook the person takes to their appointment."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    NamedAction,
    clear_pending,
    entity_value,
    fresh_pending,
    latest_text,
    note_case,
    remember_channel,
    save_questions,
)
from bot.logic import messages, notebook, pending, suggestions, vocabulary
from bot.names import Action, Intent, Slot
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.understanding import descriptions
from bot.understanding.numbers import is_number_reference, parse_numbers
from bot.understanding.questions import extract_questions, parse_edit, tidy_question


async def show_list(
    dispatcher: CollectingDispatcher, sender_id: str, intro: str = "", buttons: list[dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    """The numbered list with what can be done with it (`buttons`, messages.LIST_BUTTONS by default)."""
    questions = await run_sync(repository.list_questions, sender_id)
    if not questions:
        dispatcher.utter_message(
            text=messages.with_intro(intro, messages.LIST_EMPTY), buttons=messages.SUGGEST_QUESTIONS_BUTTONS
        )
    else:
        text = notebook.format_question_list(questions)
        dispatcher.utter_message(
            text=messages.with_intro(intro, text), buttons=messages.LIST_BUTTONS if buttons is None else buttons
        )
    return questions


def chosen_suggestions(tracker: Tracker) -> list[str]:
    """Suggestions picked by number ("save #2", a Save button) from the list just shown."""
    offered = tracker.get_slot(Slot.SUGGESTED_QUESTIONS) or []
    picked = entity_value(tracker, "suggestion")
    numbers = [int(picked)] if picked and str(picked).isdigit() else []
    text = latest_text(tracker)
    choosing = tracker.get_slot(pending.SLOT) == pending.SAVE_SUGGESTIONS
    if not numbers and choosing and is_number_reference(text):
        numbers = parse_numbers(text)
    return [offered[n - 1] for n in numbers if 1 <= n <= len(offered)]


# The answers to the notebook's yes/no questions (actions/confirmations.py, ANSWERS).


async def save_offered_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """"Shall I save it?" after a medical question (actions/advice.py) - "yes"."""
    question = tracker.get_slot(Slot.PENDING_QUESTION)
    if question:
        await save_questions(dispatcher, tracker.sender_id, [question])
    return clear_pending()


async def still_waiting_for_the_question(dispatcher: CollectingDispatcher, _tracker: Tracker) -> list[EventType]:
    """"What's the question?" - "yes": the question is still to come."""
    dispatcher.utter_message(text=messages.TYPE_YOUR_QUESTION)
    return [SlotSet(pending.SLOT, pending.QUESTION_TEXT)]


async def save_all_suggestions(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The suggestions - "yes" (or "all of them")."""
    await save_questions(dispatcher, tracker.sender_id, tracker.get_slot(Slot.SUGGESTED_QUESTIONS) or [], "suggested")
    return [*clear_pending(), SlotSet(Slot.SUGGESTED_QUESTIONS, None)]


async def clear_all_questions(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """"Delete all N questions?" - "yes"."""
    removed = await run_sync(repository.clear_questions, tracker.sender_id)
    dispatcher.utter_message(text=messages.questions_deleted(removed))
    return clear_pending()


class ActionAddQuestion(NamedAction):
    NAME = Action.ACTION_ADD_QUESTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await remember_channel(tracker)
        chosen = chosen_suggestions(tracker)
        ready_made = entity_value(tracker, "question")  # a "Save this question" button
        texts = chosen or ([tidy_question(ready_made)] if ready_made else None)
        texts = texts or extract_questions(latest_text(tracker))
        if not texts:
            # The next message is the question (bot.logic.pending.KINDS, question_text), whatever
            # the classifier makes of it: "does tamoxifen cause hot flashes" is saved, not answered.
            dispatcher.utter_message(text=messages.ASK_FOR_QUESTION)
            return [SlotSet(pending.SLOT, pending.QUESTION_TEXT)]
        source = "suggested" if chosen or ready_made else "person"
        await save_questions(dispatcher, tracker.sender_id, texts, source)
        # Picking from the suggestions may go on ("and 4"): the choice stays open for one more turn.
        if chosen:
            return [SlotSet(pending.SLOT, pending.SAVE_SUGGESTIONS)]
        return clear_pending() if fresh_pending(tracker) == pending.QUESTION_TEXT else []


class ActionSuggestQuestions(NamedAction):
    NAME = Action.ACTION_SUGGEST_QUESTIONS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        case = await note_case(tracker)
        condition_mention = vocabulary.lookup(Slot.CONDITION, case.condition) if case.condition else None
        treatment_mention = vocabulary.lookup(Slot.TREATMENT, case.treatment) if case.treatment else None
        saved = await run_sync(repository.list_questions, tracker.sender_id)
        picks = suggestions.suggest(
            topic=entity_value(tracker, "topic"),
            condition_category=condition_mention.category if condition_mention else None,
            treatment_category=treatment_mention.category if treatment_mention else None,
            exclude=[q["text"] for q in saved],
        )
        if not picks:
            dispatcher.utter_message(text=messages.NOTHING_MORE_TO_SUGGEST)
            return []
        dispatcher.utter_message(
            text=messages.suggested_questions(suggestions.format_suggestions(picks)),
            buttons=messages.suggestion_buttons(len(picks)),
        )
        return [
            SlotSet(Slot.SUGGESTED_QUESTIONS, [p.text for p in picks]),
            SlotSet(pending.SLOT, pending.SAVE_SUGGESTIONS),
            *case.slot_events(),
        ]


class ActionListQuestions(NamedAction):
    NAME = Action.ACTION_LIST_QUESTIONS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await show_list(dispatcher, tracker.sender_id)
        return []


QUESTION_NUMBER = "question_number"  # the entity of a "Which one?" button: /remove_question{"question_number":"3"}
_TITLE_LENGTH = 60


def _picked_number(tracker: Tracker) -> int | None:
    """The list position a "Which one?" button carries, if one was pressed."""
    value = entity_value(tracker, QUESTION_NUMBER)
    return int(value) if value is not None and str(value).isdigit() else None


def _which_one(
    dispatcher: CollectingDispatcher, questions: list[dict[str, Any]], found: list[int], intent: str, verb: str
) -> None:
    """ "Which one?" with the candidates, numbered as on the list, and one button each."""
    buttons = []
    for number in found:
        title = questions[number - 1]["text"]
        title = title if len(title) <= _TITLE_LENGTH else title[: _TITLE_LENGTH - 1].rstrip() + "…"
        buttons.append({"title": title, "payload": f'/{intent}{{"{QUESTION_NUMBER}":"{number}"}}'})
    candidates = [(number, questions[number - 1]["text"]) for number in found]
    dispatcher.utter_message(text=messages.which_one(verb, candidates), buttons=buttons)


async def _not_found(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> None:
    """None fits: say so, with the list, so the person can pick by number."""
    intro = messages.not_on_list(descriptions.description_of(text))
    await show_list(dispatcher, tracker.sender_id, intro=intro, buttons=[])


class ActionRemoveQuestion(NamedAction):
    """Removes a saved question named by its number ("#2", "the second one") or its words.

    A description that fits one question removes it; one that fits several asks which; one that
    fits none shows the list. "Remove one" names no question: ask, never guess (a wrong guess
    deletes a question).
    """

    NAME = Action.ACTION_REMOVE_QUESTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = latest_text(tracker)
        picked = _picked_number(tracker)
        numbers = [picked] if picked else descriptions.positions(text)
        if not numbers and descriptions.describes_something(text):
            questions = await run_sync(repository.list_questions, tracker.sender_id)
            found = descriptions.matches(text, [question["text"] for question in questions])
            if len(found) > 1:
                _which_one(dispatcher, questions, found, Intent.REMOVE_QUESTION, "remove")
                return [SlotSet(pending.SLOT, pending.REMOVE_QUESTION)]
            if not found and questions:
                await _not_found(dispatcher, tracker, text)
                dispatcher.utter_message(text=messages.WHICH_TO_REMOVE)
                return [SlotSet(pending.SLOT, pending.REMOVE_QUESTION)]
            numbers = found
        if not numbers:
            questions = await show_list(dispatcher, tracker.sender_id, buttons=[])
            if not questions:
                return []
            dispatcher.utter_message(text=messages.WHICH_TO_REMOVE)
            return [SlotSet(pending.SLOT, pending.REMOVE_QUESTION)]
        removed, missing = await run_sync(repository.remove_questions, tracker.sender_id, numbers)
        intro = [messages.question_removed(question["text"]) for question in removed]
        if missing:
            intro.append(messages.no_such_question(missing))
        await show_list(dispatcher, tracker.sender_id, intro="\n".join(intro))
        return [SlotSet(pending.SLOT, None)]


class ActionEditQuestion(NamedAction):
    """Changes a saved question named by its number ("change 2 to: ...") or its words.

    "Change the one about the biopsy to: ..." edits the one question that fits; when several fit,
    the new words wait in `pending_question` while the person picks one with a button.
    """

    NAME = Action.ACTION_EDIT_QUESTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = latest_text(tracker)
        picked = _picked_number(tracker)
        waiting = tracker.get_slot(Slot.PENDING_QUESTION) if fresh_pending(tracker) == pending.EDIT_QUESTION else None
        if picked and waiting:
            return await self._edit(dispatcher, tracker, picked, waiting)
        parsed = parse_edit(text)
        if parsed is not None:
            return await self._edit(dispatcher, tracker, *parsed)
        by_words = descriptions.read_edit(text)
        if by_words is None:
            await show_list(dispatcher, tracker.sender_id)
            dispatcher.utter_message(text=messages.HOW_TO_EDIT)
            return []
        questions = await run_sync(repository.list_questions, tracker.sender_id)
        found = descriptions.matches(by_words.description, [question["text"] for question in questions])
        if len(found) == 1:
            return await self._edit(dispatcher, tracker, found[0], by_words.new_text)
        if found:
            _which_one(dispatcher, questions, found, Intent.EDIT_QUESTION, "change")
            return [SlotSet(pending.SLOT, pending.EDIT_QUESTION), SlotSet(Slot.PENDING_QUESTION, by_words.new_text)]
        await _not_found(dispatcher, tracker, by_words.description)
        dispatcher.utter_message(text=messages.HOW_TO_EDIT)
        return []

    @staticmethod
    async def _edit(
        dispatcher: CollectingDispatcher, tracker: Tracker, number: int, new_text: str
    ) -> list[EventType]:
        edited = await run_sync(repository.edit_question, tracker.sender_id, number, new_text)
        intro = messages.question_changed(number) if edited else messages.no_such_question([number])
        await show_list(dispatcher, tracker.sender_id, intro=intro)
        return [SlotSet(pending.SLOT, None), SlotSet(Slot.PENDING_QUESTION, None)]


class ActionClearQuestions(NamedAction):
    """Asks first: clearing a list someone built over days must never happen by accident."""

    NAME = Action.ACTION_CLEAR_QUESTIONS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        questions = await run_sync(repository.list_questions, tracker.sender_id)
        if not questions:
            dispatcher.utter_message(text=messages.LIST_ALREADY_EMPTY)
            return []
        dispatcher.utter_message(
            text=messages.delete_all_questions(len(questions)),
            buttons=messages.CLEAR_CONFIRM_BUTTONS,
        )
        return [SlotSet(pending.SLOT, pending.CLEAR_QUESTIONS)]
