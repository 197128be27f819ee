"""The advocate console at ``/advocate``: sign-in, the queue, a conversation, reply, close, audit log.

Server-rendered Jinja2 pages with plain HTML forms, so everything works without a build step,
offline, and even without JavaScript; a small script (static/advocate/console.js) only keeps the
transcript live (it re-reads ``GET /api/handoffs/{id}`` every second with the session cookie) and
the queue fresh. Replies and closing go through :mod:`bot.web.handoffs`, the same code as the JSON
API, so they are delivered and audited the same way.

Safety of the pages: Jinja2 autoescaping is on for every template, so whatever a person typed
(their questions, messages, a provider's name) is shown as text, never as HTML; the script writes
text with ``textContent`` only; and a Content-Security-Policy allows no inline script at all, so
even a missed escape could not run. Every form carries the session's CSRF token.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
from fastapi import APIRouter, Form, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.advocates import throttle, totp
from bot.advocates.config import AdvocateSettings
from bot.advocates.labels import channel_label, reason_label
from bot.advocates.passwords import hash_password, needs_rehash, verify_password
from bot.logic.office_hours import OfficeHours
from bot.persistence import audit as audit_trail
from bot.persistence import repository, staff
from bot.persistence.db import run_sync
from bot.security.hashing import keyed_hash
from bot.settings import Settings
from bot.web import auth
from bot.web import handoffs as handoff_actions
from bot.web.auth import CSRF_FIELD, Actor
from bot.web.pages import templates
from bot.web.schemas import MAX_MESSAGE_CHARS

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static" / "advocate"
STATIC_PATH = "/advocate/static"

# How long the "enter your code" step of a sign-in with a second factor stays valid.
CODE_STEP_LIFETIME = timedelta(minutes=5)
CLOSED_SHOWN = 20
MAX_ID = 2**31 - 1
# Where a sign-in may send the advocate back to: a console page, never another site.
_LOCAL_NEXT = re.compile(r"^/advocate(/[A-Za-z0-9_/-]*)?$")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
    # People's health situations: never kept by the browser or a proxy.
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

NOTICES = {
    "sent": ("ok", "Sent. The person gets it on their own channel."),
    "not_delivered": (
        "error",
        "Your message is saved in the transcript, but it could not be delivered: the bot's server did not "
        "take it. Try again in a moment.",
    ),
    "opted_out": (
        "error",
        "Your message is saved in the transcript, but it was not sent: this person texted STOP, so no more "
        "texts may go to their number. If they text START, you can write to them again.",
    ),
    "empty": ("error", "Type a message first."),
    "too_long": ("error", f"A message can have at most {MAX_MESSAGE_CHARS} characters."),
    "is_closed": ("error", "This handoff is closed: the bot is in charge again, so the message was not sent."),
    "closed": ("ok", "Closed. The bot has told the person it is back."),
    "close_not_delivered": (
        "error",
        "Closed here, but the bot could not be told. Open the conversation and press “Hand back again” "
        "once the bot's server answers, or the person's messages stay unanswered.",
    ),
    "signed_out": ("ok", "You are signed out."),
    "expired": ("error", "Your session has ended. Please sign in again."),
}

RECOMMENDATIONS = {
    "strongly_recommended": "Strongly recommended",
    "recommended": "Recommended",
    "optional": "Optional",
}
SPEAKERS = {"person": "Person", "bot": "Bot", "advocate": "Advocate"}

router = APIRouter(prefix="/advocate", include_in_schema=False)

_templates = templates("advocate")

HandoffId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
# The fields every sign-in step posts; the CSRF token is in every form (the session's, or the login's).
CsrfToken = Annotated[str, Form(max_length=200)]
Email = Annotated[str, Form(max_length=255)]
NextPath = Annotated[str, Form(alias="next", max_length=200)]


# --- helpers ---------------------------------------------------------------------------------


def _parse_time(iso: str | None) -> datetime | None:
    if not iso:
        return None
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def waited(iso: str | None, now: datetime | None = None) -> str:
    """How long since ``iso``, the way the queue shows it: "4 min", "2 h 5 min", "3 days 1 h"."""
    start = _parse_time(iso)
    if start is None:
        return ""
    minutes = max(0, int(((now or auth.now_utc()) - start).total_seconds() // 60))
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days != 1 else ''} {hours} h"


def _zone() -> ZoneInfo:
    try:
        return ZoneInfo(AdvocateSettings.from_env().timezone)
    except Exception:  # a bad setting shows times in UTC rather than breaking the console
        return ZoneInfo("UTC")


def local_time(iso: str | None) -> str:
    moment = _parse_time(iso)
    if moment is None:
        return ""
    return moment.astimezone(_zone()).strftime("%b %d, %H:%M")


def _render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(template).render(
        waited=waited,
        local_time=local_time,
        reason_label=reason_label,
        channel_label=channel_label,
        speakers=SPEAKERS,
        recommendations=RECOMMENDATIONS,
        static=STATIC_PATH,
        timezone=_zone().key,
        csrf_field=CSRF_FIELD,
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def _redirect(path: str, **params: Any) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    response = RedirectResponse(f"{path}?{query}" if query else path, status_code=status.HTTP_303_SEE_OTHER)
    response.headers.update({"Cache-Control": "no-store"})
    return response


def _to_login(request: Request, notice: str | None = None) -> RedirectResponse:
    """To the sign-in page, coming back afterwards to the page (not the form action) that was used."""
    page = re.sub(r"/(messages|close|logout)$", "", request.url.path)
    return _redirect("/advocate/login", next=page, notice=notice)


def _notice(code: str | None) -> tuple[str, str] | None:
    return NOTICES.get(code or "")


def _forbidden(actor: Actor | None) -> HTMLResponse:
    return _render(
        "error.html",
        status_code=status.HTTP_403_FORBIDDEN,
        actor=actor,
        title="Refused",
        message="This form was stale or did not come from the console (CSRF check failed). Go back, reload "
        "the page and try again.",
    )


def _not_found(actor: Actor, handoff_id: int) -> HTMLResponse:
    return _render(
        "error.html",
        status_code=status.HTTP_404_NOT_FOUND,
        actor=actor,
        title="Not found",
        message=f"There is no handoff {handoff_id}. The person may have deleted their data.",
    )


def _office_status() -> dict[str, Any]:
    """For the header: are we within office hours, and what are they (or what is misconfigured)."""
    settings = AdvocateSettings.from_env()
    try:
        hours = OfficeHours.parse(settings.hours, settings.timezone)
    except ValueError as exc:
        return {"open": None, "text": f"Office hours are misconfigured: {exc}"}
    return {"open": hours.is_open(auth.now_utc()), "text": hours.describe()}


def _signed_in(request: Request) -> Actor | None:
    session = auth.console_session(request)
    return Actor.from_session(session) if session else None


def _checked(request: Request, csrf_token: str) -> tuple[Actor | None, Response | None]:
    """The signed-in actor of a form post, or the response refusing it (sign-in page or 403)."""
    actor = _signed_in(request)
    if actor is None:
        return None, _to_login(request, "expired")
    if not auth.same_token(actor.csrf_token, csrf_token):
        return None, _forbidden(actor)
    return actor, None


# --- sign-in and sign-out --------------------------------------------------------------------


def _local(next_path: str) -> str:
    """Where to go after signing in: ``next_path`` if it is a console page, else the queue."""
    return next_path if _LOCAL_NEXT.match(next_path) else "/advocate"


def _sign_in_step(template: str, status_code: int, login_csrf: str, next_path: str, **context: Any) -> HTMLResponse:
    """A page of the sign-in (password, then code): nobody is signed in yet, the form carries the login CSRF token."""
    return _render(
        template, status_code=status_code, actor=None, login_csrf=login_csrf, next_path=_local(next_path), **context
    )


def _login_page(request: Request, next_path: str, error: str | None, status_code: int, email: str = "") -> Response:
    token, is_new = auth.login_csrf_token(request)
    notice = _notice(request.query_params.get("notice"))
    response = _sign_in_step("login.html", status_code, token, next_path, error=error, email=email, notice=notice)
    if is_new:  # the same token in a cookie and in the form (double submit)
        auth.set_login_csrf_cookie(request, response, token)
    return response


@router.get("/login")
def login_form(request: Request, next_path: Annotated[str, Query(alias="next", max_length=200)] = "/advocate") -> Any:
    if _signed_in(request) is not None:
        return _redirect(_local(next_path))
    return _login_page(request, next_path, None, status.HTTP_200_OK)


def _wait_page(request: Request, next_path: str, seconds: int, email: str) -> Response:
    """Refused without checking anything: too many recent failures from this address or for this account."""
    response = _login_page(
        request, next_path, f"Too many failed attempts. Try again in {seconds} second{'s' if seconds != 1 else ''}.",
        status.HTTP_429_TOO_MANY_REQUESTS, email,
    )  # fmt: skip
    response.headers["Retry-After"] = str(seconds)
    return response


def _failed(address: str, email: str, advocate_id: int | None, step: str) -> None:
    throttle.record_failure(address, email, auth.now_utc())
    audit_trail.write_audit(
        email or "(no e-mail)", "sign_in_failed", advocate_id=advocate_id, detail={"ip": address, "step": step}
    )


def _pending_token(email: str, expires: int, login_csrf: str) -> str:
    """Proof that the password step passed, for the code step: bound to this browser's login CSRF cookie."""
    return keyed_hash(f"{email}\x00{expires}\x00{login_csrf}", "console-code-step")


