"""Button payloads typed or sent as text: `/inform{"urgency":"weeks"}`, `/affirm@0.9`.

A message that is a button payload says what it means, so no reader applies its patterns to it;
a typed message that merely starts with "/" ("/ I can't breathe") is still free text.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Rasa's RegexMessageHandler unpacks texts like `/inform{"urgency":"weeks"}` or `/affirm@0.9`
# (an intent name without spaces, optional confidence, optional JSON entities).
_BUTTON_PAYLOAD = re.compile(r"^/[^\s{@]+(?:@[0-9.]+)?(?:\{.*\})?$", re.DOTALL)
# The payloads the bot's own buttons carry: an intent and optional JSON entities.
_OWN_PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$", re.DOTALL)


def is_button_payload(text: str | None) -> bool:
    """True for a button payload such as `/inform{"urgency":"weeks"}`.

    Rasa's RegexMessageHandler runs after the whole NLU pipeline and replaces such a message
    with the intent and entities the payload spells out, so our components leave it alone.
    The pattern is stricter than Rasa's (no space in the intent name): a typed message that
    merely starts with "/" ("/ I can't breathe") is still free text and gets the safety check.
    """
    return bool(text) and _BUTTON_PAYLOAD.match(text.strip()) is not None


def split_button_payload(text: str) -> tuple[str, str] | None:
    """The intent and the JSON entities text (`""` when none) of a payload, or None for other text."""
    match = _OWN_PAYLOAD.match(text)
    return (match.group("intent"), match.group("entities") or "") if match else None


def parse_button_payload(payload: str) -> tuple[str, dict[str, Any]]:
    """The intent and entities of one of the bot's button payloads (`/request_records{"x": 1}`).

    Raises ValueError for anything else: only a payload the bot itself offered is pressed for the
    person, so a malformed one is a bug to see, not a message to guess at.
    """
    parts = split_button_payload(payload)
    if parts is None:
        raise ValueError(f"not a button payload: {payload!r}")
    intent, entities = parts
    return intent, json.loads(entities or "{}")
