"""Button payloads sent as text: recognised, and the bot's own ones unpacked."""

from __future__ import annotations

import pytest

from bot.understanding import payloads


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/affirm", True),
        ("  /deny  ", True),
        ('/inform{"urgency":"weeks"}', True),
        ("/faq/what_is_second_opinion", True),
        ("/greet@0.9", True),
        ("/ I can't breathe", False),
        ("/help me please", False),
        ("help /affirm", False),
        ("", False),
        (None, False),
    ],
)
def test_is_button_payload(text: str | None, expected: bool) -> None:
    assert payloads.is_button_payload(text) is expected


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("/request_records", ("request_records", {})),
        ('/inform{"urgency": "weeks"}', ("inform", {"urgency": "weeks"})),
        ('/add_question{"question": "Is it\\nsafe?"}', ("add_question", {"question": "Is it\nsafe?"})),
    ],
)
def test_parse_button_payload(payload: str, expected: tuple[str, dict[str, str]]) -> None:
    assert payloads.parse_button_payload(payload) == expected


@pytest.mark.parametrize("payload", ["request records", "/faq/what_is", "affirm", "/"])
def test_parse_button_payload_rejects_anything_else(payload: str) -> None:
    with pytest.raises(ValueError, match="not a button payload"):
        payloads.parse_button_payload(payload)
