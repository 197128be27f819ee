"""The console's "Not understood" page (``/advocate/not-understood``): advocates label what the bot missed.

Every message that fell back or was asked "did you mean" is kept de-identified and sealed
(``bot.persistence.review``). Here a signed-in advocate sees the unlabelled ones, newest first,
with how the bot read them, and picks the intent the person meant, or "not for training". The
labelled ones are listed apart (a label can still be changed until ``make export-review`` takes
it). Nothing labelled here reaches the training data by itself: the export is a file for a person
to review before anything enters ``data/nlu``.

The page shares the console's sign-in, CSRF token, security headers and templates
(``bot.web.console``); every view and every label is audited with ids only, never the text or the
intent chosen (the label is sealed like the text: it says what the person wrote about).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

import yaml
from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response

from bot.persistence import repository, staff
from bot.web import auth
from bot.web import handoffs as handoff_actions
from bot.web.console import MAX_ID, CsrfToken, _forbidden, _office_status, _redirect, _render, _signed_in

PAGE = "/advocate/not-understood"
PAGE_SIZE = 25
DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
NOT_FOR_TRAINING = "not_for_training"
RETRIEVAL_INTENT = "faq"
KINDS = {"fallback": "Fell back", "did_you_mean": "Asked “did you mean”"}
CHANNEL_KINDS = {"sms": "SMS", "slack": "Slack", "web": "Website chat", "rest": "REST API"}
NOTICES = {
    "labelled": ("ok", "Labelled. It goes into the next export for review."),
    "excluded": ("ok", "Marked “not for training”: no export will include it."),
    "gone": ("error", "That message is no longer here: it was exported already, or the person deleted their data."),
    "no_label": ("error", "Choose an intent (or “not for training”) first."),
}

router = APIRouter(prefix=PAGE, include_in_schema=False)
MessageId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


@cache
def intent_choices() -> tuple[str, ...]:
    """What a message can be labelled with: the domain's intents, each FAQ as ``faq/<sub>``.

    The bare retrieval intent is left out: a training example of ``faq`` must say which answer it
    wants. Read from ``domain.yml``, so intents added later appear without an edit here.
    """
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    intents = [name if isinstance(name, str) else next(iter(name)) for name in domain.get("intents") or []]
    prefix = f"utter_{RETRIEVAL_INTENT}/"
    responses = domain.get("responses") or {}
    faqs = sorted(f"{RETRIEVAL_INTENT}/{key[len(prefix) :]}" for key in responses if key.startswith(prefix))
    return (*(name for name in intents if name != RETRIEVAL_INTENT), *faqs)


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


@router.get("")
def not_understood(request: Request, page: PageNumber = 1, done: PageNumber = 1, notice: str | None = None) -> Response:
    actor = _signed_in(request)
    if actor is None:
        return _redirect("/advocate/login", next=PAGE)
    waiting_total = repository.count_unclear_messages(labelled=False)
    labelled_total = repository.count_unclear_messages(labelled=True)
    waiting = repository.list_unclear_messages(labelled=False, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    labelled = repository.list_unclear_messages(labelled=True, limit=PAGE_SIZE, offset=(done - 1) * PAGE_SIZE)
    handoff_actions.audit(actor, "view_not_understood", page=page, done=done, shown=len(waiting) + len(labelled))
    return _render(
        "not_understood.html",
        actor=actor,
        office=_office_status(),
        notice=NOTICES.get(notice or ""),
        waiting=waiting,
        labelled=labelled,
        waiting_total=waiting_total,
        labelled_total=labelled_total,
        page=page,
        pages=_pages(waiting_total),
        done=done,
        done_pages=_pages(labelled_total),
        choices=intent_choices(),
        not_for_training=NOT_FOR_TRAINING,
        kinds=KINDS,
        channel_kinds=CHANNEL_KINDS,
        advocates={a["id"]: a["name"] for a in staff.list_advocates()},
    )


@router.post("/{message_id}/label")
def label(
    request: Request,
    message_id: MessageId,
    intent: Annotated[str, Form(max_length=200)] = "",
    csrf_token: CsrfToken = "",
    page: Annotated[int, Form(ge=1, le=100_000)] = 1,
    done: Annotated[int, Form(ge=1, le=100_000)] = 1,
) -> Response:
    """Store the advocate's label (an intent of the domain, or "not for training") and audit it."""
    actor = _signed_in(request)
    if actor is None or actor.advocate_id is None:
        return _redirect("/advocate/login", next=PAGE, notice="expired")
    if not auth.same_token(actor.csrf_token, csrf_token):
        return _forbidden(actor)
    if intent != NOT_FOR_TRAINING and intent not in intent_choices():
        return _redirect(PAGE, page=page, done=done, notice="no_label")
    chosen = None if intent == NOT_FOR_TRAINING else intent
    stored = repository.label_unclear_message(message_id, chosen, actor.advocate_id)
    if stored is None:
        return _redirect(PAGE, page=page, done=done, notice="gone")
    handoff_actions.audit(actor, "label_message", message_id=message_id, for_training=chosen is not None)
    return _redirect(PAGE, page=page, done=done, notice="labelled" if chosen else "excluded")
