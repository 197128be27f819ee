"""Who is calling the advocate side: a console session (cookie) or an API key, and CSRF checks.

The JSON API takes a named key (``make api-key NAME=...``, bot.advocates.api_keys): the key's name
is the actor in the audit log and the author in the transcript. ``ADVOCATE_API_TOKEN`` stays as
the bootstrap admin key (actor :data:`BOOTSTRAP_ACTOR`), so a fresh install can be used at once.

The console signs in with an e-mail and password and gets a session cookie: a random token,
HttpOnly (page scripts cannot read it), SameSite=Lax (other sites cannot post with it; a link from
Slack still opens the console signed in), Secure behind HTTPS, and limited in time. The database
keeps only the token's SHA-256, so a leaked database signs nobody in.

Every state-changing request made with the cookie must also carry the session's CSRF token: a
hidden form field on the console's forms, the ``X-CSRF-Token`` header on the JSON API. Before
sign-in the login form is protected the same way with a token in a short-lived cookie
("double submit"), so no other site can sign someone in to an account of its choosing.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from fastapi import Request, Response

from bot.advocates.config import AdvocateSettings
from bot.persistence import staff

SESSION_COOKIE = "advocate_session"
LOGIN_CSRF_COOKIE = "advocate_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
LOGIN_CSRF_MAX_AGE = 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BOOTSTRAP_ACTOR = "admin (bootstrap token)"
# What the person is shown as the author of a message sent with the bootstrap token.
BOOTSTRAP_AUTHOR = "advocate"
_MAX_TOKEN_CHARS = 128


@dataclass(frozen=True)
class Actor:
    """Who does something: ``label`` goes to the audit log, ``name`` into the transcript."""

    label: str
    name: str
    advocate_id: int | None = None
    api_key_id: int | None = None
    csrf_token: str | None = None

    @classmethod
    def from_session(cls, session: dict[str, Any]) -> Actor:
        return cls(
            label=session["email"], name=session["name"], advocate_id=session["advocate_id"],
            csrf_token=session["csrf_token"],
        )  # fmt: skip

    @classmethod
    def from_api_key(cls, key: dict[str, Any]) -> Actor:
        return cls(label=f"{key['name']} (API key #{key['id']})", name=key["name"], api_key_id=key["id"])

    @classmethod
    def bootstrap(cls) -> Actor:
        return cls(label=BOOTSTRAP_ACTOR, name=BOOTSTRAP_AUTHOR)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison that copes with missing and non-ASCII values."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def console_session(request: Request) -> dict[str, Any] | None:
    """The live session the request's cookie belongs to, or None (no cookie means no database call)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > _MAX_TOKEN_CHARS:
        return None
    settings = AdvocateSettings.from_env()
    return staff.advocate_session(hash_token(token), now_utc(), settings.idle_timeout)


def cookie_secure(request: Request, settings: AdvocateSettings) -> bool:
    return settings.cookie_secure or request.url.scheme == "https"


def start_session(request: Request, response: Response, advocate: dict[str, Any]) -> None:
    """Create the session row and set its cookie on ``response``."""
    settings = AdvocateSettings.from_env()
    token = new_token()
    staff.start_advocate_session(
        advocate["id"], hash_token(token), new_token(), now_utc() + settings.session_lifetime
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request, settings),
        path="/",
    )


def end_session(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token and len(token) <= _MAX_TOKEN_CHARS:
        staff.end_advocate_session(hash_token(token))
    response.delete_cookie(SESSION_COOKIE, path="/")


def login_csrf_token(request: Request) -> tuple[str, bool]:
    """The login form's token: the cookie's if the browser has one (several tabs agree), else a new one.

    Returns ``(token, is_new)``; a new token must be set with :func:`set_login_csrf_cookie`.
    """
    token = request.cookies.get(LOGIN_CSRF_COOKIE)
    if token and len(token) <= _MAX_TOKEN_CHARS:
        return token, False
    return new_token(), True


def set_login_csrf_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=LOGIN_CSRF_MAX_AGE,
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request, AdvocateSettings.from_env()),
        path="/advocate",
    )
