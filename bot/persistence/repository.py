"""The unit-of-work functions the actions and the web app use; each opens one session.

They return plain dicts, never ORM objects, so callers can hand them straight to JSON or across a
thread boundary without touching a closed session.

This module is the facade the rest of the code imports. A person's data lives in modules by
aggregate (``cases``, ``questions``, ``handoffs``, ``privacy``, ``review``), which hash sender ids and seal
values with the person's key (``bot.security.crypto``), so callers keep passing plain sender ids
and get plain values back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.persistence.cases import (
    create_records_request,
    get_case,
    latest_assessment,
    list_records_requests,
    record_case,
    save_assessment,
    set_records_request_status,
)
from bot.persistence.db import session_scope
from bot.persistence.handoffs import (
    add_handoff_message,
    close_handoff,
    current_handoff,
    get_handoff,
    handoff_transcript,
    list_handoffs,
    open_handoff,
)
from bot.persistence.people import aware as _aware
from bot.persistence.people import iso as _iso
from bot.persistence.privacy import (
    clear_sms_opt_out,
    count_person_rows,
    erase_person,
    is_sms_opted_out,
    set_sms_opt_out,
)
from bot.persistence.questions import (
    SHARE_LINK_LIFETIME,
    SHARE_TOKEN_BYTES,
    add_questions,
    clear_questions,
    count_question_texts,
    create_share_link,
    edit_question,
    list_questions,
    record_question_text,
    remove_question,
    remove_questions,
    shared_questions,
)
from bot.persistence.review import (
    count_unclear_messages,
    label_unclear_message,
    list_unclear_messages,
    mark_review_exported,
    record_unclear_message,
    unclear_messages_for_export,
)
from bot.persistence.tracker_events import RASA_EVENTS_TABLE

# Re-exported from the aggregate modules (the functions defined below are public as well).
__all__ = [
    "RASA_EVENTS_TABLE",
    "_aware",
    "_iso",
    "SHARE_LINK_LIFETIME",
    "SHARE_TOKEN_BYTES",
    "add_handoff_message",
    "add_questions",
    "clear_questions",
    "clear_sms_opt_out",
    "close_handoff",
    "count_person_rows",
    "count_question_texts",
    "count_unclear_messages",
    "create_records_request",
    "create_share_link",
    "current_handoff",
    "edit_question",
    "erase_person",
    "get_case",
    "get_handoff",
    "handoff_transcript",
    "is_sms_opted_out",
    "label_unclear_message",
    "unclear_messages_for_export",
    "latest_assessment",
    "list_handoffs",
    "list_questions",
    "list_records_requests",
    "list_unclear_messages",
    "mark_review_exported",
    "open_handoff",
    "record_case",
    "record_question_text",
    "record_unclear_message",
    "remove_question",
    "remove_questions",
    "save_assessment",
    "set_records_request_status",
    "set_sms_opt_out",
    "shared_questions",
]


# --- the summary the API and the advocate see ------------------------------------------------


def case_summary(sender_id: str) -> dict[str, Any]:
    """Everything known about one person, in the shape of ``GET /api/conversations/{id}``."""
    case = get_case(sender_id) or {}
    assessment = latest_assessment(sender_id)
    handoff = current_handoff(sender_id)
    return {
        "sender_id": sender_id,
        "channel": case.get("channel"),
        "condition": case.get("condition"),
        "treatment": case.get("treatment"),
        "recommendation": assessment["recommendation"] if assessment else None,
        "reasons": assessment["reasons"] if assessment else [],
        "questions": list_questions(sender_id),
        "records_requests": list_records_requests(sender_id),
        "handoff": handoff,
    }


def ping_database() -> None:
    """Run ``SELECT 1`` so the health check proves the database answers; raises if it does not."""
    with session_scope() as session:
        session.execute(text("SELECT 1"))


# Advocate accounts, console sessions and API keys: bot.persistence.staff; the audit log:
# bot.persistence.audit. (Both use _iso and _aware, imported above from bot.persistence.people.)
