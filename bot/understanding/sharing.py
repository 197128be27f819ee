"""Replies in the sharing journey: asking for a text, "not now", "why?", a phone number typed any way.

The journey's texts and pages are `bot.logic.sharing`.
"""

from __future__ import annotations

import re

# "text me my questions", "send them to my phone", "sms me the list", "txt it 2 me".
_WANTS_TEXT = re.compile(r"\b(text(ed|ing)?|txt|sms|phone|cell(phone)?|mobile)\b", re.IGNORECASE)
# ...unless they name paper, a PDF or e-mail ("a pdf on my phone"): that is the link's job.
_WANTS_PAPER = re.compile(r"\b(print\w*|pdf|download|paper|e-?mail)\b", re.IGNORECASE)
# Said at the phone-number question: the person would rather not (a button sends /deny).
_NOT_NOW = re.compile(
    r"^\W*(no\b|nope|nah|not now|no thanks?|never ?mind|nvm|cancel|stop|skip|later|maybe later|forget it|"
    r"don'?t|do not|i'?d rather not|not today)",
    re.IGNORECASE,
)
# Something shaped like a phone number inside a sentence: "it's (415) 555-0123 thanks".
_PHONE_LIKE = re.compile(r"(?<![\w+])(\+?\d[\d\s().\-]{5,22}\d)(?!\w)")
# What is dropped from a phone number to leave its digits.
_NOT_A_DIGIT = re.compile(r"\D")
# Said at the phone-number question: "why do you need it?", "will you keep it?", "is this spam?".
_ASKS_WHY = re.compile(r"\bwhy\b|what for|do you keep|will you (keep|store|save)|privacy|spam", re.IGNORECASE)


def wants_text_message(text: str) -> bool:
    """Whether the person asked to get the list *by text* rather than printed or as a link."""
    return bool(_WANTS_TEXT.search(text or "")) and not _WANTS_PAPER.search(text or "")


def is_not_now(text: str) -> bool:
    return bool(_NOT_NOW.match(text or ""))


def asks_why(text: str) -> bool:
    """Whether the answer to the number question asks why we want it (or what we do with it)."""
    return bool(_ASKS_WHY.search(text or ""))


def _us_number(digits: str) -> str | None:
    """+1 and ten digits, if they can be a North American number (area code and exchange 2-9)."""
    if len(digits) == 10 and digits[0] in "23456789" and digits[3] in "23456789":
        return f"+1{digits}"
    return None


def parse_phone_number(text: str) -> str | None:
    """The first mobile number in ``text`` in E.164 form (what Twilio expects), else None.

    US numbers are accepted however people type them ("415-555-0123", "(415) 555 0123",
    "1 415 555 0123", "+14155550123"); other countries need their "+" and country code, 8 to 15
    digits (E.164), because without it we cannot tell where the number is.
    """
    for match in _PHONE_LIKE.finditer(text or ""):
        raw = match.group(1)
        digits = _NOT_A_DIGIT.sub("", raw)
        if raw.startswith("+"):
            if digits.startswith("1"):
                return _us_number(digits[1:])
            return f"+{digits}" if 8 <= len(digits) <= 15 and digits[0] != "0" else None
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) == 10:
            return _us_number(digits)
    return None
