"""The REST channel, kept in its own namespace: for tests, curl and ``make shell``, never a door.

Rasa's ``RestInput`` takes ``sender`` and ``input_channel`` from the request body, so anyone could
speak as a patient's phone number and have advocate replies texted anywhere. This channel:

- takes ``sender`` as given (the brief's contract check uses plain ids like ``contract-...``),
  but refuses (400, with the reason) an id in another channel's namespace (``sms:``, ``slack:``,
  ``web:``; :mod:`bot.channels.identity`), so REST can never reach a person who came by SMS,
  Slack or the widget;
- ignores ``input_channel``: a REST message is always a REST message;
- applies the inbound limits (:mod:`bot.channels.inbound_limits`): 429 with a reason over the
  rate, and a long message is cut, with a first reply saying what was read;
- has a production profile (``REST_CHANNEL``, read by :mod:`bot.channels.config`): ``on`` (the
  default, what ``make run`` and the tests use), ``token`` (every request needs
  ``Authorization: Bearer $REST_CHANNEL_TOKEN``) or ``off`` (the channel is not registered: 404).

It keeps Rasa's name ("rest"), so the webhook stays ``/webhooks/rest/webhook``.
"""

from __future__ import annotations

import hmac
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot.channels import identity, inbound_limits

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 255  # the database's sender_id columns


RETRY_AFTER_SECONDS = 30


def _problem(status: int, detail: str, **headers: str) -> HTTPResponse:
    return response.json({"detail": detail}, status=status, headers=headers or None)


def _not_handled() -> HTTPResponse:
    """A turn that could not run (the lock store or database away for longer than a turn waits):
    say so, so the client sends the message again, instead of a 200 with no answer."""
    return _problem(
        503,
        "We could not handle that message just now. Please send it again in a minute.",
        **{"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class RestChannelInput(RestInput):
    """Rasa's REST webhook in the REST namespace only; see the module docstring."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestChannelInput:
        return cls(token=(credentials or {}).get("token") or None)

    def __init__(self, token: str | None = None, limits: inbound_limits.InboundLimits | None = None) -> None:
        self.token = token
        self.limits = limits or inbound_limits.shared()

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # never the body's input_channel

    def authorized(self, request: Request) -> bool:
        if self.token is None:
            return True
        scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode())

    def refusal(self, request: Request) -> HTTPResponse | None:
        """Why this request is not a REST message (a 4xx), or None when it is one."""
        if not self.authorized(request):
            return _problem(
                401, "Missing or wrong bearer token (REST_CHANNEL=token).", **{"WWW-Authenticate": "Bearer"}
            )
        body = request.json  # parsed whatever the Content-Type: `curl -d` sends a form type
        if not isinstance(body, dict):
            return _problem(400, 'Send a JSON object: {"sender": "...", "message": "..."}.')
        sender, message = body.get("sender"), body.get("message")
        if sender is not None and (not isinstance(sender, str) or not sender or len(sender) > MAX_SENDER_CHARS):
            return _problem(400, f'"sender" must be a non-empty string of at most {MAX_SENDER_CHARS} characters.')
        if isinstance(sender, str) and identity.is_reserved(sender):
            namespace = identity.namespace_of(sender)
            return _problem(
                400,
                f'"sender" may not start with "{namespace.prefix}": those ids belong to the '
                f"{identity.output_channel(sender)} channel, which proves who is writing. Use another id.",
            )
        if message is not None and not isinstance(message, str):
            return _problem(400, '"message" must be a string.')
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> ResponseStream | HTTPResponse:
            try:
                refused = self.refusal(request)
            except Exception:  # Sanic's JSON parser: InvalidUsage on a body that is not JSON
                refused = _problem(400, "The body is not valid JSON.")
            if refused is not None:
                return refused
            sender_id = await self._extract_sender(request) or DEFAULT_SENDER_ID
            admission = self.limits.admit(sender_id, self._extract_message(request))
            if not admission.allowed:
                return _problem(
                    429,
                    "Too many messages from this sender: at most "
                    f"{self.limits.messages_per_minute} a minute. Wait a minute and send it again.",
                    **{"Retry-After": str(int(inbound_limits.WINDOW_SECONDS))},
                )
            metadata = self.get_metadata(request)
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, admission.text, sender_id, self.name(), metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            if admission.notice:
                await collector.send_text_message(sender_id, admission.notice)
            try:
                await on_new_message(
                    UserMessage(admission.text, collector, sender_id, input_channel=self.name(), metadata=metadata)
                )
            except CancelledError:
                logger.error("rest: the turn timed out")
                if not collector.messages:
                    return _not_handled()
            except Exception as exc:
                # The kind only: a traceback from inside a turn can quote what the person wrote.
                logger.error("rest: the turn failed (%s)", type(exc).__name__)
                if not collector.messages:
                    return _not_handled()
            return response.json(collector.messages)

        return webhook
