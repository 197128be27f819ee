"""Access log lines without the people in them.

uvicorn logs every request path, and two kinds of path carry something private: the JSON API's
``/api/conversations/{sender_id}`` (on SMS the sender id is the person's phone number) and the
share link ``/my-questions/{token}`` (the token *is* the permission to read someone's questions).
Logs are kept longer and read by more people than the database, so those segments are hidden
before a line is written; the method, the route and the status stay for debugging.

The cleaning itself is :mod:`bot.security.redaction`, shared by all three processes; this module
is the web app's entry to it.
"""

from __future__ import annotations

from bot.security import redaction

HIDDEN = redaction.HIDDEN_SEGMENT
# uvicorn's loggers: records they create are cleaned by the record factory too; the filters also
# clean records handed to them directly.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

# The filter that rewrites uvicorn's access-log arguments (client, method, path, version, status).
RedactPrivatePaths = redaction.RedactingFilter


def redact(path: str) -> str:
    """The path with sender ids and share tokens replaced by ``<hidden>``."""
    return redaction.path(path)


def install() -> None:
    """Clean every log record of this process; once, however many apps are built (tests build many)."""
    redaction.install(*UVICORN_LOGGERS)
