"""The refusal of medical advice (reading the requests: tests/unit/understanding/test_advice.py)."""

from __future__ import annotations

from bot.logic import advice


def test_no_advice_message_explains_why_kindly() -> None:
    text = advice.NO_ADVICE_MESSAGE
    assert "not a doctor" in text
    assert "full history" in text
    assert "doctors are for" in text
    assert "{" not in text
    assert "emergency" not in text.lower()
