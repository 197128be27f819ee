"""What a person handed over to a human is told about the wait: the action's one call.

``actions/handoff.py`` calls :func:`handoff_expectation` (through ``run_sync``: it reads the
database) right after the handoff is opened, and sends its text to the person.
"""
from __future__ import annotations

import logging
from datetime import datetime

from bot.advocates.config import AdvocateSettings
from bot.logic.office_hours import EMERGENCY_NOTE, OfficeHours, expectation
from bot.persistence import staff

logger = logging.getLogger(__name__)

FALLBACK = f"An advocate will reply right here as soon as one is available. {EMERGENCY_NOTE}"


def handoff_expectation(now: datetime) -> str:
    """The sentence about when to expect a reply, for the office hours and who is signed in at ``now``.

    Never raises: a misconfigured ADVOCATE_HOURS or a database hiccup must not cost the person
    their handoff, so it is logged and a plain promise without a time is given instead.
    """
    try:
        settings = AdvocateSettings.from_env()
        hours = OfficeHours.parse(settings.hours, settings.timezone)
        online = staff.any_advocate_online(now, settings.online_window)
    except Exception:
        logger.exception("could not work out the advocates' availability; promising no time")
        return FALLBACK
    return expectation(now, hours, online)
