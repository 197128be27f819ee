"""The web app: the page that will host the chat widget, the advocate console's JSON API, health.

Run it with ``uvicorn bot.web.app:app`` (port 8000). Endpoints that only touch the database are
plain ``def``: FastAPI runs them in its thread pool, so a slow query never blocks the event loop.
Endpoints that also call Rasa are ``async`` and move their database work to a thread with
:func:`bot.persistence.db.run_sync`.

Settings are read per request (:func:`get_settings`), like the repository reads the database URL,
so the whole process follows one environment and tests can point it at their own.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request, Security, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError

from bot.advocates import api_keys
from bot.persistence import repository, staff
from bot.persistence.db import run_sync
from bot.rasa_ext import ERASE_ACTION_NAME
from bot.servers import web_guard
from bot.settings import Settings
from bot.web import access_log, console, rasa_client, review_page, share, widget
from bot.web import handoffs as handoff_actions
from bot.web.auth import CSRF_HEADER, SAFE_METHODS, Actor, console_session, now_utc, same_token
from bot.web.schemas import (
    CaseSummary,
    Deleted,
    HandoffClosed,
    HandoffDetail,
    HandoffOut,
    HandoffStatus,
    Health,
    MessageIn,
    MessageNotDelivered,
    MessageSent,
    Problem,
    QuestionOut,
    RecordsRequestOut,
)

logger = logging.getLogger(__name__)

TITLE = "Second Opinion Advocate"
VERSION = "0.1.0"
DESCRIPTION = """\
JSON API of the Second Opinion Advocate web app, used by the advocate console.

Every `/api/*` endpoint needs `Authorization: Bearer <key>`: a named API key made with
`make api-key NAME="..."` (its name is who the audit log and the transcript say acted), or the
bootstrap admin key ADVOCATE_API_TOKEN. A missing, wrong or revoked key gets **401**; while the
server has neither ADVOCATE_API_TOKEN nor any live key the API refuses everything with **503** (it
is never open). `/healthz` needs no token and always answers 200: read its body.

The advocate console at `/advocate` calls the same endpoints with its session cookie instead of
a key; a call that changes something made with the cookie must send the session's CSRF token
in the `X-CSRF-Token` header (**403** without it). The author of a message is always the key's
name or the signed-in advocate's; an `X-Advocate-Name` header is ignored. Every read of a
person's data and every change is written to the hash-chained audit log.
"""
DATABASE_HEALTH_TIMEOUT = 2.0
# Postgres INTEGER: a larger id could never exist and would make the driver raise.
MAX_ID = 2**31 - 1

SenderId = Annotated[
    str, Path(min_length=1, max_length=255, description="Rasa's sender_id: the person's channel identity.")
]
HandoffId = Annotated[int, Path(ge=1, le=MAX_ID, description="The handoff's id.")]

_bearer = HTTPBearer(auto_error=False, description="A named API key, or the bootstrap ADVOCATE_API_TOKEN.")


def get_settings() -> Settings:
    return Settings.from_env()


CurrentSettings = Annotated[Settings, Depends(get_settings)]


def require_advocate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    settings: CurrentSettings,
) -> Actor:
    """Let only advocates in: the API shows people's medical situations and can erase them.

    Three ways in, and the caller is returned for the audit log: a signed-in console session
    (cookie; changes also need its CSRF token in ``X-CSRF-Token``, else 403), a named API key
    (its name is the actor), or the ADVOCATE_API_TOKEN bootstrap admin key, as bearer tokens. A
    request with an ``Authorization`` header is judged on the token alone. With neither the
    bootstrap token configured nor any live API key the API is closed (503), never open.
    ``hmac.compare_digest`` on bytes compares in constant time and copes with any header text (a
    ``str`` compare raises on non-ASCII).
    Runs before the path and query are validated, so a caller without a key learns nothing else.
    """
    if credentials is None and (session := console_session(request)) is not None:
        csrf = request.headers.get(CSRF_HEADER)
        if request.method not in SAFE_METHODS and not same_token(session["csrf_token"], csrf):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"Missing or wrong {CSRF_HEADER} header: console changes must carry their CSRF token.",
            )
        return Actor.from_session(session)
    bootstrap = settings.advocate_api_token.strip()
    given = credentials.credentials if credentials is not None else ""
    if bootstrap and given and hmac.compare_digest(given.encode(), bootstrap.encode()):
        return Actor.bootstrap()
    key = api_keys.authenticate(given, now_utc()) if given else None
    if key is not None:
        return Actor.from_api_key(key)
    if not bootstrap and not staff.any_live_api_key():
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The advocate API is disabled: ADVOCATE_API_TOKEN is not set on the server and no API key exists.",
        )
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Missing bearer token: send 'Authorization: Bearer <your API key>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "Wrong or revoked API key.",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


Advocate = Annotated[Actor, Depends(require_advocate)]


def http_client(request: Request) -> httpx.AsyncClient:
    """The app's shared client: one connection pool to Rasa instead of a new one per call."""
    return request.app.state.http


