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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query, Request, Security, status
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import OperationalError

from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.settings import Settings
from bot.web import rasa_client
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

Every `/api/*` endpoint needs `Authorization: Bearer <ADVOCATE_API_TOKEN>`. A missing or wrong
token gets **401**; while the server has no token configured the API refuses everything with
**503** (it is never open). `/healthz` needs no token and always answers 200: read its body.
"""
DEFAULT_AUTHOR = "advocate"
DATABASE_HEALTH_TIMEOUT = 2.0
# Postgres INTEGER: a larger id could never exist and would make the driver raise.
MAX_ID = 2**31 - 1

SenderId = Annotated[
    str, Path(min_length=1, max_length=255, description="Rasa's sender_id: the person's channel identity.")
]
HandoffId = Annotated[int, Path(ge=1, le=MAX_ID, description="The handoff's id.")]

_bearer = HTTPBearer(auto_error=False, description="The advocate console's token (ADVOCATE_API_TOKEN).")


def get_settings() -> Settings:
    return Settings.from_env()


CurrentSettings = Annotated[Settings, Depends(get_settings)]


def require_advocate(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)], settings: CurrentSettings
) -> None:
    """Let only the advocate console in: the API shows people's medical situations and can erase them.

    With no token configured the API is closed (503), never open. ``hmac.compare_digest`` on bytes
    compares in constant time and copes with any header text (a ``str`` compare raises on non-ASCII).
    Runs before the path and query are validated, so a caller without the token learns nothing else.
    """
    expected = settings.advocate_api_token.strip()
    if not expected:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The advocate API is disabled: ADVOCATE_API_TOKEN is not set on the server.",
        )
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Missing bearer token: send 'Authorization: Bearer <ADVOCATE_API_TOKEN>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Wrong bearer token.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )


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
        401: {"model": Problem, "description": "Missing or wrong bearer token (`WWW-Authenticate: Bearer`)."},
        503: {"model": Problem, "description": "ADVOCATE_API_TOKEN is not configured, or the database is down."},
    },
)


@api.get(
    "/conversations/{sender_id}",
    response_model=CaseSummary,
    summary="Case summary of one person",
    tags=["conversations"],
)
def get_conversation(sender_id: SenderId) -> dict[str, Any]:
    """Condition, treatment, recommendation and reasons, questions, records requests and handoff.

    An unknown sender gets **200** with nulls and empty lists, not 404: a person who has not told
    the bot anything yet simply has nothing stored, and the console shows the same empty case.
    """
    return repository.case_summary(sender_id)


@api.get(
    "/conversations/{sender_id}/questions",
    response_model=list[QuestionOut],
    summary="The person's saved questions, in the order they were added",
    tags=["conversations"],
)
def get_questions(sender_id: SenderId) -> list[dict[str, Any]]:
    return repository.list_questions(sender_id)


@api.get(
    "/conversations/{sender_id}/records-requests",
    response_model=list[RecordsRequestOut],
    summary="The person's medical-records requests, oldest first",
    tags=["conversations"],
)
def get_records_requests(sender_id: SenderId) -> list[dict[str, Any]]:
    return repository.list_records_requests(sender_id)


@api.delete(
    "/conversations/{sender_id}",
    response_model=Deleted,
    summary="Erase everything stored about the person",
    tags=["conversations"],
)
def delete_conversation(sender_id: SenderId) -> dict[str, Any]:
    """Questions, records requests, assessments, handoffs and Rasa's conversation history.

    Answers 200 with the rows erased per table even when there was nothing (erasing is idempotent).
    """
    return {"deleted": repository.erase_person(sender_id)}


@api.get(
    "/handoffs",
    response_model=list[HandoffOut],
    summary="Handoffs, oldest first (who waited longest comes first)",
    tags=["handoffs"],
)
def get_handoffs(
    handoff_status: Annotated[
        HandoffStatus | None, Query(alias="status", description="Only open or only closed.")
    ] = None,
) -> list[dict[str, Any]]:
    return repository.list_handoffs(handoff_status.value if handoff_status else None)


@api.get(
    "/handoffs/{handoff_id}",
    response_model=HandoffDetail,
    summary="One handoff with the advocate's messages and the transcript since it began",
    responses={404: {"model": Problem, "description": "No such handoff."}},
    tags=["handoffs"],
)
def get_handoff(handoff_id: HandoffId) -> dict[str, Any]:
    """The transcript merges Rasa's tracker with the advocate messages; see ``handoff_transcript``."""
    handoff = repository.get_handoff(handoff_id)
    transcript = repository.handoff_transcript(handoff_id)
    if handoff is None or transcript is None:
        raise _not_found(handoff_id)
    return {**handoff, "transcript": transcript}


