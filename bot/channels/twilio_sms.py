"""SMS through Twilio: Rasa's Twilio connector, made safe and polite for text messages.

What Rasa 3.6's ``TwilioInput`` does not do, and this channel does:

- **The conversation is the number that was proved.** Its id is ``sms:<From>``
  (:mod:`bot.channels.identity`), made only after the signature check; replies to an id go to
  the number in it and nowhere else, and an id of another channel is never texted.
- **Signature check.** Every webhook must carry a valid ``X-Twilio-Signature`` (the ``twilio``
  library's ``RequestValidator``) computed over the *public* URL Twilio called, which behind a
  proxy differs from the one Sanic sees: ``PUBLIC_BASE_URL`` says what it is. A missing or wrong
  signature gets 403 and nothing is recorded or sent.
- **Stored, then answered at once.** Twilio waits 15 s for the webhook; the turn (NLU, actions,
  database) can take longer. The webhook writes the text to the durable inbox
  (:mod:`bot.channels.inbox_runner`), answers an empty TwiML ``<Response/>`` once it is committed
  (503 if it could not be, so nothing is acknowledged that could be lost), and the turn runs in
  the background; replies go out through Twilio's REST API. A Rasa instance that dies mid-turn
  leaves the message to whichever instance sweeps next.
- **Non-blocking replies with retries.** Rasa's ``TwilioOutput`` calls the synchronous twilio
  client on the event loop (every other conversation waits) and retries by re-posting in a tight
  loop. Here replies go out with ``httpx.AsyncClient``, retried with exponential back-off on 429,
  5xx and network errors (``Retry-After`` honoured); a reply that finally fails is logged with the
  reason.
- **Repeats dropped.** A ``MessageSid`` already seen is acknowledged and dropped (``dedupe``, and
  the inbox's unique delivery id on every instance).
- **Buttons as numbered choices** in the same message ("Reply 1, 2 or 3"); a reply of "2", "two" or
  the option's own words becomes the button's payload. The offered buttons are read back from the
  conversation's tracker (the last bot message with buttons since the person last wrote), so this
  works across restarts and several Rasa instances. A message that numbers its own items (the
  suggested questions) keeps its numbers; its buttons are then offered by their words.
- **In order.** One person's texts are handled one after the other, in the order they arrived, by
  whichever instance claims them (the inbox claims only a person's oldest unfinished text).
- **Advocates' replies through the outbox.** A message an advocate wrote (tagged
  ``handoff_message_id``) is written to the durable outbox (:mod:`bot.channels.outbox_runner`)
  before it is sent, retried with back-off until Twilio accepts it, and sent at most once.
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

import functools
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels import identity, inbound_limits, sms_format
from bot.channels.dedupe import Deduplicator
from bot.channels.durable import Attempt
from bot.channels.inbox_runner import DurableInbox, could_not_start, turn_saved
from bot.channels.outbox_runner import DurableOutbox, handoff_key
from bot.channels.twilio_rest import DEFAULT_API_BASE_URL, OptOutCheck, TwilioRestClient, opted_out_in_database
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.persistence.inbox import Inbound
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
    """Sends the bot's messages as SMS: plain text, ≤ 3 segments each, buttons as numbered choices.

    With an ``outbox``, an advocate's message goes through it (written first, sent at most once);
    the output is also the outbox's courier (:class:`bot.channels.outbox_runner.Courier`).
    """

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(
        self,
        rest: TwilioRestClient,
        twilio_number: str,
        opted_out: OptOutCheck = opted_out_in_database,
        outbox: DurableOutbox | None = None,
    ):
        self.rest = rest
        self.twilio_number = twilio_number
        self.opted_out = opted_out
        self.outbox = outbox

    # -- as the outbox's courier --

    def parts(self, text: str) -> list[str]:
        return sms_format.split_message(text)

    async def refusal(self, recipient: str) -> str | None:
        number = identity.phone_number(recipient)
        if number is None:
            return "not an SMS conversation"
        if await self.opted_out(number):
            return "opted out (STOP)"
        return None

    async def attempt(self, recipient: str, part: str) -> Attempt:
        return await self.rest.attempt(identity.phone_number(recipient) or "", self.twilio_number, part)

    # -- as Rasa's output channel --

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
        # Rasa passes a bot event's metadata as keyword arguments: the web app tags an advocate's reply.
        if self.outbox is not None and kwargs.get("handoff_message_id") is not None:
            await self.outbox.send(handoff_key(kwargs["handoff_message_id"]), recipient_id, text)
            return
        await self._send_all(recipient_id, self.parts(text))

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


class TwilioSmsInput(TwilioInput):
    """Twilio's webhook with signature check, dedupe, opt-out and choices; see the module docstring."""

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
        inbox: DurableInbox | None = None,
        outbox: DurableOutbox | None = None,
    ) -> None:
        # debug_mode=False: Rasa's flag re-raises errors into the webhook; ours runs in the background.
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.validator = RequestValidator(auth_token)
        self.deduplicator = deduplicator or Deduplicator.from_env()
        self.rest = rest or TwilioRestClient(account_sid, auth_token, api_base_url)
        self.limits = inbound_limits.shared()
        self.inbox = inbox or DurableInbox(self.name())
        self.outbox = outbox or DurableOutbox(self.name(), TwilioSmsOutput(self.rest, twilio_number))

    def get_output_channel(self) -> TwilioSmsOutput:
        return TwilioSmsOutput(self.rest, self.twilio_number, outbox=self.outbox)

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
            return await self.receive(request)

        self.inbox.attach(twilio_webhook, lambda app: functools.partial(self.handle, app, on_new_message))
        self.outbox.attach(twilio_webhook)
        return twilio_webhook

    async def receive(self, request: Request) -> HTTPResponse:
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
        key = f"twilio:{message_sid}" if message_sid else None
        seen = key is not None and not await self.deduplicator.first_time(key)
        sender = identity.sms_id(number)  # only now: Twilio vouched for this number
        text = (request.form.get("Body") or "").replace("¡", "@")  # some carriers turn @ into ¡
        metadata = {"message_sid": message_sid} if message_sid else {}
        try:
            stored = await self.inbox.accept(key, sender, text, metadata, seen)
        except Exception as exc:  # not stored: Twilio must not take it as delivered
            logger.error("SMS from %s NOT accepted: the inbox could not store it (%s)",
                         sms_format.mask_phone(number), type(exc).__name__)  # fmt: skip
            return response.text("The message could not be stored; please retry.", status=503)
        if not stored:
            logger.info("SMS from %s: repeated delivery of %s dropped", sms_format.mask_phone(number), message_sid)
        return twiml

    async def handle(
        self, app: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: Inbound
    ) -> None:
        """One stored text: keywords, opt-out, limits, choices, then the bot's turn.

        Called by the inbox, one at a time per person, in arrival order. A resumed text whose turn
        Rasa already saved (the instance died just after it) is not run again; the delivery id
        becomes the user event's ``message_id`` so that it can be found. Opt-outs are kept per number.
        """
        agent = getattr(app.ctx, "agent", None)
        if await turn_saved(agent, message):
            return
        sender, text, message_sid = message.sender, message.text, message.metadata.get("message_sid")
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
                UserMessage(
                    text,
                    self.get_output_channel(),
                    sender,
                    input_channel=self.name(),
                    metadata=metadata,
                    message_id=message.key,
                )
            )
        except Exception as exc:
            if could_not_start(exc):
                raise  # nothing of the turn ran: the inbox keeps the text and tries again
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
