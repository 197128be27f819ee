"""Rasa 3.6 extensions: the NLU components, the handoff policy and the tracker store.

`config.yml` and `endpoints.yml` name these classes by module path; Rasa imports them with the
working directory on `sys.path`, so `rasa train` / `rasa run` must be started from the repository
root.
"""
from __future__ import annotations

import re

# The action that erases a person (actions/privacy.py); the tracker store drops the stored history
# when it saves a turn that ran it, and the web app runs it through Rasa's API (no Rasa import).
ERASE_ACTION_NAME = "action_erase_data"

# Rasa's RegexMessageHandler unpacks texts like `/inform{"urgency":"weeks"}` or `/affirm@0.9`
# (an intent name without spaces, optional confidence, optional JSON entities).
_BUTTON_PAYLOAD = re.compile(r"^/[^\s{@]+(?:@[0-9.]+)?(?:\{.*\})?$", re.DOTALL)


def is_button_payload(text: str | None) -> bool:
    """True for a button payload such as `/inform{"urgency":"weeks"}`.

    Rasa's RegexMessageHandler runs after the whole NLU pipeline and replaces such a message
    with the intent and entities the payload spells out, so our components leave it alone.
    The pattern is stricter than Rasa's (no space in the intent name): a typed message that
    merely starts with "/" ("/ I can't breathe") is still free text and gets the safety check.
    """
    return bool(text) and _BUTTON_PAYLOAD.match(text.strip()) is not None
