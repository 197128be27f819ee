"""Conversation ids: ``<channel>:<identity>``, made only from what a channel authenticated.

A conversation id is the key of everything stored about a person (questions, letters, hand-offs,
Rasa's history), so whoever can choose an id can read and erase someone else's case. Each channel
therefore builds its ids here, from what it has proved, in a namespace no other channel can reach:

- ``sms:+14155550123``: Twilio's ``From``, after the request signature was checked;
- ``slack:T0TEAM:U0USER``: the Slack team and user of a request whose signature was checked;
- ``web:<session>``: the random part of a widget session the server issued and signed
  (:mod:`bot.channels.widget_session`);
- anything else is the REST channel's namespace (tests, curl, ``make shell``): ids as given, but
  never one starting with a reserved prefix (:func:`is_reserved`).

The same id also says where replies go (:func:`output_channel`): an advocate's reply to an
``sms:`` id is texted to that number and to nobody else, whatever a request or a row claims.
"""

from __future__ import annotations

from enum import Enum


class Namespace(str, Enum):
    """The reserved prefixes, and the Rasa channel that owns each (its ``name()``)."""

    SMS = "sms"
    SLACK = "slack"
    WEB = "web"

    @property
    def prefix(self) -> str:
        return f"{self.value}:"


# Rasa's name of the input/output channel that owns each namespace; REST owns the rest.
_CHANNEL_OF_NAMESPACE = {Namespace.SMS: "twilio", Namespace.SLACK: "slack", Namespace.WEB: "socketio"}
REST_CHANNEL = "rest"
UNKNOWN_SLACK_TEAM = "unknown"


def sms_id(number: str) -> str:
    """The id of the SMS conversation with ``number`` (E.164, as Twilio sends ``From``)."""
    if not number:
        raise ValueError("an SMS id needs a phone number")
    return f"{Namespace.SMS.prefix}{number}"


def slack_id(team: str | None, user: str) -> str:
    """The id of a Slack user's conversation; a user id is unique only within its team."""
    if not user or ":" in user or (team and ":" in team):
        raise ValueError("a Slack id needs a user id (and team id) without ':'")
    return f"{Namespace.SLACK.prefix}{team or UNKNOWN_SLACK_TEAM}:{user}"


def web_id(session_key: str) -> str:
    """The id of a widget conversation, from the random part of its signed session."""
    if not session_key:
        raise ValueError("a web id needs a session key")
    return f"{Namespace.WEB.prefix}{session_key}"


def namespace_of(conversation_id: str) -> Namespace | None:
    """The reserved namespace ``conversation_id`` is in, or None (the REST namespace)."""
    for namespace in Namespace:
        if conversation_id.startswith(namespace.prefix):
            return namespace
    return None


def is_reserved(conversation_id: str) -> bool:
    """True for ids only a channel that authenticated someone may produce (not REST)."""
    return namespace_of(conversation_id) is not None


def identity_of(conversation_id: str) -> str:
    """What follows the prefix: the number, ``team:user`` or the session key; a REST id as it is."""
    namespace = namespace_of(conversation_id)
    return conversation_id[len(namespace.prefix) :] if namespace else conversation_id


def phone_number(conversation_id: str) -> str | None:
    """The number behind an ``sms:`` id; None for any other id (never text a non-SMS id)."""
    if namespace_of(conversation_id) is not Namespace.SMS:
        return None
    return identity_of(conversation_id) or None


def slack_user(conversation_id: str) -> str | None:
    """The Slack user id behind a ``slack:`` id; None for any other id."""
    if namespace_of(conversation_id) is not Namespace.SLACK:
        return None
    _, _, user = identity_of(conversation_id).rpartition(":")
    return user or None


def output_channel(conversation_id: str) -> str:
    """The Rasa channel whose output reaches this person: the one that owns the id's namespace."""
    namespace = namespace_of(conversation_id)
    return _CHANNEL_OF_NAMESPACE[namespace] if namespace else REST_CHANNEL


def from_legacy(old_id: str, channel: str | None, slack_team: str | None = None) -> str:
    """The new id of a conversation stored before ids carried their channel (migration 0005).

    ``channel`` is the Rasa input channel stored with the conversation. Ids already in the new
    form are kept, so running it twice changes nothing.
    """
    if is_reserved(old_id):
        return old_id
    if channel == "twilio":
        return sms_id(old_id)
    if channel == "slack":
        return slack_id(slack_team, old_id)
    if channel == "socketio":
        return web_id(old_id)
    return old_id
