"""Getting the question list off the screen: a private printable page, a PDF, a text message.

Pure functions (no Rasa, no database, no Twilio), so every rule here is unit-tested on its own:
the pages, the links and the wording people get. What counts as asking for a text and which phone
numbers we accept is read in `bot.understanding.sharing`.
The actions (``actions/sharing.py``) and the web page (``bot/web/share.py``) use them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

PAGE_PATH = "/my-questions"
LIST_TITLE = "Questions for my appointment"
BRING_NOTE = "Bring this to your appointment. Write the answers down, or ask someone to come with you and take notes."
LINK_DAYS = 30
# A texted list stays around two messages of three segments; the rest waits behind the link.
TEXT_BUDGET = 800

# The limits (bot.security.limits). A number's daily limit and the service's read the same, so the
# reply never tells someone who types a number that it was texted today.
TEXTS_PAUSED = (
    "I can't send that text right now: I keep a daily limit on how many texts go out, so that our "
    "number can't be used to bother anyone."
)
LINK_ABOVE = "The link above works on any phone: open it there, or forward it."


def texts_paused(page: str | None = None) -> str:
    """Over a number's or the service's daily limit; with the link when none was shown yet."""
    return f"{TEXTS_PAUSED} " + (f"Here is your list instead: {page}" if page else LINK_ABOVE)


def country_not_allowed(countries: str, page: str | None = None) -> str:
    """A number in a country we do not text; ``countries`` is "the United States and Canada"."""
    if page:
        return f"I can only send texts to numbers in {countries}. Your list is here, for any phone: {page}"
    return f"I can only send texts to numbers in {countries}. {LINK_ABOVE}"


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
