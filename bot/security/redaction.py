"""Keep health information out of every log line the three processes write.

Installed once at start by each process (Rasa, the action server, the web app), :func:`install`
replaces the logging module's record factory, so *every* record of *every* logger is cleaned when
it is created, before any handler, formatter or filter sees it, whichever library made the logger
and whenever it added its handlers. Nothing depends on a handler having been found and patched.

What is hidden, and why it is found by default rather than by luck:

- Patterns that are private wherever they appear: e-mail addresses, phone numbers, dates (a date
  of birth looks like any other date), share-link tokens and other long random ids, ``token=``
  query values, and the private segments of web paths (``/my-questions/<token>``,
  ``/api/conversations/<sender id>``).
- Names, form answers and questions cannot be recognised by pattern, so the *places* that carry
  them are hidden instead: every quoted string that is not a program identifier (Rasa and
  rasa-sdk quote the person's message, slot values and ids: ``Received user message 'I am
  Jane'``), the values of Rasa events and slot dumps (``SlotSet(key: name, value: Jane)``),
  every dict or list passed as a logging argument (trackers, slots, events), and every value of
  a structured (structlog JSON) record except identifiers and numbers.
- Exception text: tracebacks keep their frames (file, line, function, code) and the exception's
  type, but the message is cleaned like a log line, and database errors (SQLAlchemy, sqlite3,
  psycopg2) lose their bound parameters and ``DETAIL: Key (...)=(...)`` lines entirely.

Identifiers stay readable (``action_records_request``, ``utter_greet``, ``patient_name``), as do
error types, counts and status codes, so a log still says what failed and where.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import traceback
from collections.abc import Callable
from numbers import Number
from typing import Any

REDACTED = "<redacted>"
HIDDEN_SEGMENT = "<hidden>"

# An identifier the program itself wrote: snake_case with at least one underscore or dot
# (action_records_request, utter_greet, rasa.core.processor), or a known name prefix. A person's
# single lowercase word ('jane') is deliberately not one: it is hidden.
_IDENTIFIER = re.compile(r"^(?:[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+|(?:action|utter|validate)_[a-z0-9_]+)$")

# Libraries whose log arguments are conversation content (messages, slot values, trackers).
STRICT_LOGGERS = frozenset({"rasa", "rasa_sdk"})

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.])(?:\+\d[\d\s().-]{5,18}\d|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}|\d{10,15})(?![\w.])")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{2,4}})\b",
    re.IGNORECASE,
)
# secrets.token_urlsafe output (share links, session and API tokens) and long hex ids or hashes.
_RANDOM_TOKEN = re.compile(
    r"(?<![\w-])(?:(?=[\w-]*[A-Z])(?=[\w-]*[a-z])(?=[\w-]*\d)[\w-]{20,}|[0-9a-fA-F]{24,})(?![\w-])"
)
_TOKEN_PARAMETER = re.compile(r"((?:token|secret|password|key)=)[^&\s'\"]+", re.IGNORECASE)
_PRIVATE_SEGMENT = re.compile(r"(/api/conversations/|/my-questions/|/conversations/)[^/?#\s'\"]+")
# A quoted string, as Python's repr and most log lines write it (b'...' included).
_PLACEHOLDER = re.compile(r"(?:[^%]*%[-#0 +]*\d*(?:\.\d+)?[sdrfix][^%]*)+")
# A file or URL path (traceback frames, Sanic's routes); its private segments are hidden later.
_FILE_PATH = re.compile(r"^(?:/|<frozen )[\w./<>@+-]*$")
_QUOTED = re.compile(r"""(?P<prefix>\bb)?(?P<quote>['"])(?P<body>(?:\\.|(?!(?P=quote)).)*)(?P=quote)""", re.DOTALL)
# The fields of Rasa's event reprs and slot dumps that hold what the person said or answered:
# "SlotSet(key: patient_name, value: Jane Doe)", "UserUttered(text: I'm Jane, intent: ...)".
_EVENT_FIELD = re.compile(
    r"\b(?P<field>text|value|data|metadata|entities|message|parse_data)\s*[:=]\s*(?P<value>[^,)\n]*)", re.IGNORECASE
)
# Rasa's "Current slot values:" dump, one "\tname: value" line per slot.
_SLOT_LINE = re.compile(r"(?m)^(?P<indent>\s+)(?P<slot>[a-z][a-z0-9_]*): (?P<value>.+)$")

# Exceptions whose message Python, a driver or a server library writes from the program's own
# data (types, names, positions, URLs, quoted values) rather than from what a person typed. Their
# text is still cleaned like a log line; any other exception's message (ValueError, RuntimeError,
# the project's own) is hidden whole, so a new `raise ValueError(f"... {answer}")` leaks nothing.
_DATABASE_MODULES = ("sqlalchemy", "sqlite3", "psycopg2", "psycopg", "alembic")
_LIBRARY_MODULES = (*_DATABASE_MODULES, "rasa", "rasa_sdk", "sanic", "aiohttp", "httpx", "httpcore", "uvicorn", "json")
_PROGRAM_TEXT_TYPES: tuple[type[BaseException], ...] = (
    AttributeError,
    NameError,
    ImportError,
    LookupError,
    TypeError,
    ArithmeticError,
    RecursionError,
    NotImplementedError,
    OSError,
    UnicodeError,
    asyncio.TimeoutError,
    asyncio.CancelledError,
)
_DATABASE_DETAIL = re.compile(r"(?im)^\s*(?:DETAIL|HINT|CONTEXT|LINE \d+):[^\n]*$|\[parameters:[^\n]*")


def path(value: str) -> str:
    """A web path with sender ids and share tokens replaced by ``<hidden>`` (the route stays)."""
    return _PRIVATE_SEGMENT.sub(lambda match: match.group(1) + HIDDEN_SEGMENT, value)


def _quoted(match: re.Match[str]) -> str:
    body = match.group("body")
    # A %-format string's own quotes ('"%s %s HTTP/%s"' in uvicorn's access line) hold no data.
    if not body or _IDENTIFIER.match(body) or _PLACEHOLDER.fullmatch(body) or _FILE_PATH.match(body):
        return match.group(0)
    return f"{match.group('quote')}{REDACTED}{match.group('quote')}"


def _event_field(match: re.Match[str]) -> str:
    return f"{match.group('field')}: {REDACTED}" if match.group("value").strip() else match.group(0)


def _patterns(text: str) -> str:
    for pattern, replacement in (
        (_TOKEN_PARAMETER, rf"\1{REDACTED}"),
        (_EMAIL, "<email>"),
        (_DATE, "<date>"),
        (_PHONE, "<phone>"),
        (_RANDOM_TOKEN, "<id>"),
    ):
        text = pattern.sub(replacement, text)
    return path(text)


def text(value: str) -> str:
    """A log line or exception message with everything that may be a person's own words hidden."""
    value = _QUOTED.sub(_quoted, value)
    value = _EVENT_FIELD.sub(_event_field, value)
    value = _SLOT_LINE.sub(lambda m: f"{m.group('indent')}{m.group('slot')}: {REDACTED}", value)
    return _patterns(value)


def _structured(message: str) -> str | None:
    """A structlog JSON line with only its event name, level and identifier or number values kept."""
    if not message.startswith("{"):
        return None
    try:
        event = json.loads(message)
    except ValueError:
        return None
    if not isinstance(event, dict) or "event" not in event:
        return None
    kept = {key: _structured_value(key, value) for key, value in event.items()}
    return json.dumps(kept)


def _structured_value(key: str, value: Any) -> Any:
    if key in ("event", "level", "timestamp") or isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, str) and _IDENTIFIER.match(value):
        return value
    return REDACTED


def argument(value: Any, strict: bool = False) -> Any:
    """A %-format argument: numbers stay, text is cleaned, containers (trackers, slots) are hidden.

    ``strict`` (records of Rasa's and rasa-sdk's loggers, which pass messages and slot values as
    arguments) hides every text argument that is not an identifier.
    """
    if value is None or isinstance(value, Number):
        return value
    if isinstance(value, str):
        if _IDENTIFIER.match(value):
            return value
        return REDACTED if strict else text(value)
    if isinstance(value, BaseException):
        return describe_exception(value)
    if isinstance(value, dict | list | tuple | set | bytes | bytearray):
        return f"<{type(value).__name__} {REDACTED}>"
    return text(str(value))


def _exception_message(exc: BaseException) -> str:
    module = type(exc).__module__
    try:
        message = str(exc)
    except Exception:  # a broken __str__ must not stop the log line
        return REDACTED
    if not isinstance(exc, _PROGRAM_TEXT_TYPES) and not module.startswith(_LIBRARY_MODULES):
        return f"<message hidden, {len(message)} characters>" if message else ""
    if module.startswith(_DATABASE_MODULES):
        # SQLAlchemy quotes the driver's error and the SQL (placeholders only, with
        # hide_parameters); drivers add DETAIL lines that quote the offending values.
        message = _DATABASE_DETAIL.sub("", message)
    return text(message.strip())


def exception_name(exc: BaseException) -> str:
    kind = type(exc)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def describe_exception(exc: BaseException) -> str:
    """``module.Type: cleaned message`` for one exception."""
    message = _exception_message(exc)
    return f"{exception_name(exc)}: {message}" if message else exception_name(exc)


def _chain(exc: BaseException) -> list[tuple[BaseException, str | None]]:
    """The exception and its causes, oldest first, each with the sentence Python prints after it."""
    links: list[tuple[BaseException, str | None]] = [(exc, None)]
    seen = {id(exc)}
    current = exc
    while True:
        if current.__cause__ is not None:
            older, link = current.__cause__, traceback._cause_message  # type: ignore[attr-defined]
        elif current.__context__ is not None and not current.__suppress_context__:
            older, link = current.__context__, traceback._context_message  # type: ignore[attr-defined]
        else:
            break
        if id(older) in seen:
            break
        seen.add(id(older))
        links.append((older, link.strip()))
        current = older
    return links[::-1]


def format_exception(exc: BaseException) -> str:
    """A traceback as Python prints it (frames and code lines), with each message cleaned."""
    parts: list[str] = []
    for current, link in _chain(exc):
        if current.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            # Code lines are the program's, but may hold literals: cleaned like any text.
            parts.extend(text(frame) for frame in traceback.format_tb(current.__traceback__))
        parts.append(describe_exception(current) + "\n")
        if link:
            parts.append(f"\n{link}\n\n")
    return "".join(parts).rstrip("\n")


def record(log_record: logging.LogRecord) -> logging.LogRecord:
    """Clean a record in place (once): message, arguments and exception text."""
    if getattr(log_record, "redacted", False):
        return log_record
    if isinstance(log_record.msg, str):
        structured = _structured(log_record.msg) if not log_record.args else None
        log_record.msg = structured if structured is not None else text(log_record.msg)
    elif isinstance(log_record.msg, BaseException):
        log_record.msg = describe_exception(log_record.msg)
    else:
        log_record.msg = argument(log_record.msg)
    strict = log_record.name.split(".")[0] in STRICT_LOGGERS
    if isinstance(log_record.args, dict):
        log_record.args = {key: argument(value, strict) for key, value in log_record.args.items()}
    elif isinstance(log_record.args, tuple):
        log_record.args = tuple(argument(value, strict) for value in log_record.args)
    if log_record.exc_info and log_record.exc_info[1] is not None:
        # Formatters print exc_text when it is set; exc_info goes so that no formatter or
        # renderer can print the original message from it.
        log_record.exc_text = format_exception(log_record.exc_info[1])
        log_record.exc_info = None
    elif log_record.exc_text:
        log_record.exc_text = text(log_record.exc_text)
    log_record.redacted = True
    return log_record


class RedactingFilter(logging.Filter):
    """The same cleaning as a filter, for records made without the factory (tests, other code)."""

    def filter(self, log_record: logging.LogRecord) -> bool:
        record(log_record)
        return True


def _redacting_factory(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return record(make(*args, **kwargs))

    factory.redacting = True  # type: ignore[attr-defined]
    return factory


def install(*logger_names: str) -> None:
    """Clean every record this process creates; also filter the named loggers. Idempotent."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "redacting", False):
        logging.setLogRecordFactory(_redacting_factory(current))
    for name in logger_names:
        target = logging.getLogger(name)
        if not any(isinstance(existing, RedactingFilter) for existing in target.filters):
            target.addFilter(RedactingFilter())