HttpClient = Annotated[httpx.AsyncClient, Depends(http_client)]


def _not_found(handoff_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"There is no handoff {handoff_id}.")


# --- the API for the advocate console --------------------------------------------------------

api = APIRouter(
    prefix="/api",
    dependencies=[Depends(require_advocate)],
    responses={
        401: {"model": Problem, "description": "Missing, wrong or revoked key (`WWW-Authenticate: Bearer`)."},
        503: {
            "model": Problem,
            "description": "Neither ADVOCATE_API_TOKEN nor any API key is configured, or the database is down.",
        },
    },
)


def _audited_read(action: str, read: Callable[[str], Any]) -> Callable[..., Any]:
    """An endpoint that audits ``action`` on the person, then answers ``read(sender_id)``.

    Audited before anything is read: no read of a person's data goes unrecorded.
    """

    def endpoint(sender_id: SenderId, actor: Advocate) -> Any:
        handoff_actions.audit(actor, action, sender_id=sender_id)
        return read(sender_id)

    return endpoint


_CASE_DESCRIPTION = """Condition, treatment, recommendation and reasons, questions, records requests and handoff.

An unknown sender gets **200** with nulls and empty lists, not 404: a person who has not told
the bot anything yet simply has nothing stored, and the console shows the same empty case.
Audited (like every read here) before anything is read: no read goes unrecorded."""

# The reads of one person's data: (name, path after /conversations/{sender_id}, answer, audit
# action, read, summary, description). The name fixes the operation's id in /openapi.json.
for _name, _path, _answer, _action, _read, _summary, _description in (
    ("get_conversation", "", CaseSummary, "view_case", repository.case_summary,
     "Case summary of one person", _CASE_DESCRIPTION),
    ("get_questions", "/questions", list[QuestionOut], "view_questions", repository.list_questions,
     "The person's saved questions, in the order they were added", None),
    ("get_records_requests", "/records-requests", list[RecordsRequestOut], "view_records",
     repository.list_records_requests, "The person's medical-records requests, oldest first", None),
):  # fmt: skip
    api.get(
        f"/conversations/{{sender_id}}{_path}",
        response_model=_answer,
        summary=_summary,
        description=_description,
        tags=["conversations"],
        name=_name,
    )(_audited_read(_action, _read))


@api.delete(
    "/conversations/{sender_id}",
    response_model=Deleted,
    summary="Erase everything stored about the person",
    tags=["conversations"],
)
async def delete_conversation(
    sender_id: SenderId, actor: Advocate, client: HttpClient, settings: CurrentSettings
) -> dict[str, Any]:
    """Questions, records requests, assessments, handoffs and Rasa's conversation history.

    Answers 200 with the rows erased per table even when there was nothing (erasing is idempotent).
    The audit log records who erased how many rows, and whose only as the keyed hash of the id.

    Deleting the rows while one of the person's turns is running would not be enough: when that
    turn ends, Rasa's SQL tracker store writes the whole conversation back (it finds none stored)
    and the turn's actions may have added rows. So the erase first runs as a turn of its own
    through Rasa, whose per-conversation lock makes it wait for the running one; the erase action
    deletes the rows and the tracker store the history. Then everything left (that turn's own
    events, or all of it when Rasa could not be reached) is deleted here. Rasa answers 404 for a
    person it has no conversation with, which leaves nothing to wait for.
    """
    deleted = await run_sync(repository.count_person_rows, sender_id)
    try:
        await rasa_client.execute_action(client, settings, sender_id, ERASE_ACTION_NAME)
    except rasa_client.NoSuchConversation:
        pass
    except rasa_client.RasaDeliveryError as exc:
        logger.warning("erase: Rasa did not run %s, deleting the rows directly: %s", ERASE_ACTION_NAME, exc)
    await run_sync(repository.erase_person, sender_id)
    await run_sync(handoff_actions.audit, actor, "erase", sender_id=sender_id, rows=sum(deleted.values()))
    return {"deleted": deleted}


