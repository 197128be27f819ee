"""Numbers in free text: the items a reply picks, "all of them", a button's number."""

from __future__ import annotations

import re

import pytest

from bot.understanding import numbers


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("2", 2),
        ("#3", 3),
        ("question 2", 2),
        ("delete question 4", 4),
        ("the second one", 2),
        ("number three", 3),
        ("first", 1),
        ("q2", 2),
        ("the 3rd", 3),
        ("delete that one", None),
        ("remove the one about my second opinion", None),
        ("remove a question", None),
    ],
)
def test_parse_number(message: str, expected: int | None) -> None:
    assert numbers.parse_number(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("1 and 3", [1, 3]),
        ("1,2", [1, 2]),
        ("one and three", [1, 3]),
        ("questions 2, 4 & 5", [2, 4, 5]),
        ("2-4", [2, 3, 4]),
        ("1 to 3", [1, 2, 3]),
        ("2 and 2", [2]),
        ("all", []),
    ],
)
def test_parse_numbers(message: str, expected: list[int]) -> None:
    assert numbers.parse_numbers(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("all", True),
        ("delete all of them", True),
        ("everything", True),
        ("clear the whole list", True),
        ("not all of them", False),
        ("1 and 3", False),
    ],
)
def test_wants_all(message: str, expected: bool) -> None:
    assert numbers.wants_all(message) is expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("1 and 3", True),
        ("save #2", True),
        ("the first and third", True),
        ("numbers 2, 4 please", True),
        ("yes 1-3", True),
        ("yup 2 and 4", True),
        ("is stage 2 curable?", False),
        ("how long is recovery", False),
        ("all", False),
    ],
)
def test_is_number_reference(message: str, expected: bool) -> None:
    assert numbers.is_number_reference(message) is expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("all of them", True),
        ("both", True),
        ("save them all pls", True),
        ("everything", True),
        ("delete all my data", False),
        ("are all of them free?", False),
        ("not all of them", False),
        ("2", False),
        ("", False),
    ],
)
def test_is_pick_of_all(message: str, expected: bool) -> None:
    assert numbers.is_pick_of_all(message) is expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("2", 2),
        ("#2", 2),
        ("two", 2),
        ("Two.", 2),
        ("option 3", 3),
        ("number two", 2),
        ("no. 1", 1),
        ("choice 1!", 1),
        ("second", 2),
        ("tenth", 10),
        ("2nd", 2),
        ("5th", 5),
        ("12", 12),
        # Only these words count, and only the whole reply.
        ("eleven", None),
        ("6th", None),
        ("2 more questions", None),
        ("yes", None),
        ("", None),
    ],
)
def test_choice_number(reply: str, expected: int | None) -> None:
    assert numbers.choice_number(reply) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("2 weeks", 14),
        ("a couple of months", 60),
        ("a few days", 3),
        ("one yr", 365),
        ("twelve wks", 84),
        ("an hour", None),
        ("thirteen weeks", None),
    ],
)
def test_duration_days(text: str, days: int | None) -> None:
    match = re.search(rf"\b{numbers.DURATION_PATTERN}", text, re.IGNORECASE)
    assert (numbers.duration_days(match) if match else None) == days
