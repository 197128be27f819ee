"""What an advocate does to a handoff (view, reply, close), for the JSON API and the console alike.

Both call these functions, so a reply typed in the console travels exactly the way an API client's
does (stored first, then delivered through Rasa on the channel the person's id belongs to) and
every action lands in the audit log with who did it, whichever door it came through.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from bot.channels import identity
from bot.persistence import audit as audit_trail
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.settings import Settings
from bot.web import rasa_client
from bot.web.auth import Actor

logger = logging.getLogger(__name__)

# The console re-reads an open conversation every second; one "view" row per actor and handoff
# in this window records who saw it without a row per poll.
VIEW_AUDIT_WINDOW = timedelta(minutes=10)


class HandoffNotFound(Exception):
    def __init__(self, handoff_id: int) -> None:
        super().__init__(f"There is no handoff {handoff_id}.")


class HandoffIsClosed(Exception):
    def __init__(self, handoff_id: int) -> None:
        super().__init__(f"Handoff {handoff_id} is closed; the bot is in charge again.")


OPTED_OUT_PROBLEM = (
    "The message was stored but not sent: this person texted STOP, so no more texts may go to their "
    "number until they text START."
)


@dataclass(frozen=True)
class Sent:
    """A stored advocate message; ``problem`` says why it was not delivered (None: delivered).

    ``opted_out``: not sent because the person texted STOP, a decision to respect rather than a
    fault to retry.
    """

    message: dict[str, Any]
    problem: str | None
    opted_out: bool = False

    @property
    def delivered(self) -> bool:
        return self.problem is None


def audit(
    actor: Actor,
    action: str,
    handoff_id: int | None = None,
    *,
    sender_id: str | None = None,
    unless_within: timedelta | None = None,
    **detail: Any,
) -> None:
    """One entry in the hash-chained audit log: who, what (on which handoff / conversation), when.

    ``detail`` holds ids, counts and flags only, never a person's words. Blocking (database).
    """
    audit_trail.write_audit(
        actor.label, action, advocate_id=actor.advocate_id, api_key_id=actor.api_key_id, handoff_id=handoff_id,
        sender_id=sender_id, detail=detail, unless_within=unless_within,
    )  # fmt: skip


def view_handoff(handoff_id: int, actor: Actor) -> dict[str, Any]:
    """The handoff with its transcript since it began; audited as a "view". Blocking (database)."""
    handoff = repository.get_handoff(handoff_id)
    if handoff is None:
        raise HandoffNotFound(handoff_id)
    audit(actor, "view", handoff_id, sender_id=handoff["sender_id"], unless_within=VIEW_AUDIT_WINDOW)
    transcript = repository.handoff_transcript(handoff_id)
    if transcript is None:
        raise HandoffNotFound(handoff_id)
    return {**handoff, "transcript": transcript}


async def send_message(
    client: httpx.AsyncClient, settings: Settings, handoff_id: int, text: str, author: str, actor: Actor
) -> Sent:
    """Store the message, then deliver it through Rasa; audited as a "reply".

    Storing first means an advocate's words are never lost: if Rasa is unreachable the message is
    kept (and shows in the transcript) and :attr:`Sent.problem` says why it was not delivered.
    A person who texted STOP gets nothing: the SMS channel would drop the text silently, so the
    advocate is told here instead of being shown "sent".
    """
    handoff = await run_sync(repository.get_handoff, handoff_id)
    if handoff is None:
        raise HandoffNotFound(handoff_id)
    if handoff["status"] != "open":
        raise HandoffIsClosed(handoff_id)
    message = await run_sync(repository.add_handoff_message, handoff_id, author, text)
    if message is None:  # erased between the two calls
        raise HandoffNotFound(handoff_id)
    number = identity.phone_number(handoff["sender_id"])
    if number and await run_sync(repository.is_sms_opted_out, number):
        await run_sync(
            audit, actor, "reply", handoff_id, sender_id=handoff["sender_id"], message_id=message["id"],
            delivered=False, opted_out=True,
        )  # fmt: skip
        return Sent(message, OPTED_OUT_PROBLEM, opted_out=True)
    event = rasa_client.advocate_message_event(text, author, message["id"])
    problem = None
    try:
        await rasa_client.append_events(client, settings, handoff["sender_id"], [event])
    except rasa_client.RasaDeliveryError as exc:
        logger.warning("handoff %s: message %s stored but not delivered: %s", handoff_id, message["id"], exc)
        problem = f"The message was stored but not delivered: {exc}"
    await run_sync(
        audit, actor, "reply", handoff_id, sender_id=handoff["sender_id"], message_id=message["id"],
        delivered=problem is None,
    )  # fmt: skip
    return Sent(message, problem)


async def close_handoff(client: httpx.AsyncClient, settings: Settings, handoff_id: int, actor: Actor) -> dict[str, Any]:
    """Close the handoff, clear Rasa's ``handoff_active`` slot, tell the person; audited as "close".

    The handoff is closed in the database whatever Rasa does: closing is the advocate's decision.
    Repeating close is idempotent: only the slot is sent again, never a second "you're back"
    message, so closing again once Rasa is back makes sure the bot answers the person again.
    Returns the ``HandoffClosed`` shape of the API.
    """
    before = await run_sync(repository.get_handoff, handoff_id)
    if before is None:
        raise HandoffNotFound(handoff_id)
    already_closed = before["status"] == "closed"
    handoff = await run_sync(repository.close_handoff, handoff_id)
    if handoff is None:  # erased between the two calls
        raise HandoffNotFound(handoff_id)
    events = [rasa_client.handoff_active_event(False)]
    if not already_closed:
        events.append(rasa_client.back_to_bot_event())
    detail = None
    try:
        await rasa_client.append_events(client, settings, handoff["sender_id"], events)
    except rasa_client.RasaDeliveryError as exc:
        logger.warning("handoff %s closed but Rasa was not told: %s", handoff_id, exc)
        detail = str(exc)
    await run_sync(
        audit, actor, "close", handoff_id, sender_id=handoff["sender_id"], already_closed=already_closed,
        delivered=detail is None,
    )  # fmt: skip
    return {"handoff": handoff, "already_closed": already_closed, "delivered": detail is None, "detail": detail}