def _code_page(
    request: Request, email: str, next_path: str, error: str | None = None, status_code: int = 200
) -> Response:
    """The second step: the password was right, now the 6-digit code (a new 5-minute step each time)."""
    login_csrf = request.cookies.get(auth.LOGIN_CSRF_COOKIE) or ""
    expires = int((auth.now_utc() + CODE_STEP_LIFETIME).timestamp())
    return _sign_in_step(
        "login_code.html", status_code, login_csrf, next_path,
        email=email, expires=expires, pending=_pending_token(email, expires, login_csrf), error=error,
    )  # fmt: skip


def _start(request: Request, advocate: dict[str, Any], next_path: str, address: str) -> Response:
    response = _redirect(_local(next_path))
    auth.start_session(request, response, advocate)
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/advocate")
    throttle.record_success(advocate["email"])
    audit_trail.write_audit(
        advocate["email"], "sign_in", advocate_id=advocate["id"],
        detail={"ip": address, "second_factor": advocate["totp_secret"] is not None},
    )  # fmt: skip
    return response


@router.post("/login")
def login(
    request: Request,
    email: Email = "",
    password: Annotated[str, Form(max_length=2048)] = "",
    csrf_token: CsrfToken = "",
    next_path: NextPath = "/advocate",
) -> Response:
    """Check the password (Argon2id), then start a session or ask for the code; throttled and audited.

    Throttling (bot.advocates.throttle) comes first and refuses without checking the password,
    so a guess made while waiting tells nothing, not even to the owner.
    """
    if not auth.same_token(request.cookies.get(auth.LOGIN_CSRF_COOKIE), csrf_token):
        return _forbidden(None)
    email = staff.normalize_email(email)
    address = throttle.client_address(request)
    if wait := throttle.seconds_to_wait(address, email, auth.now_utc()):
        return _wait_page(request, next_path, wait, email)
    advocate = staff.advocate_credentials(email) if email else None
    # Verified even for an unknown or disabled account, so timing tells nothing about which it was.
    valid = verify_password(advocate["password_hash"] if advocate else None, password)
    if advocate is None or not valid or not advocate["active"]:
        _failed(address, email, advocate["id"] if advocate else None, "password")
        return _login_page(request, next_path, "Wrong e-mail or password.", status.HTTP_401_UNAUTHORIZED, email)
    if needs_rehash(advocate["password_hash"]):
        staff.set_advocate_password(email, hash_password(password), sign_out=False)
    if advocate["totp_secret"] is not None:
        return _code_page(request, advocate["email"], next_path)
    return _start(request, advocate, next_path, address)


