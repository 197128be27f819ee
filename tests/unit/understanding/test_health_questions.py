"""Everyday health questions (bot.understanding.health_questions): which messages get the boundary."""

from __future__ import annotations

import pytest

from bot.understanding.health_questions import is_health_question, is_question

HEALTH_QUESTIONS = [
    "is it normal to feel dizzy after starting metoprolol?",
    "what does a potassium level of 5.9 mean",
    "can i drink wine while on antibiotics",
    "how do you get rid of shingles pain",
    "Does high blood pressure run in families?",
    "hi, quick question - whats a normal resting heart rate for a 70 yr old",
    "I was wondering if swimming is ok after a knee replacement",
    "why do my ankles swell at night",
    "what is fibromyalgia",
    "can you explain what neuropathy is",
    "my husband has gout. what foods should he avoid?",
    "are flu shots safe when you're pregnant",
    "how long does it take to recover from a hernia operation",
]
NOT_HEALTH_QUESTIONS = [
    # statements, not questions
    "my mother was diagnosed with lupus last week",
    "thanks, that helps",
    # questions the bot's journeys and FAQs answer
    "should i get a second opinion on my prostate cancer?",
    "does insurance cover another doctor looking at my scans",
    "how do I get copies of my records from the hospital?",
    "how long can i wait before starting treatment?",
    "what should I ask my oncologist about chemo?",
    "can you save a question about side effects to my list",
    "how do I find a specialist for a rare sarcoma?",
    "can I talk to a real person about my bill",
    # questions with nothing about health
    "what time is it in London",
    "who won the game last night?",
]


@pytest.mark.parametrize("text", HEALTH_QUESTIONS)
def test_health_questions_are_recognised(text: str) -> None:
    assert is_health_question(text)


@pytest.mark.parametrize("text", NOT_HEALTH_QUESTIONS)
def test_other_messages_are_not(text: str) -> None:
    assert not is_health_question(text)


def test_a_condition_the_vocabulary_found_makes_a_question_about_health() -> None:
    assert not is_health_question("what is lupus")
    assert is_health_question("what is lupus", entity_types={"condition"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("is this bad", True), ("Hey so how does that work", True), ("i'm wondering why", True),
     ("my knee hurts", False), ("tell me about it?", True), ("this is what happened", False)],
)
def test_question_shape(text: str, expected: bool) -> None:
    assert is_question(text) is expected
