"""Staff rows: advocate accounts, console sessions, API keys and failed sign-ins (the throttle).

Moved here from ``bot.persistence.repository`` (which keeps the person's data) so the two grow
apart; the audit log is :mod:`bot.persistence.audit`. Like the repository, every function is one
unit of work and returns plain dicts.

Nothing stored here lets a database reader sign in or call the API: passwords arrive hashed
(Argon2id, bot.advocates.passwords), session tokens and API keys as their SHA-256, TOTP secrets
encrypted (bot.advocates.totp), client addresses and typed e-mails of failed sign-ins as keyed
hashes.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.persistence.db import inserted, session_scope
from bot.persistence.models import Advocate, AdvocateSession, ApiKey, LoginFailure, utcnow
from bot.persistence.repository import _aware, _iso

# --- accounts and console sessions (issue 4) ---------------------------------------------
#
# Passwords arrive here already hashed (bot.advocates.passwords) and session tokens as their
# SHA-256: the database never holds anything that would let a reader sign in.

SESSION_TOUCH_INTERVAL = timedelta(seconds=15)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _advocate_dict(a: Advocate) -> dict[str, Any]:
    return {
        "id": a.id,
        "email": a.email,
        "name": a.name,
        "active": bool(a.active),
        "created_at": _iso(a.created_at),
        "disabled_at": _iso(a.disabled_at),
        "totp": a.totp_secret is not None,
    }


def _advocate_by_email(session: Session, email: str) -> Advocate | None:
    return session.scalars(select(Advocate).where(Advocate.email == normalize_email(email)).limit(1)).first()


def create_advocate(email: str, name: str, password_hash: str) -> dict[str, Any]:
    """Add an advocate account; ValueError if the e-mail address already has one."""
    with session_scope() as session:
        if _advocate_by_email(session, email) is not None:
            raise ValueError(f"an advocate with e-mail {normalize_email(email)} already exists")
        row = Advocate(email=normalize_email(email), name=name.strip(), password_hash=password_hash, active=True)
        return _advocate_dict(inserted(session, row))


def list_advocates() -> list[dict[str, Any]]:
    with session_scope() as session:
        return [_advocate_dict(a) for a in session.scalars(select(Advocate).order_by(Advocate.id))]


def advocate_credentials(email: str) -> dict[str, Any] | None:
    """The account with its password hash, for signing in only; None if there is no such e-mail."""
    with session_scope() as session:
        row = _advocate_by_email(session, email)
        if row is None:
            return None
        return {**_advocate_dict(row), "password_hash": row.password_hash, "totp_secret": row.totp_secret}


def _end_sessions(session: Session, advocate_id: int) -> None:
    now = utcnow()
    for row in session.scalars(
        select(AdvocateSession).where(AdvocateSession.advocate_id == advocate_id, AdvocateSession.ended_at.is_(None))
    ):
        row.ended_at = now


def set_advocate_active(email: str, active: bool) -> dict[str, Any] | None:
    """Enable or disable an account; disabling also signs it out everywhere. None if unknown."""
    with session_scope() as session:
        row = _advocate_by_email(session, email)
        if row is None:
            return None
        row.active = active
        row.disabled_at = None if active else (row.disabled_at or utcnow())
        if not active:
            _end_sessions(session, row.id)
        session.flush()
        return _advocate_dict(row)


def set_advocate_password(email: str, password_hash: str, *, sign_out: bool = True) -> dict[str, Any] | None:
    """Store a new hash; a reset (``sign_out``) ends the account's sessions. None if unknown."""
    with session_scope() as session:
        row = _advocate_by_email(session, email)
        if row is None:
            return None
        row.password_hash = password_hash
        if sign_out:
            _end_sessions(session, row.id)
        session.flush()
        return _advocate_dict(row)


def start_advocate_session(advocate_id: int, token_hash: str, csrf_token: str, expires_at: datetime) -> dict[str, Any]:
    with session_scope() as session:
        row = AdvocateSession(
            advocate_id=advocate_id, token_hash=token_hash, csrf_token=csrf_token, expires_at=expires_at
        )
        inserted(session, row)
        return {"id": row.id, "advocate_id": advocate_id, "expires_at": _iso(row.expires_at)}


def advocate_session(token_hash: str, now: datetime, idle_timeout: timedelta) -> dict[str, Any] | None:
    """The live session with this token and its advocate, marking it seen; None if it is not live.

    Not live: unknown, signed out, past its expiry, idle longer than ``idle_timeout``, or its
    account disabled. ``last_seen_at`` is written at most every :data:`SESSION_TOUCH_INTERVAL`,
    so a console polling every second does not write every second.
    """
    now = now.astimezone(timezone.utc)  # SQLite compares the stored UTC digits, so compare in UTC
    with session_scope() as session:
        row = session.scalars(select(AdvocateSession).where(AdvocateSession.token_hash == token_hash).limit(1)).first()
        if row is None or row.ended_at is not None or _aware(row.expires_at) <= now:
            return None
        if now - _aware(row.last_seen_at) > idle_timeout:
            row.ended_at = now
            return None
        advocate = session.get(Advocate, row.advocate_id)
        if advocate is None or not advocate.active:
            return None
        if now - _aware(row.last_seen_at) >= SESSION_TOUCH_INTERVAL:
            row.last_seen_at = now
        return {
            "id": row.id,
            "advocate_id": advocate.id,
            "email": advocate.email,
            "name": advocate.name,
            "csrf_token": row.csrf_token,
            "expires_at": _iso(row.expires_at),
        }


