"""What both Sanic servers (Rasa and the action server) get on top of their own app.

- A request size limit (Sanic answers 413 before reading a larger body).
- No compressed bodies: a ``Content-Encoding`` other than ``identity`` gets 400 before any route
  runs, so nothing is ever inflated (a small deflate body can expand to gigabytes).
- Errors that echo nothing: Sanic's own messages quote the path or the body ("Requested URL
  /x not found"); every error the app does not answer itself becomes ``{"error": <reason>}`` with
  its status, and an unexpected exception is logged by type (through bot.security.redaction).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse, json

logger = logging.getLogger(__name__)

UNCOMPRESSED = ("", "identity")


def error(status: int, reason: str | None = None) -> HTTPResponse:
    """A JSON error with a fixed reason: never any part of the request."""
    return json({"error": reason or HTTPStatus(status).phrase}, status=status)


async def _refuse_compressed(request: Request) -> HTTPResponse | None:
    if request.headers.get("content-encoding", "").strip().lower() not in UNCOMPRESSED:
        return error(400, "Compressed request bodies are not accepted; send the body uncompressed.")
    return None


async def _plain_error(request: Request, exception: Exception) -> HTTPResponse:
    if isinstance(exception, SanicException):
        status = exception.status_code or 500
        if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
            return error(status, f"The request body is larger than {request.app.config.REQUEST_MAX_SIZE} bytes.")
        return error(status)
    logger.error("%s %s failed", request.method, request.path, exc_info=exception)
    return error(500)


def guard(app: Sanic, max_request_bytes: int) -> Sanic:
    """Apply the limits above to an app built by Rasa or by us; returns the app."""
    app.config.REQUEST_MAX_SIZE = max_request_bytes
    app.register_middleware(_refuse_compressed, "request")
    # Handlers an app registered for its own exceptions (Rasa's ErrorResponse) are more specific
    # and still win; this one takes everything else.
    app.error_handler.add(Exception, _plain_error)
    return app
