"""Response and request models of the JSON API.

They are the published contract (``/openapi.json``) and they filter what leaves the server: a field
the repository adds later is not exposed until it is declared here.
"""
from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

MAX_MESSAGE_CHARS = 2000


class Problem(BaseModel):
    """Every refusal carries a human-readable reason, so the console can show why."""

    detail: str = Field(..., description="Why the request was refused.")


class Health(BaseModel):
    status: str = Field(..., description='"ok" when every part answers, else "degraded".', example="ok")
    database: str = Field(..., description='"ok" or "error: <kind>".', example="ok")
    rasa: str = Field(..., description='"ok" or "unreachable".', example="ok")
    action_server: str = Field(..., description='"ok" or "unreachable".', example="ok")
    redis: str | None = Field(None, description='When REDIS_URL is set: "ok" or "error: <kind>".', example="ok")
    instances: dict[str, str] | None = Field(
        None,
        description='Scaled topology only: each Rasa and action server instance, "ok" or "unreachable".',
        example={"rasa-1": "ok", "rasa-2": "ok", "actions-1": "ok"},
    )


class QuestionOut(BaseModel):
    id: int
    text: str
    created_at: str | None = Field(None, description="ISO 8601.")
    source: str = Field(..., description='Who added it: "person" or a suggestion source.')


class RecordsRequestOut(BaseModel):
    id: int
    provider: str
    record_types: list[str]
    date_range: str | None
    record_format: str | None
    delivery: str | None
    patient_name: str | None
    date_of_birth: str | None
    letter: str = Field(..., description="The full request letter citing 45 CFR 164.524.")
    status: str
    created_at: str | None


class HandoffStatus(str, Enum):
    open = "open"
    closed = "closed"


class HandoffOut(BaseModel):
    id: int
    sender_id: str
    channel: str | None
    reason: str = Field(..., description="Why the person was handed over (asked, distress, fallback...).")
    summary: dict[str, Any] = Field(..., description="The case summary taken when the handoff opened.")
    status: HandoffStatus
    created_at: str | None
    closed_at: str | None


class CaseSummary(BaseModel):
    sender_id: str
    channel: str | None
    condition: str | None
    treatment: str | None
    recommendation: str | None = Field(
        None, description="strongly_recommended | recommended | optional, or null before an assessment."
    )
    reasons: list[str] = Field(..., description="The recommendation's reasons in plain words.")
    questions: list[QuestionOut]
    records_requests: list[RecordsRequestOut]
    handoff: HandoffOut | None = Field(None, description="The open handoff, else the latest one, else null.")


class Deleted(BaseModel):
    deleted: dict[str, int] = Field(..., description="Rows erased, by table.")


class AdvocateMessage(BaseModel):
    id: int
    author: str
    text: str
    created_at: str | None


class TranscriptEntry(BaseModel):
    speaker: str = Field(..., alias="from", description='"person", "bot" or "advocate".')
    text: str
    at: str = Field(..., description="ISO 8601, UTC.")
    author: str | None = Field(None, description="The advocate's name on advocate messages.")


class HandoffDetail(HandoffOut):
    advocate_messages: list[AdvocateMessage]
    transcript: list[TranscriptEntry] = Field(..., description="The conversation since the handoff, oldest first.")


class MessageIn(BaseModel):
    """What an advocate types; surrounding whitespace is dropped before the length is checked."""

    text: str = Field(..., min_length=1, max_length=MAX_MESSAGE_CHARS)

    class Config:
        anystr_strip_whitespace = True


class MessageSent(AdvocateMessage):
    delivered: bool = Field(True, description="Rasa accepted the message for the person's channel.")


class MessageNotDelivered(BaseModel):
    detail: str
    stored: bool = Field(True, description="The message is saved and shows in the transcript.")
    delivered: bool = False
    message: AdvocateMessage


class HandoffClosed(BaseModel):
    handoff: HandoffOut
    already_closed: bool = Field(..., description="It was closed before this call (the call changed nothing).")
    delivered: bool = Field(..., description="Rasa was told the bot is back in charge.")
    detail: str | None = Field(None, description="Why Rasa could not be told, when it could not.")
