"""The crisis and emergency replies (reading the risk: tests/unit/understanding/test_risk.py)."""

from __future__ import annotations

from bot.logic.safety import CRISIS_MESSAGE, EMERGENCY_MESSAGE


def test_crisis_message_gives_988_first_then_911_and_a_human() -> None:
    first_sentence = CRISIS_MESSAGE.split(".")[0]
    assert "988" in first_sentence and "text" in first_sentence
    assert "911" in CRISIS_MESSAGE
    assert "24/7" in CRISIS_MESSAGE
    assert "human advocate" in CRISIS_MESSAGE


def test_emergency_message_says_911_now_and_not_to_wait() -> None:
    assert EMERGENCY_MESSAGE.startswith("This sounds like a medical emergency. Call 911 now")
    assert "Don't wait for a second opinion" in EMERGENCY_MESSAGE