@api.get(
    "/handoffs",
    response_model=list[HandoffOut],
    summary="Handoffs, oldest first (who waited longest comes first)",
    tags=["handoffs"],
)
def get_handoffs(
    actor: Advocate,
    handoff_status: Annotated[
        HandoffStatus | None, Query(alias="status", description="Only open or only closed.")
    ] = None,
) -> list[dict[str, Any]]:
    """Audited as "list_handoffs" (once per caller and filter in ten minutes: the console polls it)."""
    wanted = handoff_status.value if handoff_status else None
    handoff_actions.audit(actor, "list_handoffs", unless_within=handoff_actions.VIEW_AUDIT_WINDOW, status=wanted)
    return repository.list_handoffs(wanted)


# The endpoints of one handoff, which all answer 404 when there is no such handoff.
one_handoff = APIRouter(
    prefix="/handoffs/{handoff_id}",
    tags=["handoffs"],
    responses={404: {"model": Problem, "description": "No such handoff."}},
)


@one_handoff.get(
    "",
    response_model=HandoffDetail,
    summary="One handoff with the advocate's messages and the transcript since it began",
)
def get_handoff(handoff_id: HandoffId, actor: Advocate) -> dict[str, Any]:
    """The transcript merges Rasa's tracker with the advocate messages; see ``handoff_transcript``.

    Audited as a "view" (once per advocate and handoff in ten minutes: the console polls it).
    """
    try:
        return handoff_actions.view_handoff(handoff_id, actor)
    except handoff_actions.HandoffNotFound:
        raise _not_found(handoff_id) from None


@one_handoff.post(
    "/messages",
    response_model=MessageSent,
    status_code=status.HTTP_201_CREATED,
    summary="Send the person a message as their advocate",
    responses={
        409: {
            "model": Problem | MessageNotDelivered,
            "description": "The handoff is closed: the bot is in charge again (nothing stored). Or the person "
            "texted STOP: the message is stored (a MessageNotDelivered body) but no text may go to them.",
        },
        502: {"model": MessageNotDelivered, "description": "Stored, but Rasa could not deliver it."},
    },
)
async def post_message(
    handoff_id: HandoffId,
    body: MessageIn,
    client: HttpClient,
    settings: CurrentSettings,
    actor: Advocate,
) -> Any:
    """The message is stored first, then delivered through Rasa on the channel of the person's id.

    Its author is the caller's name: the API key's, or the signed-in advocate's (a header cannot
    choose it). Storing first means an advocate's words are never lost: if Rasa is unreachable
    the answer is **502** with the stored message, and the message still shows in the handoff's
    transcript. A person who texted STOP is sent nothing: **409** with the stored message and the
    reason.
    """
    try:
        sent = await handoff_actions.send_message(client, settings, handoff_id, body.text, actor.name, actor)
    except handoff_actions.HandoffNotFound:
        raise _not_found(handoff_id) from None
    except handoff_actions.HandoffIsClosed as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    if not sent.delivered:
        return JSONResponse(
            status_code=status.HTTP_409_CONFLICT if sent.opted_out else status.HTTP_502_BAD_GATEWAY,
            content=MessageNotDelivered(detail=sent.problem or "", message=sent.message).dict(),
        )
    return {**sent.message, "delivered": True}


@one_handoff.post("/close", response_model=HandoffClosed, summary="Hand the conversation back to the bot")
async def close_handoff(
    handoff_id: HandoffId, client: HttpClient, settings: CurrentSettings, actor: Advocate
) -> dict[str, Any]:
    """Close the handoff, clear Rasa's ``handoff_active`` slot and tell the person the bot is back.

    The handoff is closed in the database whatever Rasa does, and the answer is **200**: closing is
    the advocate's decision and is done. ``delivered: false`` with a ``detail`` says Rasa was not
    told. Repeating close is idempotent: the handoff stays closed and only the slot is sent again,
    never a second "you're back" message; so after a failed delivery, closing again once Rasa is
    back makes sure the bot answers the person again.
    """
    try:
        return await handoff_actions.close_handoff(client, settings, handoff_id, actor)
    except handoff_actions.HandoffNotFound:
        raise _not_found(handoff_id) from None


