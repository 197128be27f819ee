"""Widget sessions: unguessable, issued by the server, signed so a browser cannot make one up.

A widget conversation is ``web:<key>`` (:mod:`bot.channels.identity`), where ``key`` is 32 random
URL-safe characters. The browser keeps the *session token* ``<key>.<signature>``, the signature
being an HMAC-SHA256 of the key under ``WIDGET_SESSION_SECRET`` (generated into
``var/secrets.env`` by the launcher and given to every process). The socket.io channel accepts a
token only when its signature is right, so a browser can resume its own conversation after a
reload but cannot produce the id of anyone else's: guessing a key is hopeless, and a key seen
elsewhere (an id in the advocate console, a database row) is useless without the secret.

The signature is kept out of the conversation id on purpose: ids are shown to staff and stored
in every table, tokens only ever live in the person's own browser.

The web app issues a token with each chat page (:func:`issue`); the socket server issues one too
when a browser comes without a valid one (a page embedded on another site).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from bot.channels import identity
from bot.security.secrets import MissingSecret, required

SECRET_VARIABLE = "WIDGET_SESSION_SECRET"
KEY_BYTES = 24  # 32 URL-safe characters, 192 random bits
_PURPOSE = b"widget-session\x00"
_SIGNATURE_CHARS = 43  # all of the SHA-256 MAC, base64url without padding
MAX_TOKEN_CHARS = 128
OFFER_PARAM = "advocate_session"  # the chat page's fresh session, in the socket URL's query


class MissingSessionSecret(MissingSecret):
    """The process was started without ``WIDGET_SESSION_SECRET`` (``make run`` always sets it)."""


def session_secret() -> bytes:
    return required(SECRET_VARIABLE, MissingSessionSecret).encode()


def _signature(key: str, secret: bytes) -> str:
    mac = hmac.new(secret, _PURPOSE + key.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")[:_SIGNATURE_CHARS]


def issue(secret: bytes | None = None) -> str:
    """A fresh session token for a new widget conversation."""
    key = secrets.token_urlsafe(KEY_BYTES)
    return f"{key}.{_signature(key, secret or session_secret())}"


def session_key(token: object, secret: bytes | None = None) -> str | None:
    """The key of a validly signed ``token``, else None (anything a client may send is accepted)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        return None
    key, dot, signature = token.partition(".")
    if not dot or not key or not signature:
        return None
    expected = _signature(key, secret or session_secret())
    return key if hmac.compare_digest(signature.encode(), expected.encode()) else None


def conversation_id(token: object, secret: bytes | None = None) -> str | None:
    """``web:<key>`` for a validly signed token, else None."""
    key = session_key(token, secret)
    return identity.web_id(key) if key else None