@router.post("/login/code")
def login_code(
    request: Request,
    email: Email = "",
    code: Annotated[str, Form(max_length=20)] = "",
    pending: Annotated[str, Form(max_length=200)] = "",
    expires: Annotated[int, Form()] = 0,
    csrf_token: CsrfToken = "",
    next_path: NextPath = "/advocate",
) -> Response:
    """The second factor: the code from the advocate's authenticator app (RFC 6238), throttled like passwords."""
    login_csrf = request.cookies.get(auth.LOGIN_CSRF_COOKIE)
    if not auth.same_token(login_csrf, csrf_token):
        return _forbidden(None)
    email = staff.normalize_email(email)
    if expires < auth.now_utc().timestamp() or not auth.same_token(
        _pending_token(email, expires, login_csrf or ""), pending
    ):
        return _login_page(
            request, next_path, "That sign-in took too long. Please start again.", status.HTTP_401_UNAUTHORIZED, email
        )
    address = throttle.client_address(request)
    if wait := throttle.seconds_to_wait(address, email, auth.now_utc()):
        return _wait_page(request, next_path, wait, email)
    advocate = staff.advocate_credentials(email)
    if advocate is None or not advocate["active"] or advocate["totp_secret"] is None:
        return _login_page(request, next_path, "Please sign in again.", status.HTTP_401_UNAUTHORIZED, email)
    if not totp.code_is_valid(advocate["totp_secret"], advocate["email"], code):
        _failed(address, email, advocate["id"], "code")
        return _code_page(
            request, email, next_path, "That code is not right. Try the current one.", status.HTTP_401_UNAUTHORIZED
        )
    return _start(request, advocate, next_path, address)


