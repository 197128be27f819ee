"""The public chat page at ``/``: the rasa-webchat widget on Rasa's socket.io channel.

The widget (rasa-webchat 1.0.1, vendored from npm under ``static/chat/vendor``; see
``scripts/vendor_webchat.sh``) talks straight to the Rasa server's ``/socket.io``; this app only
serves the page. Where the browser finds Rasa is ``WIDGET_SOCKET_URL`` (the public URL of the Rasa
server in a deployment), else ``RASA_URL`` (http://127.0.0.1:5005 on one machine).

The page adds what the widget lacks, in ``static/chat/advocate-chat.js``: a "Talk to a person"
button that stays in view, a "keep this chat only in this tab" switch for shared computers
(sessionStorage instead of localStorage), a visible connection-lost notice, and keyboard access
to the widget's buttons. Each page carries a fresh widget session, issued and signed here
(:mod:`bot.channels.widget_session`); the script hands it to the socket server, which binds the
browser to it unless the browser already has a signed session of its own (a reload). The page is
therefore never cached. Its Content-Security-Policy allows scripts only from this app and
connections only to the socket server, which also keeps the widget's Google Fonts import from
reaching Google (a medical chat should not tell a third party who opened it).
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bot.channels import widget_session
from bot.settings import Settings

TITLE = "Second Opinion Advocate"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "chat"
STATIC_PATH = "/chat/static"
WEBCHAT_BUNDLE = "vendor/rasa-webchat-1.0.1/index.js"

router = APIRouter()


def socket_url() -> str:
    return (os.environ.get("WIDGET_SOCKET_URL") or Settings.from_env().rasa_url).rstrip("/")


def content_security_policy(socket: str) -> str:
    """Scripts from here only; the socket server over HTTP(S) long-polling and WebSocket."""
    parts = urlsplit(socket)
    origin = f"{parts.scheme}://{parts.netloc}"
    websocket = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # The widget injects its CSS as <style> elements and sets style attributes.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: https:",
            "font-src 'self' data:",  # the carousel's icon font is inlined
            f"connect-src 'self' {origin} {websocket}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


def widget_config(socket: str, session: str) -> dict[str, object]:
    """What advocate-chat.js hands to the widget (the functions are added there).

    ``session``: a fresh signed widget session for a browser that has none yet.
    """
    return {
        "socketUrl": socket,
        "session": session,
        "sessionParam": widget_session.OFFER_PARAM,
        "socketPath": "/socket.io/",
        "initPayload": "/greet",
        "title": TITLE,
        "subtitle": "A virtual advocate, not a doctor",
        "inputTextFieldHint": "Type your message…",
        "connectingText": "Connecting…",
    }


def page(socket: str, session: str) -> str:
    config = json.dumps(widget_config(socket, session)).replace("<", "\\u003c")  # no "</script>" inside
    title = html.escape(TITLE)
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{STATIC_PATH}/advocate-chat.css">
  <script id="advocate-chat-config" type="application/json">{config}</script>
  <script src="{STATIC_PATH}/{WEBCHAT_BUNDLE}" defer></script>
  <script src="{STATIC_PATH}/advocate-chat.js" defer></script>
</head>
<body>
  <a class="skip-link" href="#chat">Skip to the chat</a>
  <header class="page-header">
    <h1>{title}</h1>
    <p class="notice"><strong>Not for emergencies: call 911.</strong>
      Thinking about suicide or self-harm? Call or text <a href="tel:988">988</a>.</p>
  </header>
  <nav class="chat-tools" aria-label="Chat options">
    <button type="button" id="talk-to-person" class="primary">Talk to a person</button>
    <label class="tab-only"><input type="checkbox" id="this-tab-only">
      Keep this chat only in this tab (for a shared computer)</label>
  </nav>
  <p id="connection-status" class="connection-status" role="status" aria-live="polite" hidden></p>
  <main id="chat" class="chat" tabindex="-1" aria-label="Chat with the virtual advocate">
    <noscript>The chat needs JavaScript. You can also reach us by text message.</noscript>
  </main>
  <footer class="page-footer">
    <button type="button" id="clear-chat" class="link">Clear this chat from this device</button> ·
    <a href="/healthz">Service status</a>
  </footer>
</body>
</html>
"""


@router.get("/", response_class=HTMLResponse, summary="The chat page (website widget)", tags=["pages"])
def home() -> HTMLResponse:
    socket = socket_url()
    return HTMLResponse(
        page(socket, widget_session.issue()),
        headers={
            "Cache-Control": "no-store",  # the page carries a session of its own
            "Content-Security-Policy": content_security_policy(socket),
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )


def install(app: FastAPI) -> None:
    """Add the chat page and its static files to the web app."""
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="chat-static")