@api.post(
    "/handoffs/{handoff_id}/messages",
    response_model=MessageSent,
    status_code=status.HTTP_201_CREATED,
    summary="Send the person a message as their advocate",
    responses={
        404: {"model": Problem, "description": "No such handoff."},
        409: {"model": Problem, "description": "The handoff is closed: the bot is in charge again."},
        502: {"model": MessageNotDelivered, "description": "Stored, but Rasa could not deliver it."},
    },
    tags=["handoffs"],
)
async def post_message(
    handoff_id: HandoffId,
    body: MessageIn,
    client: HttpClient,
    settings: CurrentSettings,
    x_advocate_name: Annotated[
        str | None,
        Header(max_length=255, description=f'The advocate\'s name in the transcript (default "{DEFAULT_AUTHOR}").'),
    ] = None,
) -> Any:
    """The message is stored first, then delivered through Rasa on the person's latest channel.

    Storing first means an advocate's words are never lost: if Rasa is unreachable the answer is
    **502** with the stored message, and the message still shows in the handoff's transcript.
    """
    handoff = await run_sync(repository.get_handoff, handoff_id)
    if handoff is None:
        raise _not_found(handoff_id)
    if handoff["status"] != HandoffStatus.open.value:
        raise HTTPException(status.HTTP_409_CONFLICT, f"Handoff {handoff_id} is closed; the bot is in charge again.")
    author = (x_advocate_name or "").strip() or DEFAULT_AUTHOR
    message = await run_sync(repository.add_handoff_message, handoff_id, author, body.text)
    if message is None:  # erased between the two calls
        raise _not_found(handoff_id)
    event = rasa_client.advocate_message_event(body.text, author, message["id"])
    try:
        await rasa_client.append_events(client, settings, handoff["sender_id"], [event])
    except rasa_client.RasaDeliveryError as exc:
        logger.warning("handoff %s: message %s stored but not delivered: %s", handoff_id, message["id"], exc)
        return JSONResponse(
            status_code=status.HTTP_502_BAD_GATEWAY,
            content=MessageNotDelivered(
                detail=f"The message was stored but not delivered: {exc}", message=message
            ).dict(),
        )
    return {**message, "delivered": True}


@api.post(
    "/handoffs/{handoff_id}/close",
    response_model=HandoffClosed,
    summary="Hand the conversation back to the bot",
    responses={404: {"model": Problem, "description": "No such handoff."}},
    tags=["handoffs"],
)
async def close_handoff(handoff_id: HandoffId, client: HttpClient, settings: CurrentSettings) -> dict[str, Any]:
    """Close the handoff, clear Rasa's ``handoff_active`` slot and tell the person the bot is back.

    The handoff is closed in the database whatever Rasa does, and the answer is **200**: closing is
    the advocate's decision and is done. ``delivered: false`` with a ``detail`` says Rasa was not
    told. Repeating close is idempotent: the handoff stays closed and only the slot is sent again,
    never a second "you're back" message; so after a failed delivery, closing again once Rasa is
    back makes sure the bot answers the person again.
    """
    before = await run_sync(repository.get_handoff, handoff_id)
    if before is None:
        raise _not_found(handoff_id)
    already_closed = before["status"] == HandoffStatus.closed.value
    handoff = await run_sync(repository.close_handoff, handoff_id)
    if handoff is None:  # erased between the two calls
        raise _not_found(handoff_id)
    events = [rasa_client.handoff_active_event(False)]
    if not already_closed:
        events.append(rasa_client.back_to_bot_event())
    try:
        await rasa_client.append_events(client, settings, handoff["sender_id"], events)
    except rasa_client.RasaDeliveryError as exc:
        logger.warning("handoff %s closed but Rasa was not told: %s", handoff_id, exc)
        return {"handoff": handoff, "already_closed": already_closed, "delivered": False, "detail": str(exc)}
    return {"handoff": handoff, "already_closed": already_closed, "delivered": True, "detail": None}


# --- public pages ----------------------------------------------------------------------------

public = APIRouter()

HOME_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{TITLE}</title>
</head>
<body>
  <main>
    <h1>{TITLE}</h1>
    <p>A virtual patient advocate for getting a second medical opinion. Not for emergencies: call 911.</p>
    <p>The chat widget arrives here.</p>
    <ul>
      <li><a href="/healthz">Health</a></li>
      <li><a href="/docs">API documentation</a></li>
    </ul>
  </main>
</body>
</html>
"""


@public.get("/", response_class=HTMLResponse, summary="Home page (the chat widget will live here)", tags=["pages"])
def home() -> str:
    return HOME_PAGE


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
    "/healthz", response_model=Health, summary="State of the database, Rasa and the action server", tags=["health"]
)
async def healthz(client: HttpClient, settings: CurrentSettings) -> dict[str, str]:
    """Always **200**, with ``status`` "ok" or "degraded" in the body.

    A load balancer that needs a failing status would take the web app out of rotation when Rasa
    is down, yet the console (and soon the widget page) still works and can show the problem; so
    the body carries the verdict and monitoring reads it.
    """
    database, rasa, action_server = await asyncio.gather(
        _database_state(),
        rasa_client.probe(client, f"{settings.rasa_url}/"),
        rasa_client.probe(client, f"{settings.action_server_url}/health"),
    )
    parts = {"database": database, "rasa": rasa, "action_server": action_server}
    overall = "ok" if all(state == "ok" for state in parts.values()) else "degraded"
    return {"status": overall, **parts}


# --- the app ---------------------------------------------------------------------------------


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with httpx.AsyncClient() as client:
        app.state.http = client
        yield


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """A locked or unreachable database is temporary: say so (503) instead of a bare 500."""
    logger.error("database unavailable for %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": "The database is unavailable; please try again shortly."},
    )


def create_app() -> FastAPI:
    """Build the app; ``bot.web.app:app`` is one instance, tests build their own."""
    # httpx logs each request URL at INFO, and Rasa's token is in that URL's query.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = FastAPI(title=TITLE, description=DESCRIPTION, version=VERSION, lifespan=_lifespan)
    app.include_router(public)
    app.include_router(api)
    app.add_exception_handler(OperationalError, _database_unavailable)
    return app


app = create_app()
