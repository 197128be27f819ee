"""The sharing journey's replies read from free text: a text wanted, "not now", a phone number."""

from __future__ import annotations

import pytest

from bot.understanding import sharing as reading


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("415-555-0123", "+14155550123"),
        ("(415) 555 0123", "+14155550123"),
        ("4155550123", "+14155550123"),
        ("1 415 555 0123", "+14155550123"),
        ("+1 (415) 555-0123", "+14155550123"),
        ("my number is 415.555.0123 thanks", "+14155550123"),
        ("text it to my daughter at (212) 555-0147 please", "+12125550147"),
        ("+44 7911 123456", "+447911123456"),  # E.164 with its country code
        ("555-0123", None),  # too short: no area code
        ("015-555-0123", None),  # no US area code starts with 0 or 1
        ("415-155-0123", None),  # nor an exchange
        ("+1 415 555 012", None),
        ("7911 123456", None),  # abroad needs the +
        ("+0 123 456 789", None),
        ("not now", None),
        ("", None),
    ],
)
def test_phone_numbers_are_read_however_people_type_them(text: str, expected: str | None) -> None:
    assert reading.parse_phone_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["text me my questions", "txt the list 2 me", "sms me the list", "send the questions to my phone",
     "send my questions to my cell", "could you message the questions to my mobile", "texting works best"],
)  # fmt: skip
def test_asking_for_a_text(text: str) -> None:
    assert reading.wants_text_message(text)


@pytest.mark.parametrize(
    "text",
    ["print my list", "can I get a pdf", "/print_questions", "can I get a pdf on my phone", "email me my questions",
     "download my questions to my phone", "share my question list"],
)  # fmt: skip
def test_paper_pdf_and_links_are_not_texts(text: str) -> None:
    assert not reading.wants_text_message(text)


@pytest.mark.parametrize("text", ["not now", "No thanks", "nah", "never mind", "cancel", "maybe later", "don't"])
def test_not_now(text: str) -> None:
    assert reading.is_not_now(text)


@pytest.mark.parametrize("text", ["415-555-0123", "now is fine", "my number? sure"])
def test_not_not_now(text: str) -> None:
    assert not reading.is_not_now(text)
