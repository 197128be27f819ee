"""Slowing password guessing at the console: exponential backoff per client address and per account.

A hard lock after N failures lets any stranger lock an advocate out, and counting per e-mail only
does nothing against one address trying a common password on every account ("spraying"). So
failures are counted twice, under a keyed hash of the client address (across accounts) and of the
e-mail typed (across addresses), over :data:`WINDOW`. After a few free failures each further one
doubles the wait before the next attempt is even checked, up to a cap: the owner of an attacked
account waits at most :attr:`Policy.cap` after the attacker's last real attempt, never forever.
Attempts refused while waiting are not checked and not counted, so hammering does not extend the
wait. The counts live in the database (``login_failures``), so every web process sees them.

Which address a request comes from: the connection's peer as the ASGI server reports it.
``X-Forwarded-For`` is read only when ``ADVOCATE_TRUST_FORWARDED_FOR=true`` (the console is
behind a proxy that sets it); then its last entry, the address the nearest proxy saw, is used.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request

from bot.persistence import staff
from bot.security.hashing import keyed_hash

WINDOW = timedelta(minutes=30)
TRUST_FORWARDED_VARIABLE = "ADVOCATE_TRUST_FORWARDED_FOR"


@dataclass(frozen=True)
class Policy:
    """After ``free`` failures the next attempt waits ``base``; every further failure doubles it, up to ``cap``."""

    scope: str
    free: int
    base: timedelta
    cap: timedelta

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        doublings = min(failures - self.free, 40)  # 2**40 s is past any cap; more would overflow timedelta
        return min(self.base * 2**doublings, self.cap)


# One account: a person mistyping gets 5 tries, then 1 s, 2 s, 4 s ... at most 5 minutes.
ACCOUNT = Policy("account", free=5, base=timedelta(seconds=1), cap=timedelta(minutes=5))
# One address across accounts: an office behind one address gets more room, spraying stays slow.
ADDRESS = Policy("address", free=10, base=timedelta(seconds=1), cap=timedelta(minutes=15))


def client_address(request: Request) -> str:
    if (os.environ.get(TRUST_FORWARDED_VARIABLE) or "").strip().lower() in ("1", "true", "yes"):
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.client.host if request.client else "unknown"


def _keys(address: str, email: str) -> list[tuple[Policy, str]]:
    return [
        (ADDRESS, keyed_hash(address, "login-address")),
        (ACCOUNT, keyed_hash(staff.normalize_email(email), "login-account")),
    ]


def seconds_to_wait(address: str, email: str, now: datetime) -> int:
    """0 when a sign-in from ``address`` for ``email`` may be checked now, else whole seconds to wait."""
    longest = 0.0
    for policy, key_hash in _keys(address, email):
        failures, last = staff.login_failures(policy.scope, key_hash, now - WINDOW)
        if last is not None:
            longest = max(longest, (last + policy.wait_after(failures) - now).total_seconds())
    return math.ceil(longest) if longest > 0 else 0


def record_failure(address: str, email: str, now: datetime) -> None:
    staff.record_login_failure([(policy.scope, key) for policy, key in _keys(address, email)], now, now - WINDOW)


def record_success(email: str) -> None:
    """The owner is in: their account's count starts again (the address's fades with the window)."""
    staff.clear_login_failures(ACCOUNT.scope, keyed_hash(staff.normalize_email(email), "login-account"))
