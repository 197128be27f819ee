"""Slack: Rasa's Slack connector with retries dropped, thread-aware replies and Block Kit buttons.

What this adds to Rasa 3.6's ``SlackInput`` (which already checks ``X-Slack-Signature`` with the
signing secret and refuses to start without one):

- **Retries dropped by event_id.** Slack re-sends an event it thinks was not received (up to 3
  times, reasons ``http_timeout``, ``http_error``, ...). Rasa only ignores ``http_timeout`` retries;
  any other reason became a second turn. Here every delivery is deduplicated on ``event_id`` (or
  the ``trigger_id`` of a button click) whatever the retry headers say, so a retry of an event that
  never arrived is still handled, and one that did is answered 200 with ``X-Slack-No-Retry: 1``.
- **Replies in the person's thread.** Rasa either threads every reply (``use_threads``, even under
  top-level messages) or none. Here a reply goes into the thread only when the person wrote in one.
- **Block Kit buttons**: a ``section`` with the text (mrkdwn) and ``actions`` blocks of buttons
  (Rasa's version falls back to plain text above 5 buttons and loses them).
- **No ``as_user``**: a legacy argument that new Slack apps reject with ``invalid_arguments``.
- **Configurable API base URL** (``SLACK_API_BASE_URL``) so tests talk to a fake Slack Web API;
  rate limits (429) and Slack server errors are retried by ``slack_sdk``'s retry handlers, and a
  message Slack still refuses is logged with Slack's error code.

- **Ids from what Slack signed.** The conversation is ``slack:<team>:<user>``
  (:mod:`bot.channels.identity`), made from the team and user of a request whose signature was
  checked (a user id is unique only within its team); replies to such an id go to that user.
- **Inbound limits** (:mod:`bot.channels.inbound_limits`), checked when a message's turn comes:
  too fast gets one "please wait" and the message is dropped; too long is cut and the person told
  what was read.
- **Stored before Slack is answered.** A message is written to the durable inbox
  (:mod:`bot.channels.inbox_runner`) and Slack gets its 200 only once it is committed (503
  otherwise, and Slack retries); the turn then runs in the background, one message at a time per
  person in arrival order, and a Rasa instance that dies mid-turn leaves it to the next sweep.
- **Advocates' replies through the outbox** (:mod:`bot.channels.outbox_runner`): written first,
  retried with back-off (``ratelimited``, 5xx, the network), posted at most once.

Direct messages (``channel_type: im``) and @mentions work as in Rasa; the conversation is one per
Slack user (``sender`` granularity), so saved questions follow the person.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import response
from sanic.request import Request
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels import identity, inbound_limits
from bot.channels.dedupe import Deduplicator
from bot.channels.durable import Attempt
from bot.channels.inbox_runner import DurableInbox, turn_saved
from bot.channels.outbox_runner import DurableOutbox, handoff_key
from bot.persistence.inbox import Inbound

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://slack.com/api/"
# Slack's limits: 25 elements per actions block, 75 characters per button text, 3000 per section.
BUTTONS_PER_BLOCK = 25
BUTTON_TEXT_LIMIT = 75
SECTION_TEXT_LIMIT = 3000

_MD_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")


def to_mrkdwn(text: str) -> str:
    """The bot's markdown in Slack's dialect: **bold** → *bold*, [text](url) → <url|text>."""
    text = _MD_LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    return _MD_BOLD.sub(lambda m: f"*{m.group(1) or m.group(2)}*", text)


def button_blocks(text: str, buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A mrkdwn section with the text, then the buttons in actions blocks of at most 25."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": to_mrkdwn(text)[:SECTION_TEXT_LIMIT] or " "}}
    ]
    elements = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": str(button["title"])[:BUTTON_TEXT_LIMIT], "emoji": True},
            "value": str(button["payload"]),
            "action_id": f"choice-{index}",
        }
        for index, button in enumerate(buttons)
    ]
    for start in range(0, len(elements), BUTTONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": elements[start : start + BUTTONS_PER_BLOCK]})
    return blocks


class SlackChannelOutput(SlackBot):
    """Rasa's SlackBot pointed at ``api_base_url``, without ``as_user``, logging refused messages.

    With an ``outbox``, an advocate's message goes through it. An output made with
    ``retries=False`` is the outbox's courier: the outbox keeps its own back-off, in the database.
    """

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_base_url: str = DEFAULT_API_BASE_URL,
        outbox: DurableOutbox | None = None,
        retries: bool = True,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        handlers = [AsyncRateLimitErrorRetryHandler(max_retry_count=2), AsyncServerErrorRetryHandler(max_retry_count=2)]
        self.client = AsyncWebClient(
            token, proxy=proxy, base_url=api_base_url, retry_handlers=handlers if retries else []
        )
        self.outbox = outbox

    async def post_once(self, channel: str, **kwargs: Any) -> Attempt:
        """One chat.postMessage (plus the client's own retries, if it has them); what Slack said."""
        kwargs.pop("as_user", None)
        kwargs.pop("type", None)  # not a chat.postMessage argument; Rasa sends it anyway
        if self.thread_id:
            kwargs["thread_ts"] = self.thread_id
        try:
            answer = await self.client.chat_postMessage(channel=channel, **kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
            retry_after = exc.response.headers.get("Retry-After")
            return Attempt(
                None,
                retryable=error == "ratelimited" or exc.response.status_code >= 500,
                code=error,
                reason=exc.response.get("error", "unknown error"),
                retry_after=float(retry_after) if retry_after and str(retry_after).isdigit() else None,
            )
        except (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return Attempt(None, retryable=True, code=type(exc).__name__, reason=type(exc).__name__)
        return Attempt(f"{answer.get('channel') or channel}/{answer.get('ts') or ''}", code="ok")

    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        attempt = await self.post_once(channel, **kwargs)
        if attempt.provider_id is None:
            logger.error("Slack message to %s NOT SENT: %s", channel, attempt.reason)

    # -- as the outbox's courier --

    def parts(self, text: str) -> list[str]:
        """One Slack message per paragraph, as the bot's own replies."""
        return text.strip().split("\n\n")

    async def refusal(self, recipient: str) -> str | None:
        return None if self.recipient(recipient) else "not a Slack conversation"

    async def attempt(self, recipient: str, part: str) -> Attempt:
        return await self.post_once(self.recipient(recipient) or "", text=to_mrkdwn(part), mrkdwn=True)

    def recipient(self, recipient_id: str) -> str | None:
        """The Slack channel of this turn, else the user behind a ``slack:`` id (Slack opens the DM)."""
        return self.slack_channel or identity.slack_user(recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        recipient = self.recipient(recipient_id)
        if recipient is None:
            logger.warning("Slack message NOT SENT: the conversation is not a Slack conversation")
            return
        # Rasa passes a bot event's metadata as keyword arguments: the web app tags an advocate's reply.
        if self.outbox is not None and kwargs.get("handoff_message_id") is not None:
            await self.outbox.send(handoff_key(kwargs["handoff_message_id"]), recipient_id, text)
            return
        for part in self.parts(text):
            await self._post_message(channel=recipient, text=to_mrkdwn(part), mrkdwn=True)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        recipient = self.recipient(recipient_id)
        if recipient is None:
            logger.warning("Slack message NOT SENT: the conversation is not a Slack conversation")
            return
        # `text` is the notification and screen-reader fallback; the blocks are what people see.
        await self._post_message(channel=recipient, text=to_mrkdwn(text), blocks=button_blocks(text, buttons))


class SlackChannelInput(SlackInput):
    """Rasa's SlackInput with event_id dedupe, thread-aware replies and our output channel."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SlackChannelInput:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("slack_token"),
            credentials.get("slack_channel"),
            credentials.get("proxy"),
            slack_signing_secret=credentials.get("slack_signing_secret", ""),
            api_base_url=credentials.get("api_base_url") or DEFAULT_API_BASE_URL,
        )

    def __init__(
        self,
        slack_token: str,
        slack_channel: str | None = None,
        proxy: str | None = None,
        slack_signing_secret: str = "",
        api_base_url: str = DEFAULT_API_BASE_URL,
        deduplicator: Deduplicator | None = None,
        inbox: DurableInbox | None = None,
        outbox: DurableOutbox | None = None,
    ) -> None:
        # use_threads: replies follow metadata["thread_id"], which get_metadata sets only for threads.
        super().__init__(
            slack_token,
            slack_channel,
            proxy,
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            use_threads=True,
            slack_signing_secret=slack_signing_secret,
        )
        self.api_base_url = api_base_url
        self.deduplicator = deduplicator or Deduplicator.from_env()
        self.limits = inbound_limits.shared()
        # Rasa drops http_timeout retries by their header alone; the event_id dedupe decides instead.
        self.errors_ignore_retry = ()
        self.inbox = inbox or DurableInbox(self.name())
        courier = SlackChannelOutput(slack_token, slack_channel, None, proxy, api_base_url, retries=False)
        self.outbox = outbox or DurableOutbox(self.name(), courier)

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> SlackChannelOutput:
        return SlackChannelOutput(
            self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_base_url, self.outbox
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        """Rasa's Slack webhook, with the inbox's turns and the outbox's deliveries running beside it."""
        slack_webhook = super().blueprint(on_new_message)
        self.inbox.attach(slack_webhook, lambda app: functools.partial(self.handle, app, on_new_message))
        self.outbox.attach(slack_webhook)
        return slack_webhook

    def get_metadata(self, request: Request) -> dict[str, Any]:
        """Rasa's metadata, but ``thread_id`` only when the person wrote in a thread."""
        metadata = super().get_metadata(request)
        if not metadata:
            return metadata
        content_type = request.headers.get("content-type")
        if content_type == "application/json":
            metadata["thread_id"] = (request.json or {}).get("event", {}).get("thread_ts")
        elif content_type == "application/x-www-form-urlencoded":
            payload = _interactive_payload(request)
            metadata["thread_id"] = (payload.get("message") or {}).get("thread_ts") or (
                payload.get("container") or {}
            ).get("thread_ts")
        return metadata

    def delivery_key(self, request: Request) -> str | None:
        """What identifies one delivery: the Events API's event_id, or a button click's trigger_id."""
        if request.headers.get("content-type") == "application/json":
            event_id = (request.json or {}).get("event_id")
            return f"slack:event:{event_id}" if event_id else None
        trigger_id = _interactive_payload(request).get("trigger_id")
        return f"slack:action:{trigger_id}" if trigger_id else None

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str | None,
        metadata: dict[str, Any] | None,
    ) -> Any:
        """Store the message (the inbox), then answer; its turn runs in the background (:meth:`handle`)."""
        key = self.delivery_key(request)
        seen = key is not None and not await self.deduplicator.first_time(key)
        if not sender_id:
            return response.text("")
        # Rasa's sender_id is the bare user id; it reaches here only once the signature was checked.
        try:
            conversation_id = identity.slack_id(team_of(request), sender_id)
        except ValueError:
            return response.text("Not a Slack user or team id.", status=400)
        try:
            stored = await self.inbox.accept(key, conversation_id, text, metadata or {}, seen)
        except Exception as exc:  # not stored: Slack must retry, not take it as delivered
            logger.error("Slack: a message was NOT accepted: the inbox could not store it (%s)", type(exc).__name__)
            return response.text("The message could not be stored; please retry.", status=503)
        if not stored:
            logger.info(
                "Slack: repeated delivery dropped (%s, retry %s, reason %s)",
                key,
                request.headers.get(self.retry_num_header) or "-",
                request.headers.get(self.retry_reason_header) or "-",
            )
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        return response.text("")

    async def handle(self, app: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: Inbound) -> None:
        """One stored message, called by the inbox one at a time per person in arrival order.

        The inbound limits apply here, when its turn comes, as on SMS. A resumed message whose turn
        Rasa already saved is not run again; the delivery id becomes the user event's ``message_id``.
        """
        if await turn_saved(getattr(app.ctx, "agent", None), message):
            return
        output = self.get_output_channel(message.metadata.get("out_channel"), message.metadata.get("thread_id"))
        admission = self.limits.admit(message.sender, message.text)
        if admission.notice:
            await output.send_text_message(message.sender, admission.notice)
        if not admission.allowed:
            logger.info("Slack: a message over the inbound rate limit was not processed")
            return
        await on_new_message(
            UserMessage(
                admission.text,
                output,
                message.sender,
                input_channel=self.name(),
                metadata=message.metadata or None,
                message_id=message.key,
            )
        )


def team_of(request: Request) -> str | None:
    """The Slack team (workspace) of a signed request: ``team_id`` of an event, ``team.id`` of a click."""
    if request.headers.get("content-type") == "application/json":
        body = request.json or {}
        return body.get("team_id") or (body.get("event") or {}).get("team") or None
    payload = _interactive_payload(request)
    return (payload.get("team") or {}).get("id") or (payload.get("user") or {}).get("team_id") or None


def _interactive_payload(request: Request) -> dict[str, Any]:
    try:
        return json.loads(request.form.get("payload") or "{}")
    except (TypeError, ValueError):
        return {}

