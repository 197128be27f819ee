"""Medical questions become questions for the doctors; the bot itself never advises."""

from __future__ import annotations

import pytest

from bot.logic import advice


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("should I do chemo?", "Is chemotherapy the best option for me, and what are the alternatives?"),
        ("is my cancer curable?", "What is the goal of my treatment — cure or control — and what are my chances?"),
        (
            "is surgery better than radiation for me?",
            "What are the benefits and risks of surgery compared with radiation for me?",
        ),
        (
            "Should i get surgery or radiation",
            "What are the benefits and risks of surgery compared with radiation for me?",
        ),
        (
            "is surgery or radiation better",
            "What are the benefits and risks of surgery compared with radiation for me?",
        ),
        ("chemo vs radiation", "What are the benefits and risks of chemotherapy compared with radiation for me?"),
        (
            "do you think I should do chemo first?",
            "Is it best for me to do chemotherapy first, and what are the alternatives?",
        ),
        (
            "can you tell me if I should have the mastectomy",
            "Is the mastectomy the best option for me, and what are the alternatives?",
        ),
        ("should I take Keytruda", "Is Keytruda the best option for me, and what are the alternatives?"),
        (
            "should I stop taking tamoxifen",
            "Is it safe for me to stop or skip tamoxifen, and what would happen if I did?",
        ),
        ("do I really need a biopsy", "Why do I need a biopsy, and what would happen if I said no?"),
        (
            "can I wait a few months",
            "How long can I safely wait before starting treatment, and is there time for a second opinion?",
        ),
        (
            "which hospital is better for me",
            "Which hospitals or specialists have the most experience with my condition?",
        ),
        ("which treatment is best for me", "Which treatment do you recommend for me, and why?"),
        ("what would you do", "If you were in my place, what would you do, and why?"),
        ("what should i do", "What do I need to do, and why is it important for me to do this?"),
        ("is it serious", "How serious is my condition, and what does it mean for me?"),
        ("is the surgery safe", "How safe is the surgery for me, and what are the risks?"),
        ("what stage is my cancer", "What is the stage of my cancer, and what does it mean for my treatment?"),
        ("do I have cancer", "Could this be cancer, and what tests would show it for sure?"),
        ("tell me if it is cancer", "Could this be cancer, and what tests would show it for sure?"),
        ("will I survive this", "What is the goal of my treatment — cure or control — and what are my chances?"),
        (
            "should I get a second opinion?",
            "Would a second opinion help in my situation, and is there time to get one?",
        ),
    ],
)
def test_reframe_as_question(message: str, expected: str) -> None:
    assert advice.reframe_as_question(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("is it normal to feel tired after chemo", "Is it normal to feel tired after chemotherapy?"),
        ("hey bot, what do you think about keto for cancer", "What do you think about keto for cancer?"),
        ("do you think the scan was read right", "Do you think the scan was read right?"),
        ("is the tumor growing", "Is the tumor growing?"),
        ("can i keep working", "Can I keep working?"),
    ],
)
def test_fallback_keeps_the_persons_own_question(message: str, expected: str) -> None:
    assert advice.reframe_as_question(message) == expected


@pytest.mark.parametrize("message", ["", "   ", "???", "hey"])
def test_empty_input_gives_a_general_question(message: str) -> None:
    assert advice.reframe_as_question(message) == "What is my main problem, and what do I need to do?"


@pytest.mark.parametrize(
    "message",
    ["should I do chemo?", "is my cancer curable?", "is surgery better than radiation", "what should I do", "ok"],
)
def test_reframed_questions_never_give_advice(message: str) -> None:
    question = advice.reframe_as_question(message)
    assert question.endswith("?")
    assert question[0].isupper()
    for advice_phrase in ("you should", "I recommend", "I think", "I suggest"):
        assert advice_phrase not in question


def test_no_advice_message_explains_why_kindly() -> None:
    text = advice.NO_ADVICE_MESSAGE
    assert "not a doctor" in text
    assert "full history" in text
    assert "doctors are for" in text
    assert "{" not in text
    assert "emergency" not in text.lower()
