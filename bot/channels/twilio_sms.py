"""SMS through Twilio: Rasa's Twilio connector, made safe and polite for text messages.

What Rasa 3.6's ``TwilioInput`` does not do, and this channel does:

- **The conversation is the number that was proved.** Its id is ``sms:<From>``
  (:mod:`bot.channels.identity`), made only after the signature check; replies to an id go to
  the number in it and nowhere else, and an id of another channel is never texted.
- **Signature check.** Every webhook must carry a valid ``X-Twilio-Signature`` (the ``twilio``
  library's ``RequestValidator``) computed over the *public* URL Twilio called, which behind a
  proxy differs from the one Sanic sees: ``PUBLIC_BASE_URL`` says what it is. A missing or wrong
  signature gets 403 and nothing is recorded or sent.
- **Answer at once.** Twilio waits 15 s for the webhook; the turn (NLU, actions, database) can take
  longer. The webhook answers an empty TwiML ``<Response/>`` immediately and the turn runs in the
  background; replies go out through Twilio's REST API.
- **Non-blocking replies with retries.** Rasa's ``TwilioOutput`` calls the synchronous twilio
  client on the event loop (every other conversation waits) and retries by re-posting in a tight
  loop. Here replies go out with ``httpx.AsyncClient``, retried with exponential back-off on 429,
  5xx and network errors (``Retry-After`` honoured); a reply that finally fails is logged with the
  reason.
- **Repeats dropped.** A ``MessageSid`` already seen is acknowledged and dropped (``dedupe``).
- **Buttons as numbered choices** in the same message ("Reply 1, 2 or 3"); a reply of "2", "two" or
  the option's own words becomes the button's payload. The offered buttons are read back from the
  conversation's tracker (the last bot message with buttons since the person last wrote), so this
  works across restarts and several Rasa instances. A message that numbers its own items (the
  suggested questions) keeps its numbers; its buttons are then offered by their words.
- **In order.** One person's texts are handled one after the other, in the order they arrived.
- **At most 3 segments** per message, split between sentences (``sms_format``).
- **STOP / START / HELP**, Twilio's keywords: STOP stores the opt-out (per number) and from then on
  nothing is sent to the number (checked before every message, advocate messages included) until
  START. Keywords always work; every other text first passes the inbound limits
  (:mod:`bot.channels.inbound_limits`: too fast gets one "please wait", too long is cut).
- **No full phone numbers in the logs**: only the last four digits.

The channel keeps Rasa's name ("twilio"), so the webhook stays ``/webhooks/twilio/webhook`` and
``channel: twilio`` response variants apply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels import identity, inbound_limits, sms_format
from bot.channels.dedupe import Deduplicator
from bot.channels.twilio_rest import DEFAULT_API_BASE_URL, OptOutCheck, TwilioRestClient, opted_out_in_database
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.understanding import replies

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
GREETING_PAYLOAD = "/greet"

HELP_TEXT = (
    "Second Opinion Advocate: a virtual patient advocate, not a doctor. I help you decide about a "
    "second opinion, talk to your doctor, get your records and prepare questions. "
    "Not for emergencies: call 911. In crisis, call or text 988. "
    'Text "talk to a person" for a human advocate, "menu" for options, STOP to opt out.'
)

# --- output: what the person receives -------------------------------------------------------------

class TwilioSmsOutput(OutputChannel):
    """Sends the bot's messages as SMS: plain text, ≤ 3 segments each, buttons as numbered choices."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(self, rest: TwilioRestClient, twilio_number: str, opted_out: OptOutCheck = opted_out_in_database):
        self.rest = rest
        self.twilio_number = twilio_number
        self.opted_out = opted_out

    async def _send_all(self, recipient_id: str, bodies: Sequence[str], media_url: str | None = None) -> None:
        number = identity.phone_number(recipient_id)
        if number is None:  # only an sms: conversation has a number to text
            logger.warning("SMS not sent: the conversation is not an SMS conversation")
            return
        # Checked before every message, so STOP also silences a turn in flight and the advocate.
        if await self.opted_out(number):
            logger.info("SMS to %s not sent: the number opted out (STOP)", sms_format.mask_phone(number))
            return
        for index, body in enumerate(bodies):
            await self.rest.send(number, self.twilio_number, body, media_url if index == 0 else None)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_all(recipient_id, sms_format.split_message(text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send_all(recipient_id, sms_format.render_with_buttons(text, buttons))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send_all(recipient_id, [""], media_url=image)

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        text = attachment if isinstance(attachment, str) else attachment.get("text") or attachment.get("url")
        if text:
            await self.send_text_message(recipient_id, str(text))

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        text = json_message.get("text") or json_message.get("body")
        if text:
            await self.send_text_message(recipient_id, str(text))
        else:
            logger.warning("custom message without text not sent by SMS (keys: %s)", sorted(json_message))


# --- input: Twilio's webhook ----------------------------------------------------------------------


def offered_buttons(newest_first: Iterable[Mapping[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The bot's last message with buttons (text, buttons), if the person has not written since.

    ``newest_first``: the conversation's events as dicts, latest first (read lazily, stops early).
    """
    for event in newest_first:
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            if buttons:
                return event.get("text") or "", list(buttons)
    return "", []


class SenderQueues:
    """One asyncio lock per sender, so one person's texts are handled in the order they arrived.

    Each inbound text becomes a background task; without this, "STOP" and the text right after it
    could be handled out of order (Rasa's own lock only orders the bot's turns, not the keyword,
    opt-out and choice checks that come before). Locks are dropped once nobody waits for them.
    """

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def turn(self, sender: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(sender, (asyncio.Lock(), 0))
        self._locks[sender] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[sender]
            if users == 1:
                del self._locks[sender]
            else:
                self._locks[sender] = (lock, users - 1)


class TwilioSmsInput(TwilioInput):
    """Twilio's webhook with signature check, dedupe, opt-out and choices; see the module docstring."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioSmsInput:
        if not credentials:
            cls.raise_missing_credentials_exception()
        missing = [key for key in ("account_sid", "auth_token", "twilio_number") if not credentials.get(key)]
        if missing:
            raise ValueError(f"the twilio channel needs {', '.join(missing)} in its credentials")
        return cls(
            credentials["account_sid"],
            credentials["auth_token"],
            credentials["twilio_number"],
            public_base_url=credentials.get("public_base_url") or None,
            api_base_url=credentials.get("api_base_url") or DEFAULT_API_BASE_URL,
        )

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        public_base_url: str | None = None,
        api_base_url: str = DEFAULT_API_BASE_URL,
        deduplicator: Deduplicator | None = None,
        rest: TwilioRestClient | None = None,
    ) -> None:
        # debug_mode=False: Rasa's flag re-raises errors into the webhook; ours runs in the background.
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.validator = RequestValidator(auth_token)
        self.deduplicator = deduplicator or Deduplicator.from_env()
        self.rest = rest or TwilioRestClient(account_sid, auth_token, api_base_url)
        self.queues = SenderQueues()
        self.limits = inbound_limits.shared()
        self._tasks: set[asyncio.Task[None]] = set()

    def get_output_channel(self) -> TwilioSmsOutput:
        return TwilioSmsOutput(self.rest, self.twilio_number)

    # -- checks --

    def public_url(self, request: Request) -> str:
        """The URL Twilio signed: PUBLIC_BASE_URL + the path, or the URL as this server saw it."""
        if not self.public_base_url:
            return request.url
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{self.public_base_url}{request.path}{query}"

    def is_signed_by_twilio(self, request: Request) -> bool:
        signature = request.headers.get("X-Twilio-Signature")
        if not signature:
            return False
        return bool(self.validator.validate(self.public_url(request), request.form, signature))

    # -- the webhook --

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio_webhook = Blueprint("twilio_webhook", __name__)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        return twilio_webhook

    async def receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        if not self.is_signed_by_twilio(request):
            logger.warning(
                "twilio webhook: refused a request with a %s signature (check PUBLIC_BASE_URL if it is real)",
                "wrong" if request.headers.get("X-Twilio-Signature") else "missing",
            )
            return response.text("Invalid or missing X-Twilio-Signature.", status=403)
        twiml = response.text(EMPTY_TWIML, content_type="text/xml")
        number = request.form.get("From")
        if not number:
            return twiml
        message_sid = request.form.get("MessageSid") or request.form.get("SmsSid")
        if message_sid and not await self.deduplicator.first_time(f"twilio:{message_sid}"):
            logger.info("SMS from %s: repeated delivery of %s dropped", sms_format.mask_phone(number), message_sid)
            return twiml
        sender = identity.sms_id(number)  # only now: Twilio vouched for this number
        text = (request.form.get("Body") or "").replace("¡", "@")  # some carriers turn @ into ¡
        agent = getattr(request.app.ctx, "agent", None)
        task = asyncio.create_task(self.handle(agent, sender, text, message_sid, on_new_message))
        self._tasks.add(task)  # a reference, or the task may be garbage-collected mid-turn
        task.add_done_callback(self._tasks.discard)
        return twiml

    async def handle(
        self,
        agent: Any,
        sender: str,
        text: str,
        message_sid: str | None,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """One inbound text, in the background: keywords, opt-out, limits, choices, then the bot's turn.

        ``sender`` is the conversation id (``sms:<number>``); opt-outs are kept per number.
        """
        async with self.queues.turn(sender):
            await self._handle_in_order(agent, sender, text, message_sid, on_new_message)

    async def _handle_in_order(
        self,
        agent: Any,
        sender: str,
        text: str,
        message_sid: str | None,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        number = identity.phone_number(sender) or ""
        masked = sms_format.mask_phone(number)
        try:
            word = replies.carrier_keyword(text)
            if word == "stop":
                await run_sync(repository.set_sms_opt_out, number, text.strip().lower())
                logger.info("SMS from %s: opted out (%s); nothing more is sent until START", masked, word)
                return  # Twilio confirms the opt-out itself; a reply from us would be blocked
            opted_out = await run_sync(repository.is_sms_opted_out, number)
            if opted_out and word != "start":
                logger.info("SMS from %s dropped: the number opted out (STOP); START resumes", masked)
                return
            if word == "start" and (opted_out or text.strip().lower() != "yes"):
                await run_sync(repository.clear_sms_opt_out, number)
                logger.info("SMS from %s: opted in again (START)", masked)
                text = GREETING_PAYLOAD
            elif word == "help":
                await self.get_output_channel().send_text_message(sender, HELP_TEXT)
                return
            else:
                admission = self.limits.admit(sender, text)
                if admission.notice:
                    await self.get_output_channel().send_text_message(sender, admission.notice)
                if not admission.allowed:
                    logger.info("SMS from %s not processed: over the inbound rate limit", masked)
                    return
                text = await self._choice_payload(agent, sender, admission.text) or admission.text
            metadata = {"message_sid": message_sid} if message_sid else None
            await on_new_message(
                UserMessage(text, self.get_output_channel(), sender, input_channel=self.name(), metadata=metadata)
            )
        except Exception:
            logger.exception("SMS from %s: the turn failed", masked)

    async def _choice_payload(self, agent: Any, sender: str, text: str) -> str | None:
        """The payload of the numbered choice ``text`` selects, if the bot's last message offered some."""
        if agent is None or getattr(agent, "tracker_store", None) is None:
            return None
        try:
            tracker = await agent.tracker_store.retrieve(sender)
        except Exception:
            logger.warning("SMS from %s: could not read the offered choices", sms_format.mask_phone(sender))
            return None
        if tracker is None:
            return None
        offered_text, buttons = offered_buttons(event.as_dict() for event in reversed(tracker.events))
        return sms_format.match_choice(text, buttons, offered_text)
