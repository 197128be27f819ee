"""SMS text rules: segments (GSM-7 vs UCS-2), sentence splitting, numbered choices, keywords."""

from __future__ import annotations

import pytest

from bot.channels import sms_format as sms

BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": '/inform{"diagnosis_certainty":"not_sure"}'},
]


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),  # 153 per segment once split
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("{" * 80, 1),  # extended GSM characters take two septets
        ("{" * 81, 2),
        ("é" * 160, 1),  # é is in GSM-7's basic table
        ("ł" * 70, 1),  # ł is not: UCS-2
        ("ł" * 71, 2),
        ("😀" * 35, 1),  # an emoji is two UTF-16 units
        ("😀" * 36, 2),
    ],
)
def test_segment_count_follows_the_encoding(text: str, segments: int) -> None:
    assert sms.segment_count(text) == segments


def test_an_escape_pair_is_never_split_across_segments() -> None:
    # 152 plain characters, then "{" (2 septets) does not fit the first 153-septet segment.
    text = "a" * 152 + "{" + "a" * 10
    assert sms.segment_count(text) == 2
    assert sms.segment_count("a" * 152 + "{" + "a" * 152) == 3


def test_typography_is_made_gsm7_so_a_curly_quote_does_not_halve_the_message() -> None:
    original = "You\u2019re not alone \u2014 it\u2019s \u201cnormal\u201d\u2026"
    assert sms.encoding(original) == "UCS-2"
    plain = sms.plain_text(original)
    assert plain == "You're not alone - it's \"normal\"..."
    assert sms.encoding(plain) == "GSM-7"


def test_markdown_becomes_plain_text() -> None:
    text = "**Medicare** covers it. See [Medicare.gov](https://www.medicare.gov).\n* first\n* second\n## Next"
    assert sms.plain_text(text) == (
        "Medicare covers it. See Medicare.gov: https://www.medicare.gov.\n- first\n- second\nNext"
    )
    assert sms.plain_text("2*3*4 stays") == "2*3*4 stays"


def test_a_short_reply_is_one_message() -> None:
    assert sms.split_message("Hi! I'm a virtual advocate.") == ["Hi! I'm a virtual advocate."]


def test_a_long_reply_is_split_between_sentences_within_three_segments() -> None:
    sentences = [f"Sentence number {n} explains one more thing about second opinions." for n in range(20)]
    text = " ".join(sentences)

    messages = sms.split_message(text)

    assert len(messages) > 1
    assert all(sms.segment_count(m) <= 3 for m in messages)
    assert " ".join(messages) == text  # nothing lost, nothing reordered
    assert all(m.endswith(".") for m in messages)  # every cut is at a sentence end


def test_unicode_text_is_split_with_the_smaller_ucs2_budget() -> None:
    text = " ".join(["Ból i strach są normalne 😊."] * 20)
    messages = sms.split_message(text)
    assert all(sms.encoding(m) == "UCS-2" and sms.segment_count(m) <= 3 for m in messages)
    assert " ".join(messages) == text


def test_a_sentence_longer_than_three_segments_is_cut_between_words() -> None:
    text = " ".join(["word"] * 200)  # ~1000 characters, no sentence end
    messages = sms.split_message(text)
    assert all(sms.segment_count(m) <= 3 for m in messages)
    assert " ".join(messages) == text


def test_paragraph_breaks_are_kept_inside_a_message() -> None:
    assert sms.split_message("First part.\n\nSecond part.") == ["First part.\n\nSecond part."]


def test_buttons_become_numbered_choices_in_the_same_message() -> None:
    [message] = sms.render_with_buttons("Is your doctor sure about the diagnosis?", BUTTONS)
    assert message == "Is your doctor sure about the diagnosis?\n1. Yes\n2. No\n3. Not sure\nReply 1, 2 or 3."


def test_choices_stay_with_the_end_of_a_long_question() -> None:
    text = " ".join(f"Background sentence {n} about the decision ahead of you." for n in range(25))
    text += " How soon is treatment supposed to start?"
    messages = sms.render_with_buttons(text, BUTTONS)
    assert len(messages) > 1
    assert all(sms.segment_count(m) <= 3 for m in messages)
    choices = "\n1. Yes\n2. No\n3. Not sure\nReply 1, 2 or 3."
    assert messages[-1].endswith(f"How soon is treatment supposed to start?{choices}")


@pytest.mark.parametrize(("count", "prompt"), [(1, "Reply 1."), (2, "Reply 1 or 2."), (5, "Reply 1, 2, 3, 4 or 5.")])
def test_choices_prompt(count: int, prompt: str) -> None:
    assert sms.choices_prompt(count) == prompt


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("1", "/affirm"),
        (" 2. ", "/deny"),
        ("#3", BUTTONS[2]["payload"]),
        ("option 2", "/deny"),
        ("one", "/affirm"),
        ("Three", BUTTONS[2]["payload"]),
        ("second", "/deny"),
        ("Not sure!", BUTTONS[2]["payload"]),
        ("not   SURE", BUTTONS[2]["payload"]),
        ("no", "/deny"),
        ("4", None),  # no such choice: goes to the bot as text
        ("0", None),
        ("yes please", None),  # not the option's own words: the NLU decides
        ("I have lung cancer", None),
    ],
)
def test_a_reply_selects_a_choice_by_number_or_words(reply: str, payload: str | None) -> None:
    assert sms.match_choice(reply, BUTTONS) == payload


def test_a_text_with_its_own_numbered_list_keeps_its_numbers() -> None:
    """Suggested questions are numbered; "Save all" must not become a second "1"."""
    text = "Here are some good questions to bring:\n1. What is my main problem?\n2. Why is it important?"
    buttons = [
        {"title": "Save all", "payload": "/affirm"},
        {"title": "Save #1", "payload": '/add_question{"suggestion":"1"}'},
        {"title": "No thanks", "payload": "/deny"},
    ]

    [message] = sms.render_with_buttons(text, buttons)

    assert message.endswith("2. Why is it important?\nOr reply: Save all, Save #1, No thanks.")
    assert sms.match_choice("1", buttons, offered_text=text) is None  # the bot reads "1" itself
    assert sms.match_choice("save all", buttons, offered_text=text) == "/affirm"
    assert sms.match_choice("Save #1", buttons, offered_text=text) == buttons[1]["payload"]
    assert sms.match_choice("1", buttons) == "/affirm"  # with a plain question, 1 is the first button


def test_no_offered_buttons_means_no_choice() -> None:
    assert sms.match_choice("1", []) is None


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+15551234567", "+*******4567"),
        ("whatsapp:+447700900123", "whatsapp:+********0123"),
        ("12", "***"),
        (None, "?"),
    ],
)
def test_phone_numbers_are_masked_to_the_last_four_digits(number: str | None, masked: str) -> None:
    assert sms.mask_phone(number) == masked
