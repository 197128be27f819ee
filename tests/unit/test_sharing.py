"""What counts as asking for a text, which phone numbers we accept, and the wording people get."""

from __future__ import annotations

from datetime import date

import pytest

from bot.channels import sms_format
from bot.logic import sharing


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
    assert sharing.parse_phone_number(text) == expected


def test_numbers_are_read_back_the_us_way() -> None:
    assert sharing.display_phone("+14155550123") == "(415) 555-0123"
    assert sharing.display_phone("+447911123456") == "+447911123456"


@pytest.mark.parametrize(
    "text",
    ["text me my questions", "txt the list 2 me", "sms me the list", "send the questions to my phone",
     "send my questions to my cell", "could you message the questions to my mobile", "texting works best"],
)  # fmt: skip
def test_asking_for_a_text(text: str) -> None:
    assert sharing.wants_text_message(text)


@pytest.mark.parametrize(
    "text",
    ["print my list", "can I get a pdf", "/print_questions", "can I get a pdf on my phone", "email me my questions",
     "download my questions to my phone", "share my question list"],
)  # fmt: skip
def test_paper_pdf_and_links_are_not_texts(text: str) -> None:
    assert not sharing.wants_text_message(text)


@pytest.mark.parametrize("text", ["not now", "No thanks", "nah", "never mind", "cancel", "maybe later", "don't"])
def test_not_now(text: str) -> None:
    assert sharing.is_not_now(text)


@pytest.mark.parametrize("text", ["415-555-0123", "now is fine", "my number? sure"])
def test_not_not_now(text: str) -> None:
    assert not sharing.is_not_now(text)


def test_links_never_carry_more_than_the_token() -> None:
    assert sharing.page_url("https://advocate.example.org/", "tok") == "https://advocate.example.org/my-questions/tok"
    assert sharing.pdf_url("https://advocate.example.org", "tok") == "https://advocate.example.org/my-questions/tok.pdf"


def test_long_date() -> None:
    assert sharing.long_date(date(2026, 3, 5)) == "March 5, 2026"


def questions(*texts: str) -> list[dict[str, object]]:
    return [{"id": i, "text": text} for i, text in enumerate(texts, start=1)]


def test_a_long_list_is_cut_for_a_text_and_says_how_many_wait_behind_the_link() -> None:
    many = questions(*[f"Question number {n} about my treatment and what happens next?" for n in range(1, 41)])
    compact = sharing.compact_list(many)
    assert compact.startswith("1. Question number 1 ")
    assert len(compact) <= sharing.TEXT_BUDGET + 40
    shown = compact.count("\n")  # the lines before "...and N more"
    assert compact.endswith(f"...and {40 - shown} more at the link below.")


def test_a_short_list_is_texted_whole() -> None:
    assert sharing.compact_list(questions("Is it curable?", "How long is recovery?")) == (
        "1. Is it curable?\n2. How long is recovery?"
    )


def test_chat_reply_has_the_list_and_both_links() -> None:
    reply = sharing.chat_reply(questions("Is it curable?"), "https://x/my-questions/t", "https://x/my-questions/t.pdf")
    assert "1 question)" in reply and "1. Is it curable?" in reply
    assert "[Open a printable page](https://x/my-questions/t)" in reply
    assert "[download a PDF](https://x/my-questions/t.pdf)" in reply


def test_the_sms_reply_is_compact_with_one_plain_link() -> None:
    reply = sharing.sms_reply(questions("Is it curable?", "How long is recovery?"), "https://x/my-questions/t")
    assert "Your 2 questions:" in reply
    assert "https://x/my-questions/t " in reply and "](" not in reply
    assert sms_format.segment_count(sms_format.plain_text(reply)) <= sms_format.MAX_SEGMENTS


def test_a_texted_list_says_who_sends_it_and_how_to_stop() -> None:
    text = sharing.texted_list(questions("Is it curable?"), "https://x/my-questions/t")
    assert text.startswith("Second Opinion Advocate:")
    assert "https://x/my-questions/t" in text
    assert text.endswith("Reply STOP to opt out.")
