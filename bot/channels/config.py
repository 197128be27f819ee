"""Which channels Rasa serves, from the environment: the content of var/credentials.yml.

The website widget (socket.io) is always on. REST is on by default (tests, curl, ``make shell``);
``REST_CHANNEL=token`` puts it behind ``REST_CHANNEL_TOKEN`` and ``REST_CHANNEL=off`` removes it
(the production profile, see :mod:`bot.channels.rest`). SMS and Slack are on only when their
credentials are set; otherwise the launcher says what is missing and Rasa starts without them.

Secrets are not copied into the file: it names the environment variables (``${TWILIO_AUTH_TOKEN}``)
and Rasa substitutes them when it reads the file, from the environment the launcher gives it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REST_CHANNEL = "bot.channels.rest.RestChannelInput"
SOCKETIO_CHANNEL = "bot.channels.socketio.WidgetSocketIOInput"
TWILIO_CHANNEL = "bot.channels.twilio_sms.TwilioSmsInput"
SLACK_CHANNEL = "bot.channels.slack.SlackChannelInput"

# Each credential Rasa's channel takes (its credentials.yml key) and the variable that holds it.
TWILIO_KEYS = {"account_sid": "TWILIO_ACCOUNT_SID", "auth_token": "TWILIO_AUTH_TOKEN", "twilio_number": "TWILIO_NUMBER"}
TWILIO_OPTIONAL_KEYS = {"api_base_url": "TWILIO_API_BASE_URL", "public_base_url": "PUBLIC_BASE_URL"}
SLACK_KEYS = {"slack_token": "SLACK_BOT_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"}
SLACK_OPTIONAL_KEYS = {"api_base_url": "SLACK_API_BASE_URL"}
TWILIO_REQUIRED = tuple(TWILIO_KEYS.values())
SLACK_REQUIRED = tuple(SLACK_KEYS.values())
# Every setting the channels read; the e2e harness keeps a developer's own values out of tests.
CHANNEL_SETTINGS = (
    *TWILIO_REQUIRED,
    *TWILIO_OPTIONAL_KEYS.values(),
    *SLACK_REQUIRED,
    *SLACK_OPTIONAL_KEYS.values(),
    "WIDGET_SOCKET_URL",  # read by the web app's chat page (bot/web/widget.py)
    "REST_CHANNEL",
    "REST_CHANNEL_TOKEN",
    "INBOUND_MESSAGES_PER_MINUTE",  # bot/channels/inbound_limits.py
    "INBOUND_MAX_MESSAGE_CHARS",
    "SLACK_TEAM_ID",  # read by migration 0005 only
)
REST_MODES = ("on", "token", "off")


@dataclass(frozen=True)
class ChannelStatus:
    name: str
    enabled: bool
    detail: str


def _ref(name: str) -> str:
    return "${" + name + "}"


def _missing(environ: Mapping[str, str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if not environ.get(name, "").strip()]


def _credentialed(
    environ: Mapping[str, str], label: str, keys: Mapping[str, str], optional: Mapping[str, str], on: str
) -> tuple[dict[str, Any] | None, ChannelStatus]:
    """(the channel's credentials, its status): None and what to set while a required variable is missing.

    The credentials name the variables (``_ref``); an optional one only when it is set, so Rasa's
    own default applies otherwise.
    """
    missing = _missing(environ, tuple(keys.values()))
    if missing:
        return None, ChannelStatus(label, False, f"set {', '.join(missing)} to enable it")
    credentials = {key: _ref(name) for key, name in keys.items()}
    credentials |= {key: _ref(name) for key, name in optional.items() if environ.get(name, "").strip()}
    return credentials, ChannelStatus(label, True, on)


def rest_mode(environ: Mapping[str, str]) -> str:
    """``REST_CHANNEL``: on (default), token or off; anything else is refused before Rasa starts."""
    mode = (environ.get("REST_CHANNEL") or "on").strip().lower()
    if mode not in REST_MODES:
        raise ValueError(f"REST_CHANNEL must be one of {', '.join(REST_MODES)}, got {mode!r}")
    if mode == "token" and not environ.get("REST_CHANNEL_TOKEN", "").strip():
        raise ValueError("REST_CHANNEL=token needs REST_CHANNEL_TOKEN (the bearer token REST callers send)")
    return mode


def channels_config(environ: Mapping[str, str]) -> tuple[dict[str, Any], list[ChannelStatus]]:
    """(credentials.yml content, one status line per channel that can be switched)."""
    credentials: dict[str, Any] = {}
    statuses: list[ChannelStatus] = []
    mode = rest_mode(environ)
    if mode == "on":
        credentials[REST_CHANNEL] = None
        rest = ChannelStatus("REST", True, "open, for tests, curl and make shell (production: REST_CHANNEL=token|off)")
    elif mode == "token":
        credentials[REST_CHANNEL] = {"token": _ref("REST_CHANNEL_TOKEN")}
        rest = ChannelStatus("REST", True, "requires Authorization: Bearer $REST_CHANNEL_TOKEN")
    else:
        rest = ChannelStatus("REST", False, "REST_CHANNEL=off")
    credentials[SOCKETIO_CHANNEL] = {
        "user_message_evt": "user_uttered",
        "bot_message_evt": "bot_uttered",
        "session_persistence": True,
    }

    where = environ.get("PUBLIC_BASE_URL", "").strip() or "the URL this server sees (set PUBLIC_BASE_URL)"
    switched = (
        (TWILIO_CHANNEL, "SMS (Twilio)", TWILIO_KEYS, TWILIO_OPTIONAL_KEYS, f"signatures checked against {where}"),
        (SLACK_CHANNEL, "Slack", SLACK_KEYS, SLACK_OPTIONAL_KEYS, "direct messages and @mentions"),
    )
    for channel, label, keys, optional, on in switched:
        settings, status = _credentialed(environ, label, keys, optional, on)
        if settings is not None:
            credentials[channel] = settings
        statuses.append(status)
    statuses.append(rest)
    return credentials, statuses


def status_lines(statuses: list[ChannelStatus]) -> list[str]:
    lines = ["Channels: the website widget (socket.io) is on."]
    for status in statuses:
        state = "on" if status.enabled else "NOT enabled"
        lines.append(f"  {status.name}: {state} - {status.detail}")
    return lines
