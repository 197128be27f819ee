"""Access log lines without the people in them.

uvicorn logs every request path, and two kinds of path carry something private: the JSON API's
``/api/conversations/{sender_id}`` (on SMS the sender id is the person's phone number) and the
share link ``/my-questions/{token}`` (the token *is* the permission to read someone's questions).
Logs are kept longer and read by more people than the database, so those segments are hidden
before a line is written; the method, the route and the status stay for debugging.
"""

from __future__ import annotations

import logging
import re

HIDDEN = "<hidden>"
_PRIVATE_SEGMENT = re.compile(r"(/api/conversations/|/my-questions/)[^/?#\s]+")


def redact(path: str) -> str:
    """The path with sender ids and share tokens replaced by ``<hidden>``."""
    return _PRIVATE_SEGMENT.sub(lambda match: match.group(1) + HIDDEN, path)


class RedactPrivatePaths(logging.Filter):
    """Rewrites uvicorn's access-log arguments (client, method, path, version, status) in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def install(logger_name: str = "uvicorn.access") -> None:
    """Attach the filter once, however many apps are built in one process (tests build many)."""
    access = logging.getLogger(logger_name)
    if not any(isinstance(existing, RedactPrivatePaths) for existing in access.filters):
        access.addFilter(RedactPrivatePaths())
