"""Removing and changing a saved question by what it says, or by its number.

Real rasa-sdk trackers and a real SQLite database per test.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.notebook import ActionEditQuestion, ActionRemoveQuestion
from bot.persistence import repository
from tests.actions.conftest import bot_turn, make_tracker, slot_events, texts

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("database")]

SAVED = [
    "Do I need surgery at all?",
    "What are the risks of surgery at my age?",
    "Is stage 2 curable with chemotherapy alone?",
    "Who will read my biopsy slides?",
]


@pytest.fixture(autouse=True)
def saved_questions(database: str) -> None:
    repository.add_questions("person-1", SAVED)


async def run(action: Any, tracker: Tracker, domain: dict) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher, events


def saved() -> list[str]:
    return [question["text"] for question in repository.list_questions("person-1")]


async def test_remove_by_description_removes_the_one_question_that_fits(domain: dict) -> None:
    tracker = make_tracker("take off the one about whether I even need surgery", "remove_question")

    dispatcher, events = await run(ActionRemoveQuestion(), tracker, domain)

    assert saved() == SAVED[1:]
    assert 'Removed: "Do I need surgery at all?"' in texts(dispatcher)
    assert slot_events(events)["pending_confirmation"] is None


async def test_stage_2_in_a_description_is_not_question_2(domain: dict) -> None:
    dispatcher, _ = await run(ActionRemoveQuestion(), make_tracker("delete the stage 2 one", "remove_question"), domain)

    assert saved() == [SAVED[0], SAVED[1], SAVED[3]]
    assert 'Removed: "Is stage 2 curable with chemotherapy alone?"' in texts(dispatcher)


@pytest.mark.parametrize(("text", "gone"), [("remove #2", 1), ("delete the fourth one", 3), ("remove question 1", 0)])
async def test_a_number_still_picks_by_position(domain: dict, text: str, gone: int) -> None:
    await run(ActionRemoveQuestion(), make_tracker(text, "remove_question"), domain)

    assert saved() == [q for index, q in enumerate(SAVED) if index != gone]


async def test_two_that_fit_get_which_one_with_buttons_and_the_button_removes_it(domain: dict) -> None:
    dispatcher, events = await run(
        ActionRemoveQuestion(), make_tracker("remove the question about surgery", "remove_question"), domain
    )

    assert saved() == SAVED, "nothing removed on a guess"
    [question] = dispatcher.messages
    assert question["text"].startswith("More than one question fits. Which one should I remove?")
    assert "1. Do I need surgery at all?" in question["text"] and "2. What are the risks" in question["text"]
    assert [b["payload"] for b in question["buttons"]] == [
        '/remove_question{"question_number":"1"}',
        '/remove_question{"question_number":"2"}',
    ]
    asked = slot_events(events)
    assert asked == {"pending_confirmation": "remove_question"}

    pressed = make_tracker(
        question["buttons"][1]["payload"],
        "remove_question",
        entities=[{"entity": "question_number", "value": "2"}],
        slots=asked,
        history=bot_turn(asked),
    )
    await run(ActionRemoveQuestion(), pressed, domain)
    assert saved() == [SAVED[0], SAVED[2], SAVED[3]]


async def test_none_that_fits_says_so_and_shows_the_list(domain: dict) -> None:
    dispatcher, events = await run(
        ActionRemoveQuestion(), make_tracker("delete the one about parking", "remove_question"), domain
    )

    assert saved() == SAVED
    assert 'I couldn\'t find a question about "parking" on your list.' in texts(dispatcher)
    assert "4. Who will read my biopsy slides?" in texts(dispatcher)
    assert slot_events(events) == {"pending_confirmation": "remove_question"}


async def test_change_by_description_edits_that_question(domain: dict) -> None:
    tracker = make_tracker(
        "change the one about the biopsy to: can a second pathologist read my slides?", "edit_question"
    )

    dispatcher, _ = await run(ActionEditQuestion(), tracker, domain)

    assert saved()[3] == "Can a second pathologist read my slides?"
    assert saved()[:3] == SAVED[:3]
    assert "Changed question 4." in texts(dispatcher)


async def test_change_when_two_fit_keeps_the_new_words_until_one_is_picked(domain: dict) -> None:
    tracker = make_tracker(
        "edit the surgery question to say what are the other options besides surgery", "edit_question"
    )

    dispatcher, events = await run(ActionEditQuestion(), tracker, domain)

    assert saved() == SAVED
    [question] = dispatcher.messages
    assert [b["payload"] for b in question["buttons"]] == [
        '/edit_question{"question_number":"1"}',
        '/edit_question{"question_number":"2"}',
    ]
    asked = slot_events(events)
    pressed = make_tracker(
        question["buttons"][0]["payload"],
        "edit_question",
        entities=[{"entity": "question_number", "value": "1"}],
        slots=asked,
        history=bot_turn(asked),
    )
    await run(ActionEditQuestion(), pressed, domain)
    assert saved()[0] == "What are the other options besides surgery?"
    assert saved()[1:] == SAVED[1:]


async def test_change_by_number_still_works(domain: dict) -> None:
    await run(ActionEditQuestion(), make_tracker("change 3 to: is stage 2 curable?", "edit_question"), domain)

    assert saved()[2] == "Is stage 2 curable?"


async def test_change_of_a_question_that_is_not_there_says_so(domain: dict) -> None:
    dispatcher, _ = await run(
        ActionEditQuestion(),
        make_tracker("change the one about insurance to: does my plan pay?", "edit_question"),
        domain,
    )

    assert saved() == SAVED
    assert 'I couldn\'t find a question about "insurance" on your list.' in texts(dispatcher)
