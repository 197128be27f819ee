"""Abuse limits on what the bot makes happen outside the chat: texts to typed numbers, hand-offs.

The settings, read from the environment in this one place (per call, like ``bot.settings``):

| variable | default | what |
|---|---|---|
| SMS_DAILY_LIMIT_PER_NUMBER | 3 | texted lists one phone number gets per day, from all conversations |
| SMS_DAILY_LIMIT_TOTAL | 200 | texted lists the whole service sends per day (bounds the bill and the harm) |
| SMS_DAILY_LIMIT_PER_CONVERSATION | 3 | texted lists one conversation may send per day, to any numbers |
| SMS_ALLOWED_COUNTRIES | ``US,CA`` | ISO codes of the countries a list may be texted to (US: with its territories) |
| HANDOFF_HOURLY_LIMIT_PER_PERSON | 3 | new hand-offs (advocate page + Slack announcement) per person per hour |

Days and hours are UTC calendar windows (a day starts at 00:00 UTC): a counter per window is what
lets one conditional UPDATE decide atomically (``bot.persistence.limits``). 0 switches a thing off.

Why each one: conversation ids cost nothing (a new browser session is a new person), so only a
limit per *destination* protects the owner of a phone from being texted by strangers, and only a
global cap bounds what an attacker with many sessions can spend. The per-conversation cap stays
as a cheap brake on one session spraying many numbers. Safety replies (988/911) are never limited.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from babel import Locale

from bot.logic.phone_countries import KNOWN_COUNTRIES
from bot.persistence.limits import Quota
from bot.security.hashing import keyed_hash

# The purposes of the keyed hashes: a number's counter is not linkable to a conversation id.
DESTINATION_PURPOSE = "sms_destination"
SENDER_PURPOSE = "sender"  # the same as the persistence layer's lookup key for a person (issue 12)

# Every variable read here (the test stack keeps a developer's own values out).
SETTING_NAMES = (
    "SMS_DAILY_LIMIT_PER_NUMBER",
    "SMS_DAILY_LIMIT_TOTAL",
    "SMS_DAILY_LIMIT_PER_CONVERSATION",
    "SMS_ALLOWED_COUNTRIES",
    "HANDOFF_HOURLY_LIMIT_PER_PERSON",
)

SMS_PER_NUMBER = "sms_per_number"
SMS_TOTAL = "sms_total"
HANDOFFS = "handoffs"
EVERYONE = "all"
# Country names said with "the": "the United States and Canada".
_WITH_THE = frozenset({"US", "GB", "AE", "NL", "PH", "DO", "BS"})


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number (0 or more), got {raw!r}")
    return int(raw)


def _countries(environ: Mapping[str, str], name: str, default: str) -> frozenset[str]:
    codes = frozenset(code.strip().upper() for code in (environ.get(name) or default).split(",") if code.strip())
    unknown = sorted(codes - KNOWN_COUNTRIES)
    if unknown:
        raise ValueError(
            f"{name}: no phone numbering known for {', '.join(unknown)} (bot/logic/phone_countries.py lists them)"
        )
    return codes


@dataclass(frozen=True)
class LimitSettings:
    texts_per_number_per_day: int
    texts_per_day: int
    texts_per_conversation_per_day: int
    sms_countries: frozenset[str]
    handoffs_per_person_per_hour: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LimitSettings:
        env = os.environ if environ is None else environ
        return cls(
            texts_per_number_per_day=_count(env, "SMS_DAILY_LIMIT_PER_NUMBER", 3),
            texts_per_day=_count(env, "SMS_DAILY_LIMIT_TOTAL", 200),
            texts_per_conversation_per_day=_count(env, "SMS_DAILY_LIMIT_PER_CONVERSATION", 3),
            sms_countries=_countries(env, "SMS_ALLOWED_COUNTRIES", "US,CA"),
            handoffs_per_person_per_hour=_count(env, "HANDOFF_HOURLY_LIMIT_PER_PERSON", 3),
        )

    def country_names(self) -> str:
        """ "the United States and Canada": what the person is told they may text to."""
        names = Locale("en").territories
        ordered = sorted(self.sms_countries, key=lambda code: (code not in ("US", "CA"), code != "US", names[code]))
        spoken = [("the " if code in _WITH_THE else "") + names[code] for code in ordered]
        return spoken[0] if len(spoken) == 1 else ", ".join(spoken[:-1]) + " and " + spoken[-1]


def _day(now: datetime) -> tuple[str, datetime]:
    start = now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%d"), start + timedelta(days=1)


def _hour(now: datetime) -> tuple[str, datetime]:
    start = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%dT%H"), start + timedelta(hours=1)


def text_quotas(number: str, settings: LimitSettings, now: datetime) -> list[Quota]:
    """What one texted list uses up: a text to this number today, and one of today's total.

    Only a keyed hash of the number is stored, with the day: enough to count, nothing to read back.
    """
    window, ends = _day(now)
    destination = keyed_hash(number, DESTINATION_PURPOSE)
    return [
        Quota(SMS_PER_NUMBER, destination, window, settings.texts_per_number_per_day, ends),
        Quota(SMS_TOTAL, EVERYONE, window, settings.texts_per_day, ends),
    ]


def handoff_quota(sender_id: str, settings: LimitSettings, now: datetime) -> Quota:
    """One new hand-off for this person this hour."""
    window, ends = _hour(now)
    return Quota(HANDOFFS, keyed_hash(sender_id, SENDER_PURPOSE), window, settings.handoffs_per_person_per_hour, ends)
