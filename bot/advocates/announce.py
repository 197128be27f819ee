"""Announce each new handoff in the advocates' Slack channel, with a link to it in the console.

The action server calls :func:`announce_in_background` right after opening a handoff. The post
runs on a worker thread, so the action answers the person at once, and every failure (no
network, Slack down, a revoked token) is logged and swallowed: the handoff is already in the
queue, which is where advocates work from, and the announcement is only a nudge.

The message names the reason and the channel but none of the person's words or health facts:
those stay in the console, behind its sign-in and audit log.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.advocates.config import AdvocateSettings
from bot.advocates.labels import channel_label, reason_label

logger = logging.getLogger(__name__)

SLACK_TIMEOUT = 5  # seconds; slack_sdk wants an int

# Running posts, so they are not garbage-collected before they finish.
_running: set[asyncio.Future[bool]] = set()


def announcement_text(handoff: dict[str, Any], console_url: str) -> str:
    """Slack mrkdwn: ``<url|label>`` is a link."""
    return (
        f":raising_hand: New handoff #{handoff['id']} is waiting: {reason_label(handoff.get('reason'))} "
        f"({channel_label(handoff.get('channel'))}). <{console_url}|Open it in the advocate console>"
    )


def post_announcement(handoff: dict[str, Any], settings: AdvocateSettings) -> bool:
    """Post the announcement now (blocking); True if Slack took it. Never raises."""
    if not settings.announces_in_slack:
        return False
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_base_url, timeout=SLACK_TIMEOUT)
    try:
        client.chat_postMessage(
            channel=settings.slack_channel,
            text=announcement_text(handoff, settings.console_url(handoff["id"])),
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        logger.warning("handoff %s: Slack refused the announcement: %s", handoff.get("id"), exc.response.get("error"))
        return False
    except Exception as exc:  # the network, a timeout, a bad base URL: none may cost the handoff
        logger.warning("handoff %s: could not announce it in Slack (%s)", handoff.get("id"), type(exc).__name__)
        return False
    return True


def announce_in_background(handoff: dict[str, Any]) -> asyncio.Future[bool] | None:
    """Start posting the announcement on a worker thread and return at once (None if Slack is not set up).

    Must be called from a coroutine (the action's ``run``). The returned future never raises.
    """
    try:
        settings = AdvocateSettings.from_env()
    except ValueError:
        logger.exception("advocate settings are invalid; handoff %s is not announced", handoff.get("id"))
        return None
    if not settings.announces_in_slack:
        return None
    future = asyncio.get_running_loop().run_in_executor(None, post_announcement, handoff, settings)
    _running.add(future)
    future.add_done_callback(_running.discard)
    return future
