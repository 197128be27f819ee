"""Turning the bot's replies into text messages, and a person's text back into button payloads.

Pure functions, no Rasa or Twilio imports, so every rule here is unit-tested on its own.

Why segments matter: a message longer than one SMS is sent as several *segments* that the phone
joins again. GSM-7 fits 160 characters in one segment and 153 per segment once split; a single
character outside GSM-7 (an emoji, a curly quote) switches the whole message to UCS-2, which fits
only 70, or 67 per segment. Carriers bill per segment and some phones show long messages badly, so
each message is kept within :data:`MAX_SEGMENTS`, split between sentences when the text is longer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from bot.understanding import numbers, replies

MAX_SEGMENTS = 3

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# These take two septets: an escape character and the character itself.
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

# Typography that would force UCS-2 for no reason; Twilio's "smart encoding" does the same.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
        "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
        "\u2022": "-", "\u00b7": "-",
    }
)  # fmt: skip

_MD_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_MD_BULLET = re.compile(r"^\s*[*+]\s+", re.MULTILINE)
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=\S)")


# --- encoding and segments ------------------------------------------------------------------


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def encoding(text: str) -> str:
    """"GSM-7" or "UCS-2": what a phone network would use for ``text``."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def _units(text: str) -> list[int]:
    """The size of each character in the message's encoding (septets or UTF-16 code units)."""
    if is_gsm7(text):
        return [2 if ch in GSM7_EXTENDED else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def segment_count(text: str) -> int:
    """How many SMS segments ``text`` takes; an escape pair or a surrogate pair is never split."""
    if not text:
        return 1
    gsm = is_gsm7(text)
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if gsm else (UCS2_SINGLE, UCS2_MULTI)
    units = _units(text)
    if sum(units) <= single:
        return 1
    segments, used = 1, 0
    for size in units:
        if used + size > multi:
            segments, used = segments + 1, 0
        used += size
    return segments


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    return segment_count(text) <= max_segments


# --- plain text for a phone -------------------------------------------------------------------


def plain_text(text: str) -> str:
    """Markdown and typography a phone cannot show, made plain: links as "text: url", no ** or #."""
    text = text.translate(_TYPOGRAPHY)
    text = _MD_LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)}: {m.group(2)}", text)
    text = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    text = _MD_BULLET.sub("- ", text)
    text = _MD_HEADING.sub("", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- splitting ----------------------------------------------------------------------------------


def _pieces(text: str) -> list[tuple[str, str]]:
    """(separator before, piece) pairs: paragraphs, lines, then sentences, keeping the separators."""
    pieces: list[tuple[str, str]] = []
    for p_index, paragraph in enumerate(text.split("\n\n")):
        for l_index, line in enumerate(paragraph.split("\n")):
            for s_index, sentence in enumerate(_SENTENCE_END.split(line)):
                if s_index:
                    sep = " "
                elif l_index:
                    sep = "\n"
                elif p_index:
                    sep = "\n\n"
                else:
                    sep = ""
                pieces.append((sep, sentence))
    return [(sep, piece) for sep, piece in pieces if piece.strip()]


def _cut_word(word: str, max_segments: int) -> list[str]:
    """A word too long for one message, cut into the longest pieces that fit (the last one may be short)."""
    chunks: list[str] = []
    current = word
    while not fits(current, max_segments):
        cut = len(current)
        while cut > 1 and not fits(current[:cut], max_segments):
            cut -= 1
        chunks.append(current[:cut])
        current = current[cut:]
    return [*chunks, current]


def _hard_split(piece: str, max_segments: int) -> list[str]:
    """A sentence too long for one message: split between words, or inside a word as a last resort."""
    return _pack([(" ", word) for word in piece.split(" ")], max_segments, _cut_word)


def _join(pieces: Sequence[tuple[str, str]]) -> str:
    """The pieces as text again; the first one's separator falls away."""
    return "".join(piece if index == 0 else f"{sep}{piece}" for index, (sep, piece) in enumerate(pieces))


def _pack(
    pieces: Iterable[tuple[str, str]],
    max_segments: int,
    split: Callable[[str, int], list[str]] = _hard_split,
) -> list[str]:
    """Greedy: add pieces to the current message while it fits, else start the next one.

    A piece too long for a message of its own is ``split`` first (sentences between words, words
    inside them); its last part starts the next message, so what follows it can still join it.
    """
    messages: list[str] = []
    current = ""
    for sep, piece in pieces:
        candidate = f"{current}{sep}{piece}" if current else piece
        if fits(candidate, max_segments):
            current = candidate
            continue
        if current:
            messages.append(current)
        if fits(piece, max_segments):
            current = piece
        else:
            *full, current = split(piece, max_segments)
            messages.extend(full)
    if current:
        messages.append(current)
    return messages


def split_message(text: str, max_segments: int = MAX_SEGMENTS, tail: str = "") -> list[str]:
    """``text`` as text messages of at most ``max_segments`` segments each, split between sentences.

    ``tail`` (the numbered choices) must arrive together with the end of the text it answers, so the
    last message is built backwards from it: as many final sentences as fit above it.
    """
    pieces = _pieces(plain_text(text))
    if not tail:
        return _pack(pieces, max_segments) or [""]
    kept: list[tuple[str, str]] = []
    while pieces and fits(f"{_join([pieces[-1], *kept])}\n{tail}", max_segments):
        kept.insert(0, pieces.pop())
    last = f"{_join(kept)}\n{tail}" if kept else tail
    return [*_pack(pieces, max_segments), last]


# --- buttons as numbered choices ------------------------------------------------------------------

def choices_prompt(count: int) -> str:
    """"Reply 1, 2 or 3." - the way people are used to answering a numbered text."""
    if count == 1:
        return "Reply 1."
    numbers = [str(n) for n in range(1, count + 1)]
    return f"Reply {', '.join(numbers[:-1])} or {numbers[-1]}."


def numbered_choices(buttons: Sequence[Mapping[str, Any]]) -> str:
    lines = [f"{number}. {plain_text(str(button.get('title', '')))}" for number, button in enumerate(buttons, 1)]
    return "\n".join([*lines, choices_prompt(len(buttons))])


_NUMBERED_LINE = re.compile(r"^\s*\d+[.)]\s", re.MULTILINE)


def has_own_numbers(text: str) -> bool:
    """True when the text numbers its own items ("1. ...", "2. ..."), e.g. suggested questions.

    Numbering the buttons as well would give the person two different "1"s in one message.
    """
    return len(_NUMBERED_LINE.findall(text)) >= 2


def worded_choices(buttons: Sequence[Mapping[str, Any]]) -> str:
    titles = [plain_text(str(button.get("title", ""))) for button in buttons]
    return f"Or reply: {', '.join(titles)}."


def render_with_buttons(text: str, buttons: Sequence[Mapping[str, Any]], max_segments: int = MAX_SEGMENTS) -> list[str]:
    """The text, then the buttons as a numbered list in the same (last) message.

    When the text has numbered items of its own, the numbers stay theirs (the bot reads "1 and 3"
    itself) and the buttons are offered by their words instead.
    """
    if not buttons:
        return split_message(text, max_segments)
    tail = worded_choices(buttons) if has_own_numbers(text) else numbered_choices(buttons)
    return split_message(text, max_segments, tail=tail)


def match_choice(reply: str, buttons: Sequence[Mapping[str, Any]], offered_text: str = "") -> str | None:
    """The payload of the button a reply selects: its number ("2", "#2", "two") or its own words.

    ``offered_text`` is the message the buttons came with: when it numbers its own items, the
    buttons were offered by their words only (``render_with_buttons``), so a number is not theirs.
    Anything else returns None and goes to the bot as the person's own words.
    """
    if not buttons:
        return None
    number = numbers.choice_number(reply)
    if number is not None and not has_own_numbers(offered_text):
        return str(buttons[number - 1].get("payload")) if 1 <= number <= len(buttons) else None
    wanted = replies.words_of(plain_text(reply))
    if not wanted:
        return None
    for button in buttons:
        if replies.words_of(plain_text(str(button.get("title", "")))) == wanted:
            return str(button.get("payload"))
    return None


def mask_phone(number: str | None) -> str:
    """A phone number fit for a log line: only the last 4 digits ("+*******4567")."""
    if not number:
        return "?"
    digits = re.sub(r"\D", "", number)
    prefix = number.split(":", 1)[0] + ":" if ":" in number else ""
    return f"{prefix}+{'*' * max(len(digits) - 4, 3)}{digits[-4:]}" if len(digits) > 4 else f"{prefix}***"
