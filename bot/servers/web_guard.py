"""The web app's own limits, as ASGI middleware: a request size limit and configured CORS.

uvicorn has no body size limit, and Starlette reads whatever a client sends; ``BodySizeLimit``
answers 413 with a reason before the app sees a larger body (by its Content-Length, or by
counting a chunked one). CORS is added only when WEB_CORS_ORIGINS names origins: the console is
served by the web app itself, so by default no other site's page may call the API.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.servers.settings import WEB_MAX_REQUEST_BYTES, web_cors_origins


class BodySizeLimit:
    """413 for an HTTP request body over ``max_bytes``; the body is never echoed."""

    def __init__(self, app: ASGIApp, max_bytes: int = WEB_MAX_REQUEST_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.max_bytes:
                await self._too_large(send)
                return
            await self.app(scope, receive, send)
            return
        if b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            await self.app(scope, receive, send)
            return
        # A chunked body has no length up front: read it (up to the limit), then replay it.
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._too_large(send)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        body = json.dumps({"detail": f"The request body is larger than {self.max_bytes} bytes."}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def install(app: FastAPI, environ: Mapping[str, str] | None = None) -> None:
    """Add the size limit, and CORS for the configured origins only."""
    origins = web_cors_origins(os.environ if environ is None else environ)
    if origins:
        options: dict[str, Any] = {"allow_methods": ["*"], "allow_headers": ["*"], "allow_credentials": False}
        app.add_middleware(CORSMiddleware, allow_origins=origins, **options)
    # Added last, so it runs first: a too-large body is refused before anything else reads it.
    app.add_middleware(BodySizeLimit, max_bytes=WEB_MAX_REQUEST_BYTES)
