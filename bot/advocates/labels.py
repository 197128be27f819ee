"""Words for the codes stored on a handoff, shared by the console and the Slack announcement."""
from __future__ import annotations

REASONS = {
    "asked_for_person": "Asked for a person",
    "distress": "Distress or crisis",
    "bot_did_not_understand": "The bot did not understand twice",
    "insurance_denial": "Insurance denial or appeal",
    "billing_dispute": "Billing dispute",
    "care_complaint": "Complaint about care",
}
CHANNELS = {
    "socketio": "Website chat",
    "twilio": "SMS",
    "sms": "SMS",
    "slack": "Slack",
    "rest": "REST API",
}


def reason_label(code: str | None) -> str:
    """A known reason in words; an unknown code still reads as words (new triggers need no edit here)."""
    if not code:
        return "Unknown reason"
    return REASONS.get(code, code.replace("_", " ").capitalize())


def channel_label(code: str | None) -> str:
    if not code:
        return "Unknown channel"
    return CHANNELS.get(code, code)
