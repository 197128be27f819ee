"""Short replies read whole: a bare agreement, a request to leave the form."""

from __future__ import annotations

import pytest

from bot.understanding import replies


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("ok", True),
        ("k", True),
        ("kk", True),
        ("okay", True),
        ("okie", True),
        ("sure", True),
        ("ok please", True),
        ("Sounds good!", True),
        ("yes pls", True),
        ("yeah thanks", True),
        ("go ahead", True),
        ("do it", True),
        ("all right, thank you", True),
        ("ok bye", False),
        ("hmm", False),
        ("no", False),
        ("ok but what does it cost?", False),
        ("", False),
    ],
)
def test_is_bare_ok(reply: str, expected: bool) -> None:
    assert replies.is_bare_ok(reply) is expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("forget about the letter", True),
        ("ok stop the quiz please", True),
        ("cancel this", True),
        ("never mind", True),
        ("nvm", True),
        ("stop", True),
        ("actually cancel the records request for now", True),
        ("Stop & Shop pharmacy on Main St", False),
        ("stop asking me about my insurance, I have Aetna", False),
        ("Dr. Pause at Mercy", False),
    ],
)
def test_says_leave_form(message: str, expected: bool) -> None:
    assert replies.says_leave_form(message) is expected
