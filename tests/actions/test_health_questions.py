"""Health questions get the advocate's answer: why not, who can, and the question saved.

Real rasa-sdk trackers, the real vocabulary pipeline and a real SQLite database per test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionNoMedicalAdvice
from actions.confirmations import ActionConfirmPending
from bot.logic import advice
from bot.persistence import repository
from tests.actions.conftest import bot_turn, make_tracker, slot_events, texts

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("database")]
RULES_FILE = Path(__file__).resolve().parents[2] / "data" / "stories" / "core.yml"


async def run(action: Any, tracker: Tracker, domain: dict) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher, events


async def test_a_story_then_a_question_saves_only_the_question_in_their_words(domain: dict) -> None:
    message = (
        "My sister was told she has a blood clot in her leg two weeks ago. The hospital put her on "
        "apixaban. She's flying to see our mum at Christmas. Can she still fly while she's on it?"
    )
    dispatcher, events = await run(ActionNoMedicalAdvice(), make_tracker(message, "medical_advice"), domain)

    boundary, offer = dispatcher.messages
    assert "can't answer it" in boundary["text"] and "not a doctor" in boundary["text"]
    assert "your doctors" in boundary["text"] and "pharmacist" in boundary["text"]
    assert '"Can she still fly while she\'s on it?"' in offer["text"]
    assert "Christmas" not in offer["text"]
    slots = slot_events(events)
    assert slots == {
        "pending_question": "Can she still fly while she's on it?",
        "pending_confirmation": "save_question",
    }

    yes = make_tracker("yes", "affirm", slots=slots, history=bot_turn(slots))
    await run(ActionConfirmPending(), yes, domain)
    assert [q["text"] for q in repository.list_questions("person-1")] == ["Can she still fly while she's on it?"]


async def test_a_question_not_about_a_medicine_names_the_doctor_only(domain: dict) -> None:
    dispatcher, events = await run(
        ActionNoMedicalAdvice(), make_tracker("does arthritis in the knees run in families", "medical_advice"), domain
    )

    assert "pharmacist" not in texts(dispatcher)
    assert "doctors" in dispatcher.messages[0]["text"]
    assert slot_events(events)["pending_question"] == "Does arthritis in the knees run in families?"


@pytest.mark.parametrize(
    "message",
    ["can I take my statin with grapefruit juice", "is it ok to skip my blood pressure pills on the weekend",
     "my son's on amoxicillin, can he go back to school tomorrow?"],
)  # fmt: skip
async def test_a_medicine_question_also_points_to_the_pharmacist(domain: dict, message: str) -> None:
    dispatcher, _ = await run(ActionNoMedicalAdvice(), make_tracker(message, "medical_advice"), domain)

    assert advice.PHARMACIST_NOTE in dispatcher.messages[0]["text"]


async def test_mid_form_the_question_sentence_is_saved_and_the_form_goes_on(domain: dict) -> None:
    message = "They found a shadow on his liver scan last week. Could it be something serious?"
    tracker = make_tracker(message, "medical_advice", active_loop="assessment_form")

    dispatcher, events = await run(ActionNoMedicalAdvice(), tracker, domain)

    assert events == []
    saved = [q["text"] for q in repository.list_questions("person-1")]
    assert len(saved) == 1 and "shadow" not in saved[0] and saved[0].endswith("?")
    assert "back to where we were" in texts(dispatcher)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Mum is 82 and has had diabetes for years. Her feet are numb now. Is that from the sugar?",
         "Is that from the sugar?"),
        ("what is sleep paralysis", "What is sleep paralysis?"),
        ("I had a colonoscopy last year. They found polyps. How often should I have another one?",
         "How often should I have another one?"),
    ],
)  # fmt: skip
def test_the_question_to_save_is_the_asking_sentence(message: str, expected: str) -> None:
    assert advice.question_to_save(message) == expected


def test_off_topic_gets_an_honest_outside_and_the_menu(domain: dict) -> None:
    [reply] = domain["responses"]["utter_out_of_scope"]
    assert "outside what I can help with" in reply["text"]
    rules = yaml.safe_load(RULES_FILE.read_text())["rules"]
    [rule] = [r for r in rules if r["steps"][0] == {"intent": "out_of_scope"}]
    assert rule["steps"][1:] == [{"action": "utter_out_of_scope"}, {"action": "utter_menu"}]