api.include_router(one_handoff)

# --- public pages ----------------------------------------------------------------------------

public = APIRouter()

# The chat page at / is bot.web.widget, the shared question list at /my-questions/ is
# bot.web.share (both installed in create_app).


async def _database_state() -> str:
    """Only the kind of error is shown: /healthz is public and a driver message can name hosts."""
    try:
        await asyncio.wait_for(run_sync(repository.ping_database), timeout=DATABASE_HEALTH_TIMEOUT)
    except asyncio.TimeoutError:
        return "error: timeout"
    except Exception as exc:  # any failure means the database cannot serve people now
        logger.warning("health check: the database failed", exc_info=True)
        return f"error: {type(exc).__name__}"
    return "ok"


@public.get(
    "/healthz",
    response_model=Health,
    response_model_exclude_none=True,
    summary="State of the database, Rasa, the action server, Redis and each instance",
    tags=["health"],
)
async def healthz(client: HttpClient, settings: CurrentSettings) -> dict[str, Any]:
    """Always **200**, with ``status`` "ok" or "degraded" in the body.

    A load balancer that needs a failing status would take the web app out of rotation when Rasa
    is down, yet the console (and soon the widget page) still works and can show the problem; so
    the body carries the verdict and monitoring reads it.
    """
    names = [name for name, _ in settings.instances]
    database, rasa, action_server, redis, *instances = await asyncio.gather(
        _database_state(),
        rasa_client.probe(client, f"{settings.rasa_url}/"),
        rasa_client.probe(client, f"{settings.action_server_url}/health"),
        _redis_state(settings.redis_url),
        *(rasa_client.probe(client, url) for _, url in settings.instances),
    )
    parts: dict[str, Any] = {"database": database, "rasa": rasa, "action_server": action_server}
    states = list(parts.values())
    if redis is not None:
        parts["redis"] = redis
        states.append(redis)
    if settings.instances or settings.instances_problem:
        by_name = dict(zip(names, instances, strict=True))
        if settings.instances_problem:
            by_name["configuration"] = f"error: {settings.instances_problem}"
        parts["instances"] = by_name
        states.extend(by_name.values())
    overall = "ok" if all(state == "ok" for state in states) else "degraded"
    return {"status": overall, **parts}


async def _redis_state(url: str) -> str | None:
    """None without Redis; else "ok" or the kind of error (the URL can hold a password: never shown)."""
    if not url:
        return None
    from redis import asyncio as redis_asyncio

    timeout = DATABASE_HEALTH_TIMEOUT
    client = redis_asyncio.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        await client.ping()
    except Exception as exc:  # any failure means the instances cannot coordinate now
        return f"error: {type(exc).__name__}"
    finally:
        await client.close()
    return "ok"


# --- the app ---------------------------------------------------------------------------------


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with httpx.AsyncClient() as client:
        app.state.http = client
        yield


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """A locked or unreachable database is temporary: say so (503) instead of a bare 500."""
    logger.error("database unavailable for %s %s", request.method, access_log.redact(request.url.path), exc_info=exc)
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": "The database is unavailable; please try again shortly."},
    )


def create_app() -> FastAPI:
    """Build the app; ``bot.web.app:app`` is one instance, tests build their own."""
    # httpx logs each request URL at INFO, and Rasa's token is in that URL's query.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    access_log.install()
    app = FastAPI(title=TITLE, description=DESCRIPTION, version=VERSION, lifespan=_lifespan)
    app.include_router(public)
    widget.install(app)
    share.install(app)
    app.include_router(api)
    app.include_router(console.router)
    app.include_router(review_page.router)
    app.mount(console.STATIC_PATH, StaticFiles(directory=console.STATIC_DIR), name="advocate-static")
    app.add_exception_handler(OperationalError, _database_unavailable)
    web_guard.install(app)
    return app


app = create_app()
