"""Phone numbers and share tokens never reach the web app's access log."""

from __future__ import annotations

import logging

import pytest
from uvicorn.logging import AccessFormatter

from bot.web import access_log
from bot.web.app import create_app


def uvicorn_access_line(path: str) -> str:
    """The line uvicorn writes for a request, passed through the loggers' filters as uvicorn does."""
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 0, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:50000", "GET", path, "1.1", 200), None,
    )  # fmt: skip
    for log_filter in logging.getLogger("uvicorn.access").filters:
        log_filter.filter(record)
    return AccessFormatter("%(message)s", use_colors=False).format(record)


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        ("/api/conversations/+15551234567", "5551234567"),
        ("/api/conversations/+15551234567/questions", "5551234567"),
        ("/api/conversations/sms%3A%2B15551234567/records-requests?limit=5", "5551234567"),
        ("/my-questions/Zm9vYmFyYmF6cXV4", "Zm9vYmFyYmF6cXV4"),
        ("/my-questions/Zm9vYmFyYmF6cXV4.pdf", "Zm9vYmFyYmF6cXV4"),
    ],
)
def test_private_path_segments_are_hidden(path: str, secret: str) -> None:
    create_app()

    line = uvicorn_access_line(path)

    assert secret not in line
    assert access_log.HIDDEN in line and "GET" in line and "200" in line


def test_other_paths_are_logged_as_they_are() -> None:
    create_app()

    assert "/api/handoffs/12/messages" in uvicorn_access_line("/api/handoffs/12/messages")


def test_building_many_apps_installs_the_filter_once() -> None:
    create_app()
    create_app()

    filters = logging.getLogger("uvicorn.access").filters
    assert sum(isinstance(f, access_log.RedactPrivatePaths) for f in filters) == 1