def end_advocate_session(token_hash: str) -> bool:
    """Sign out; True if a live session was ended."""
    with session_scope() as session:
        row = session.scalars(select(AdvocateSession).where(AdvocateSession.token_hash == token_hash).limit(1)).first()
        if row is None or row.ended_at is not None:
            return False
        row.ended_at = utcnow()
        return True


def any_advocate_online(now: datetime, within: timedelta) -> bool:
    """Is an active advocate signed in and seen in the last ``within``? (what a person is told)."""
    now = now.astimezone(timezone.utc)
    with session_scope() as session:
        query = (
            select(AdvocateSession.id)
            .join(Advocate, Advocate.id == AdvocateSession.advocate_id)
            .where(
                Advocate.active.is_(True),
                AdvocateSession.ended_at.is_(None),
                AdvocateSession.expires_at > now,
                AdvocateSession.last_seen_at >= now - within,
            )
            .limit(1)
        )
        return session.scalars(query).first() is not None


def set_advocate_totp(email: str, encrypted_secret: str | None) -> dict[str, Any] | None:
    """Turn the second factor on (the secret, already encrypted) or off (None). None if unknown.

    Either way the account's sessions end: a changed factor must be proved again.
    """
    with session_scope() as session:
        row = _advocate_by_email(session, email)
        if row is None:
            return None
        row.totp_secret = encrypted_secret
        _end_sessions(session, row.id)
        session.flush()
        return _advocate_dict(row)


# --- named API keys (issue 12) -------------------------------------------------------------

API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


def _api_key_dict(k: ApiKey) -> dict[str, Any]:
    return {
        "id": k.id,
        "name": k.name,
        "prefix": k.prefix,
        "created_at": _iso(k.created_at),
        "last_used_at": _iso(k.last_used_at),
        "revoked_at": _iso(k.revoked_at),
        "active": k.revoked_at is None,
    }


def create_api_key(name: str, key_hash: str, prefix: str) -> dict[str, Any]:
    with session_scope() as session:
        row = ApiKey(name=name.strip()[:255], key_hash=key_hash, prefix=prefix)
        return _api_key_dict(inserted(session, row))


def list_api_keys() -> list[dict[str, Any]]:
    with session_scope() as session:
        return [_api_key_dict(k) for k in session.scalars(select(ApiKey).order_by(ApiKey.id))]


def api_key_by_hash(key_hash: str, now: datetime) -> dict[str, Any] | None:
    """The live (not revoked) key with this hash, marking it used; None otherwise.

    ``last_used_at`` is written at most every :data:`API_KEY_TOUCH_INTERVAL`, not on every call.
    """
    now = now.astimezone(timezone.utc)
    with session_scope() as session:
        row = session.scalars(select(ApiKey).where(ApiKey.key_hash == key_hash).limit(1)).first()
        if row is None or row.revoked_at is not None:
            return None
        if row.last_used_at is None or now - _aware(row.last_used_at) >= API_KEY_TOUCH_INTERVAL:
            row.last_used_at = now
        return _api_key_dict(row)


def any_live_api_key() -> bool:
    """Is there a key that is not revoked? (Without one, and without the bootstrap token, the API is closed.)"""
    with session_scope() as session:
        return session.scalars(select(ApiKey.id).where(ApiKey.revoked_at.is_(None)).limit(1)).first() is not None


def revoke_api_key(key_id: int) -> dict[str, Any] | None:
    """Revoke a key for good (idempotent: the first revocation time stays); None if there is no such key."""
    with session_scope() as session:
        row = session.get(ApiKey, key_id)
        if row is None:
            return None
        row.revoked_at = row.revoked_at or utcnow()
        session.flush()
        return _api_key_dict(row)


# --- failed sign-ins, for the throttle (bot.advocates.throttle) ----------------------------


def login_failures(scope: str, key_hash: str, since: datetime) -> tuple[int, datetime | None]:
    """How many sign-ins failed for this address or account since ``since``, and when the last did."""
    since = since.astimezone(timezone.utc)
    with session_scope() as session:
        count, last = session.execute(
            select(func.count(LoginFailure.id), func.max(LoginFailure.failed_at)).where(
                LoginFailure.scope == scope, LoginFailure.key_hash == key_hash, LoginFailure.failed_at >= since
            )
        ).one()
        if last is not None and not isinstance(last, datetime):  # SQLite's MAX() gives the stored text
            last = datetime.fromisoformat(str(last))
        return int(count or 0), (_aware(last) if last is not None else None)


def record_login_failure(keys: list[tuple[str, str]], now: datetime, forget_before: datetime) -> None:
    """Count one failed sign-in under each (scope, key hash); rows older than ``forget_before`` go."""
    now = now.astimezone(timezone.utc)
    with session_scope() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.failed_at < forget_before.astimezone(timezone.utc)))
        session.add_all(LoginFailure(scope=scope, key_hash=key_hash, failed_at=now) for scope, key_hash in keys)


def clear_login_failures(scope: str, key_hash: str) -> None:
    """Forget an account's failures once its owner signed in."""
    with session_scope() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.scope == scope, LoginFailure.key_hash == key_hash))
