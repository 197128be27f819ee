"""bot.understanding.frustration on tables of messages: who asks for a human, who is fed up."""

from __future__ import annotations

import pytest

from bot.understanding.frustration import asks_for_a_person, is_fed_up

ASKS_FOR_A_PERSON = [
    "get me a human",
    "I want to talk to a real person, now",
    "can you put me through to someone real please",
    "this is useless, let me speak with an actual human being",
    "is there a real person I can talk to?",
    "is a human available",
    "any humans here??",
    "agent",
    "human please",
    "are you a bot? I need to speak to a person",
    "connect me with an advocate",
    "i wanna chat with a live person not a machine",
]
ASKS_FOR_NOBODY = [
    "are you a real person?",
    "r u a bot",
    "how do I talk to my doctor about this",
    "I want a second opinion from another doctor",
    "my dad is a stubborn person",
    "who am I talking to",
    "can I bring someone to my appointment",
    "what is a patient advocate",
]
FED_UP = [
    "you're useless",
    "this stupid bot keeps asking the same thing",
    "wtf is this",
    "this is a waste of my time",
    "you are not helping at all",
    "you don't understand anything I say",
    "I'm sick and tired of this",
    "f***ing hell",
]
CALM = [
    "thanks, that helps",
    "what should I bring to the visit",
    "my mom is sick of the chemo side effects",
    "is it a waste to get a second opinion",
]


@pytest.mark.parametrize("text", ASKS_FOR_A_PERSON)
def test_a_request_for_a_human_is_read_in_any_words(text: str) -> None:
    assert asks_for_a_person(text)


@pytest.mark.parametrize("text", ASKS_FOR_NOBODY)
def test_a_question_about_the_bot_or_a_doctor_asks_for_nobody(text: str) -> None:
    assert not asks_for_a_person(text)


@pytest.mark.parametrize("text", FED_UP)
def test_insults_swearing_and_complaints_about_the_bot_are_fed_up(text: str) -> None:
    assert is_fed_up(text)


@pytest.mark.parametrize("text", CALM)
def test_calm_messages_are_not_fed_up(text: str) -> None:
    assert not is_fed_up(text)


@pytest.mark.parametrize(
    "text",
    [
        "add to my list: will I need someone to drive me after the procedure?",
        "how do I tell my oncologist I want someone else to look at the scans",
        "my surgeon is lovely but I'd like someone at a teaching hospital to see the MRI first",
        "we want a specialist in another city to go over her pathology, how do we ask for that?",
        "I need somebody from a bigger cancer program to weigh in before chemo starts",
    ],
)
def test_someone_for_another_job_is_not_a_request_for_a_person_here(text: str) -> None:
    assert not asks_for_a_person(text)