@router.post("/logout")
def logout(request: Request, csrf_token: CsrfToken = "") -> Response:
    actor = _signed_in(request)
    if actor is None:
        response = _redirect("/advocate/login")
        response.delete_cookie(auth.SESSION_COOKIE, path="/")
        return response
    if not auth.same_token(actor.csrf_token, csrf_token):
        return _forbidden(actor)
    response = _redirect("/advocate/login", notice="signed_out")
    auth.end_session(request, response)
    handoff_actions.audit(actor, "sign_out")
    return response


# --- the queue, a conversation, the audit log ------------------------------------------------


@router.get("")
@router.get("/")
def queue(request: Request, notice: str | None = None, handoff: Annotated[int | None, Query(ge=1)] = None) -> Response:
    actor = _signed_in(request)
    if actor is None:
        return _to_login(request)
    handoff_actions.audit(actor, "view_queue")
    closed = repository.list_handoffs("closed")
    return _render(
        "queue.html",
        actor=actor,
        office=_office_status(),
        open_handoffs=repository.list_handoffs("open"),
        closed_handoffs=list(reversed(closed))[:CLOSED_SHOWN],
        notice=_notice(notice),
        notice_handoff=handoff,
    )


@router.get("/handoffs/{handoff_id}")
def conversation(request: Request, handoff_id: HandoffId, notice: str | None = None) -> Response:
    actor = _signed_in(request)
    if actor is None:
        return _to_login(request)
    try:
        handoff = handoff_actions.view_handoff(handoff_id, actor)
    except handoff_actions.HandoffNotFound:
        return _not_found(actor, handoff_id)
    snapshot = handoff.get("summary") or {}
    return _render(
        "conversation.html",
        actor=actor,
        office=_office_status(),
        handoff=handoff,
        case=repository.case_summary(handoff["sender_id"]),
        relation=snapshot.get("relation"),
        before=snapshot.get("transcript") or [],
        notice=_notice(notice),
        max_chars=MAX_MESSAGE_CHARS,
    )


@router.get("/audit")
def audit_log(request: Request) -> Response:
    actor = _signed_in(request)
    if actor is None:
        return _to_login(request)
    handoff_actions.audit(actor, "view_audit")
    return _render("audit.html", actor=actor, office=_office_status(), entries=audit_trail.list_audit(limit=500))


# --- reply and close (the same code as the JSON API) -----------------------------------------


def _http(request: Request) -> httpx.AsyncClient:
    return request.app.state.http


@router.post("/handoffs/{handoff_id}/messages")
async def reply(
    request: Request,
    handoff_id: HandoffId,
    text: Annotated[str, Form(max_length=MAX_MESSAGE_CHARS * 4)] = "",
    csrf_token: CsrfToken = "",
) -> Response:
    actor, refusal = await run_sync(_checked, request, csrf_token)
    if refusal is not None or actor is None:
        return refusal or _to_login(request)
    page = f"/advocate/handoffs/{handoff_id}"
    text = text.strip()
    if not text:
        return _redirect(page, notice="empty")
    if len(text) > MAX_MESSAGE_CHARS:
        return _redirect(page, notice="too_long")
    try:
        sent = await handoff_actions.send_message(
            _http(request), Settings.from_env(), handoff_id, text, actor.name, actor
        )
    except handoff_actions.HandoffNotFound:
        return _not_found(actor, handoff_id)
    except handoff_actions.HandoffIsClosed:
        return _redirect(page, notice="is_closed")
    if sent.opted_out:
        return _redirect(page, notice="opted_out")
    return _redirect(page, notice="sent" if sent.delivered else "not_delivered")


@router.post("/handoffs/{handoff_id}/close")
async def close(
    request: Request, handoff_id: HandoffId, csrf_token: CsrfToken = ""
) -> Response:
    actor, refusal = await run_sync(_checked, request, csrf_token)
    if refusal is not None or actor is None:
        return refusal or _to_login(request)
    try:
        result = await handoff_actions.close_handoff(_http(request), Settings.from_env(), handoff_id, actor)
    except handoff_actions.HandoffNotFound:
        return _not_found(actor, handoff_id)
    if not result["delivered"]:
        return _redirect(f"/advocate/handoffs/{handoff_id}", notice="close_not_delivered")
    return _redirect("/advocate", notice="closed", handoff=handoff_id)
