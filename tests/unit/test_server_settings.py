"""bot.servers.settings.env_number: a numeric setting read the same way wherever it is read."""

from __future__ import annotations

import pytest

from bot.servers.settings import env_number


@pytest.mark.parametrize(
    ("environ", "parse", "expected"),
    [
        ({}, int, 7),
        ({"N": ""}, int, 7),
        ({"N": "  "}, int, 7),
        ({"N": " 12 "}, int, 12),
        ({"N": "-3"}, int, -3),  # the bound is the caller's to check
        ({"N": "0"}, int, 0),
        ({"N": "2.5"}, float, 2.5),
        ({"N": "30"}, float, 30.0),
    ],
)
def test_a_set_number_or_the_default(environ: dict[str, str], parse: type, expected: float) -> None:
    assert env_number(environ, "N", 7, parse) == expected


@pytest.mark.parametrize(
    ("raw", "parse", "message"),
    [
        ("many", int, "N must be a whole number, got 'many'"),
        ("2.5", int, "N must be a whole number, got '2.5'"),
        ("soon", float, "N must be a number, got 'soon'"),
    ],
)
def test_a_value_that_is_not_a_number_is_refused_by_name(raw: str, parse: type, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        env_number({"N": raw}, "N", 7, parse)
    assert str(refused.value) == message
