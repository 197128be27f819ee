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
        ("yah", True),
        ("yup, thank you", True),
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


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("STOP", "stop"),
        (" stop ", "stop"),
        ("Unsubscribe", "stop"),
        ("cancel", "stop"),
        ("START", "start"),
        ("unstop", "start"),
        ("yes", "start"),  # Twilio's opt-in word; the channel only treats it so after a STOP
        ("HELP", "help"),
        ("info", "help"),
        ("please stop asking", None),
        ("help me decide", None),
        ("hi", None),
    ],
)
def test_keywords_are_whole_messages_like_twilio(text: str, word: str | None) -> None:
    assert replies.carrier_keyword(text) == word


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Yes, save it!", "yes save it"),
        ("  Print /  share ", "print share"),
        ("No thanks.", "no thanks"),
        ("???", ""),
    ],
)
def test_words_of(text: str, words: str) -> None:
    assert replies.words_of(text) == words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("idk", True),
        ("no clue", True),
        ("they didn't say", True),
        ("can't remember", True),
        ("not 100% sure", True),
        ("still waiting", True),
        ("Mercy General", False),
        ("yes", False),
        ("surely", False),
    ],
)
def test_says_not_sure(text: str, expected: bool) -> None:
    assert replies.says_not_sure(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"),
        ("Yeah I think so", "yes"),
        ("yah", "yes"),
        ("y", "yes"),
        ("definitely", "yes"),
        ("nope", "no"),
        ("naw", "no"),
        ("not really", "no"),
        ("don't think so", "no"),
        ("yes, no doubt", "yes"),  # the first one said wins
        ("no, yes", "no"),
        ("Mercy General", None),
    ],
)
def test_yes_or_no(text: str, expected: str | None) -> None:
    assert replies.yes_or_no(text) == expected
