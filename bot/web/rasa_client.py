"""The web app's calls to Rasa's HTTP API and the health probes of the other processes.

Rasa 3.6 checks its ``--auth-token`` only as the ``?token=`` query parameter (``requires_auth`` in
``rasa/server.py``; the ``Authorization`` header is for JWT), so the token travels in the query.
``execute_side_effects=true`` is what makes Rasa *send* appended bot events to the person's
channel; without it they would only be written to the tracker. That channel is the one the
conversation id belongs to (``sms:`` → twilio, ``slack:`` → slack, ``web:`` → socketio, other ids
→ rest, which sends nothing; :func:`bot.channels.identity.output_channel`), never a channel named
by a request or a stored field, so a reply can only reach the person who proved that id.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from bot.channels import identity
from bot.settings import Settings

HEALTH_TIMEOUT = 1.0
DELIVERY_TIMEOUT = 10.0
# An erase waits for the person's running turn to finish: as long as Rasa would let that turn hold
# the conversation's lock (the lock store's default lifetime), or the race comes back.
ERASE_TIMEOUT = 60.0
# Rasa's router (Sanic) does not percent-decode ``conversation_id``, so every character that may
# stand unencoded in a URL path is sent as it is (phone numbers keep their "+", "whatsapp:" its ":").
_PATH_SAFE = "/:@!$&'()*+,;=-._~"

BACK_TO_BOT_TEXT = (
    "You're back with the virtual advocate. I can help you decide about a second opinion, ask your "
    "doctor, get your records or prepare questions. What would you like to do?"
)


class RasaDeliveryError(Exception):
    """Rasa did not take the events; the message says why in words an advocate can act on."""


class NoSuchConversation(RasaDeliveryError):
    """Rasa has no stored conversation with this person."""


def advocate_message_event(text: str, author: str, message_id: int) -> dict[str, Any]:
    """A bot event the person sees as a normal reply; the metadata marks it as the advocate's.

    ``handoff_message_id`` lets the transcript recognise the stored copy and show the message once.
    """
    return {"event": "bot", "text": text, "metadata": {"advocate": author, "handoff_message_id": message_id}}


def handoff_active_event(active: bool) -> dict[str, Any]:
    return {"event": "slot", "name": "handoff_active", "value": active}


def back_to_bot_event() -> dict[str, Any]:
    return {"event": "bot", "text": BACK_TO_BOT_TEXT}


async def append_events(
    client: httpx.AsyncClient, settings: Settings, sender_id: str, events: list[dict[str, Any]]
) -> None:
    """Append ``events`` to the person's tracker and deliver its bot messages on the id's channel.

    Raises :class:`RasaDeliveryError` when Rasa cannot be reached or refuses. The reason names the
    kind of failure only: the request URL carries the Rasa token and must not reach a response.
    """
    url = f"{settings.rasa_url}/conversations/{quote(sender_id, safe=_PATH_SAFE)}/tracker/events"
    params = {"output_channel": identity.output_channel(sender_id), "execute_side_effects": "true"}
    if settings.rasa_api_token:
        params["token"] = settings.rasa_api_token
    try:
        response = await client.post(url, params=params, json=events, timeout=DELIVERY_TIMEOUT)
    except httpx.HTTPError as exc:
        raise RasaDeliveryError(f"Rasa is unreachable at {settings.rasa_url} ({type(exc).__name__}).") from exc
    if response.status_code != 200:
        raise RasaDeliveryError(f"Rasa refused the events (HTTP {response.status_code}).")


async def execute_action(client: httpx.AsyncClient, settings: Settings, sender_id: str, action_name: str) -> None:
    """Run ``action_name`` in the person's conversation, as Rasa runs a turn, without telling them.

    Rasa holds its per-conversation lock for it, so it starts only after a turn in flight has been
    saved. No ``output_channel``: what the action says is returned to us, not sent to the person.
    (Rasa 3.6 marks this endpoint deprecated, with a warning in its log; it is the one way to run
    an action under the conversation's lock from outside.) Raises :class:`NoSuchConversation`
    when Rasa has never stored a conversation with ``sender_id``, else :class:`RasaDeliveryError`
    (see :func:`append_events`).
    """
    url = f"{settings.rasa_url}/conversations/{quote(sender_id, safe=_PATH_SAFE)}/execute"
    params = {"token": settings.rasa_api_token} if settings.rasa_api_token else {}
    try:
        response = await client.post(url, params=params, json={"name": action_name}, timeout=ERASE_TIMEOUT)
    except httpx.HTTPError as exc:
        raise RasaDeliveryError(f"Rasa is unreachable at {settings.rasa_url} ({type(exc).__name__}).") from exc
    if response.status_code == 404:
        raise NoSuchConversation(f"Rasa has no conversation with this person to run {action_name} in.")
    if response.status_code != 200:
        raise RasaDeliveryError(f"Rasa refused to run {action_name} (HTTP {response.status_code}).")


async def probe(client: httpx.AsyncClient, url: str) -> str:
    """"ok" if ``url`` answers 200 within :data:`HEALTH_TIMEOUT`, else "unreachable"."""
    try:
        response = await client.get(url, timeout=HEALTH_TIMEOUT)
    except httpx.HTTPError:
        return "unreachable"
    return "ok" if response.status_code == 200 else "unreachable"
