"""What counts as asking for a text, which phone numbers we accept, and the wording people get."""

from __future__ import annotations

from datetime import date

from bot.channels import sms_format
from bot.logic import sharing


def test_numbers_are_read_back_the_us_way() -> None:
    assert sharing.display_phone("+14155550123") == "(415) 555-0123"
    assert sharing.display_phone("+447911123456") == "+447911123456"


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
