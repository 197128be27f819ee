"""The question notebook's list as the person sees it (reading lives in tests/unit/understanding)."""

from __future__ import annotations

from bot.logic import notebook


def test_format_question_list_is_numbered_and_plain() -> None:
    text = notebook.format_question_list([{"id": 7, "text": "What stage is it?"}, {"id": 9, "text": "Who pays?"}])
    assert text == "1. What stage is it?\n2. Who pays?"
    assert "*" not in text


def test_format_question_list_says_when_empty() -> None:
    assert "empty" in notebook.format_question_list([])
