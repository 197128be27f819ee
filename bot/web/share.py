"""The person's question list behind a private link: ``/my-questions/<token>`` and ``<token>.pdf``.

The bot hands out the link when someone asks to print, share, download or text their list (see
``actions/sharing.py``). The token is the only key: 43 random URL-safe characters, stored only as
a hash, expiring after 30 days (``repository.create_share_link``). The URL never carries the
sender id, which for SMS is the person's phone number.

Every request reads the list afresh, so edits made after sharing show. Unknown, malformed and
expired tokens all get the same friendly 404 page, so a guesser learns nothing about which tokens
once existed. The pages:

- are plain HTML from Jinja2 templates with autoescaping, so a question like
  ``<script>...</script>`` is shown as text; the Content-Security-Policy allows only this app's
  own stylesheet and script (the Print button), so even a missed escape could not run;
- are never cached and send no Referer (the token must not leak to another site), and ask search
  engines not to index them;
- carry no bot chrome: large type on a phone, one clean sheet on paper (print CSS), a Print
  button and a PDF (``question_pdf``).

The handlers are plain ``def``: FastAPI runs them in its thread pool, so the database read and
the PDF rendering never block the event loop.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from bot.advocates.config import DEFAULT_TIMEZONE
from bot.logic.sharing import BRING_NOTE, LINK_DAYS, LIST_TITLE, PAGE_PATH, long_date
from bot.persistence import repository
from bot.web.pages import templates
from bot.web.question_pdf import build_pdf

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static" / "share"
# Under the page's own prefix, so a proxy needs one rule (/my-questions/) for the whole feature.
STATIC_PATH = f"{PAGE_PATH}/static"
PDF_FILENAME = "questions-for-my-appointment.pdf"
# What secrets.token_urlsafe produces; anything else is not worth a database query.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
}

_templates = templates("share")

router = APIRouter(tags=["question list"])


def _today() -> date:
    """The date in the service's time zone (ADVOCATE_TIMEZONE): a US evening is not tomorrow yet."""
    try:
        zone = ZoneInfo((os.environ.get("ADVOCATE_TIMEZONE") or DEFAULT_TIMEZONE).strip())
    except Exception:  # a bad setting dates the list in UTC rather than breaking the page
        zone = ZoneInfo("UTC")
    return datetime.now(timezone.utc).astimezone(zone).date()


def _shared(token: str) -> dict[str, Any] | None:
    if not _TOKEN.match(token):
        return None
    return repository.shared_questions(token)


def _not_found() -> HTMLResponse:
    html = _templates.get_template("not_found.html").render(static=STATIC_PATH, days=LINK_DAYS)
    return HTMLResponse(html, status_code=404, headers=SECURITY_HEADERS)


# The PDF route comes first: "/my-questions/{token}" would otherwise also match "<token>.pdf".
@router.get(
    f"{PAGE_PATH}/{{token}}.pdf",
    summary="The shared question list as a PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 404: {"description": "Unknown or expired link."}},
)
def question_list_pdf(token: str) -> Response:
    shared = _shared(token)
    if shared is None:
        return _not_found()
    pdf = build_pdf(shared["questions"], _today())
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'inline; filename="{PDF_FILENAME}"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get(
    f"{PAGE_PATH}/{{token}}",
    summary="The shared question list as a printable page",
    response_class=HTMLResponse,
    responses={404: {"description": "Unknown or expired link (a friendly page)."}},
)
def question_list_page(token: str) -> HTMLResponse:
    shared = _shared(token)
    if shared is None:
        return _not_found()
    expires = datetime.fromisoformat(shared["expires_at"])
    html = _templates.get_template("questions.html").render(
        title=LIST_TITLE,
        today=long_date(_today()),
        questions=shared["questions"],
        note=BRING_NOTE,
        expires=long_date(expires.date()),
        # Relative: right behind any proxy or prefix, and the token is already in this page's URL.
        pdf_href=f"{token}.pdf",
        static=STATIC_PATH,
    )
    return HTMLResponse(html, headers=SECURITY_HEADERS)


def install(app: FastAPI) -> None:
    """Add the shared-list pages and their stylesheet and script to the web app."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="share-static")
    app.include_router(router)
