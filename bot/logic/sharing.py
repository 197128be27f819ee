"""Getting the question list off the screen: a private printable page, a PDF, a text message.

Pure functions (no Rasa, no database, no Twilio), so every rule here is unit-tested on its own:
what counts as asking for a text, which phone numbers we accept, and the wording people get.
The actions (``actions/sharing.py``) and the web page (``bot/web/share.py``) use them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

PAGE_PATH = "/my-questions"
LIST_TITLE = "Questions for my appointment"
BRING_NOTE = "Bring this to your appointment. Write the answers down, or ask someone to come with you and take notes."
LINK_DAYS = 30
# A texted list stays around two messages of three segments; the rest waits behind the link.
TEXT_BUDGET = 800

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
# Said at the phone-number question: "why do you need it?", "will you keep it?", "is this spam?".
_ASKS_WHY = re.compile(r"\bwhy\b|what for|do you keep|will you (keep|store|save)|privacy|spam", re.IGNORECASE)

# The limits (bot.security.limits). A number's daily limit and the service's read the same, so the
# reply never tells someone who types a number that it was texted today.
TEXTS_PAUSED = (
    "I can't send that text right now: I keep a daily limit on how many texts go out, so that our "
    "number can't be used to bother anyone."
)
LINK_ABOVE = "The link above works on any phone: open it there, or forward it."


def wants_text_message(text: str) -> bool:
    """Whether the person asked to get the list *by text* rather than printed or as a link."""
    return bool(_WANTS_TEXT.search(text or "")) and not _WANTS_PAPER.search(text or "")


def is_not_now(text: str) -> bool:
    return bool(_NOT_NOW.match(text or ""))


def asks_why(text: str) -> bool:
    """Whether the answer to the number question asks why we want it (or what we do with it)."""
    return bool(_ASKS_WHY.search(text or ""))


def texts_paused(page: str | None = None) -> str:
    """Over a number's or the service's daily limit; with the link when none was shown yet."""
    return f"{TEXTS_PAUSED} " + (f"Here is your list instead: {page}" if page else LINK_ABOVE)


def country_not_allowed(countries: str, page: str | None = None) -> str:
    """A number in a country we do not text; ``countries`` is "the United States and Canada"."""
    if page:
        return f"I can only send texts to numbers in {countries}. Your list is here, for any phone: {page}"
    return f"I can only send texts to numbers in {countries}. {LINK_ABOVE}"


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
        digits = re.sub(r"\D", "", raw)
        if raw.startswith("+"):
            if digits.startswith("1"):
                return _us_number(digits[1:])
            return f"+{digits}" if 8 <= len(digits) <= 15 and digits[0] != "0" else None
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) == 10:
            return _us_number(digits)
    return None


def display_phone(number: str) -> str:
    """How we read a number back to confirm it: "(415) 555-0123" for US numbers."""
    if number.startswith("+1") and len(number) == 12:
        digits = number[2:]
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return number


def page_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PAGE_PATH}/{token}"


def pdf_url(base_url: str, token: str) -> str:
    return f"{page_url(base_url, token)}.pdf"


def long_date(day: date) -> str:
    """"November 25, 2026": how a US patient writes a date on paper, without ambiguity."""
    return f"{day:%B} {day.day}, {day.year}"


def _numbered(questions: Sequence[Mapping[str, object]]) -> list[str]:
    return [f"{index}. {question['text']}" for index, question in enumerate(questions, start=1)]


def compact_list(questions: Sequence[Mapping[str, object]], budget: int = TEXT_BUDGET) -> str:
    """The numbered list, cut after the question that would pass ``budget`` characters.

    A long list by SMS becomes many messages arriving out of order on some phones; the full list
    is one tap away behind the link, so a text carries what fits and says how many are left.
    """
    lines: list[str] = []
    used = 0
    for line in _numbered(questions):
        if lines and used + len(line) + 1 > budget:
            break
        lines.append(line)
        used += len(line) + 1
    left = len(questions) - len(lines)
    if left:
        lines.append(f"...and {left} more at the link below.")
    return "\n".join(lines)


def chat_reply(questions: Sequence[Mapping[str, object]], page: str, pdf: str) -> str:
    """The list in the chat plus the private links (widget and Slack show markdown links)."""
    count = len(questions)
    return (
        f"Here is your list ({count} question{'s' if count != 1 else ''}):\n\n"
        f"{LIST_TITLE}\n" + "\n".join(_numbered(questions)) + "\n\n"
        f"[Open a printable page]({page}) or [download a PDF]({pdf}). "
        f"The link is private to you, always shows your latest list, and works for {LINK_DAYS} days."
    )


def sms_reply(questions: Sequence[Mapping[str, object]], page: str) -> str:
    """The same for a text message: compact, one link (the page has the PDF button)."""
    count = len(questions)
    return (
        f"Your {count} question{'s' if count != 1 else ''}:\n{compact_list(questions)}\n\n"
        f"To print or save as PDF: {page} (private link, shows your latest list, works {LINK_DAYS} days)"
    )


def texted_list(questions: Sequence[Mapping[str, object]], page: str) -> str:
    """The text sent to a number someone typed: says who sends it and how to stop more texts."""
    return (
        f"Second Opinion Advocate: your questions for your appointment.\n{compact_list(questions)}\n\n"
        f"Print or save as PDF: {page}\nReply STOP to opt out."
    )
