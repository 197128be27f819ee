"""Twilio's REST API: sending texts with retries, inside a turn (the SMS channel) or outside one.

Kept apart from the SMS channel (bot.channels.twilio_sms) because the action server sends texts
too ("text me my questions" to a number someone typed) and must not import a Rasa input channel
for it. Full phone numbers never reach the logs: only their last four digits.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import httpx

from bot.channels import sms_format
from bot.channels.config import TWILIO_REQUIRED
from bot.channels.durable import Attempt
from bot.persistence import repository
from bot.persistence.db import run_sync

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.twilio.com"
OptOutCheck = Callable[[str], Awaitable[bool]]

# Anything that looks like a phone number inside a text we log (Twilio's error messages quote them).
_PHONE_IN_TEXT = re.compile(r"\+\d{6,15}|\b\d{10,15}\b")


def _mask_numbers(text: str) -> str:
    return _PHONE_IN_TEXT.sub(lambda m: sms_format.mask_phone(m.group(0)), text)


async def opted_out_in_database(number: str) -> bool:
    return await run_sync(repository.is_sms_opted_out, number)


# --- Twilio's REST API ----------------------------------------------------------------------------


class TwilioRestClient:
    """``POST /2010-04-01/Accounts/{sid}/Messages.json`` with retries, on the running event loop.

    Retrying a 5xx can, rarely, send a message twice (Twilio may have accepted it before failing);
    a missing reply is worse for an anxious person than a repeated one.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_base_url: str = DEFAULT_API_BASE_URL,
        max_attempts: int = 4,
        base_delay: float = 1.0,
        max_delay: float = 20.0,
        timeout: float = 15.0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.api_base_url = (api_base_url or DEFAULT_API_BASE_URL).rstrip("/")
        self.max_attempts = max(1, max_attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    @property
    def messages_url(self) -> str:
        return f"{self.api_base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def _http(self) -> httpx.AsyncClient:
        # Created on first use, inside the server's event loop; one connection pool for all sends.
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout, auth=(self.account_sid, self.auth_token))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        backoff = self.base_delay * 2 ** (attempt - 1)
        return min(backoff + random.uniform(0, backoff / 4), self.max_delay)

    async def attempt(self, to: str, from_: str, body: str | None = None, media_url: str | None = None) -> Attempt:
        """One POST, no retry: what the outbox calls, as it keeps its own back-off in the database."""
        data = {"To": to, "From": from_}
        if body:
            data["Body"] = body
        if media_url:
            data["MediaUrl"] = media_url
        try:
            answer = await self._http().post(self.messages_url, data=data)
        except httpx.HTTPError as exc:
            name = type(exc).__name__
            return Attempt(None, retryable=True, code=name, reason=f"{name} talking to {self.api_base_url}")
        if answer.status_code in (200, 201):
            return Attempt(str(_json(answer).get("sid") or ""), code=f"HTTP {answer.status_code}")
        retry_after = answer.headers.get("Retry-After")
        return Attempt(
            None,
            retryable=answer.status_code == 429 or answer.status_code >= 500,
            code=_error_code(answer),
            reason=_describe_error(answer),
            retry_after=float(retry_after) if retry_after and retry_after.strip().isdigit() else None,
        )

    async def send(self, to: str, from_: str, body: str | None = None, media_url: str | None = None) -> str | None:
        """Send one message; returns Twilio's message SID, or None after logging why it failed."""
        for number in range(1, self.max_attempts + 1):
            attempt = await self.attempt(to, from_, body, media_url)
            if attempt.provider_id is not None:
                return attempt.provider_id
            if not attempt.retryable or number == self.max_attempts:
                break
            delay = self._delay(number, attempt.retry_after)
            logger.warning(
                "SMS to %s: attempt %d failed (%s); retrying in %.1f s",
                sms_format.mask_phone(to),
                number,
                _mask_numbers(attempt.reason),
                delay,
            )
            await asyncio.sleep(delay)
        masked = sms_format.mask_phone(to)
        logger.error("SMS to %s NOT SENT after %d attempt(s): %s", masked, number, _mask_numbers(attempt.reason))
        return None


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        data = answer.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _error_code(answer: httpx.Response) -> str:
    """"HTTP 400 / 21610": what failed, without Twilio's message (it may quote the number)."""
    code = _json(answer).get("code")
    return f"HTTP {answer.status_code} / {code}" if code else f"HTTP {answer.status_code}"


def _describe_error(answer: httpx.Response) -> str:
    """"HTTP 400, Twilio error 21610: Attempt to send to unsubscribed recipient" - what to act on."""
    data = _json(answer)
    reason = f"HTTP {answer.status_code}"
    if data.get("code"):
        reason += f", Twilio error {data['code']}"
    if data.get("message"):
        reason += f": {data['message']}"
    return reason


# --- sending a text outside a conversation turn ---------------------------------------------------


class TextResult(str, Enum):
    SENT = "sent"
    OPTED_OUT = "opted_out"
    FAILED = "failed"


@dataclass(frozen=True)
class TwilioOutbound:
    """Twilio as the action server sees it, for texting a person's list to a number they typed.

    Read from the same variables as the SMS channel (the launcher gives every process the same
    environment), so "Twilio is configured" means the same thing everywhere.
    """

    account_sid: str
    auth_token: str
    twilio_number: str
    api_base_url: str = DEFAULT_API_BASE_URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TwilioOutbound | None:
        """None unless TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_NUMBER are all set."""
        env = os.environ if environ is None else environ
        values = {name: (env.get(name) or "").strip() for name in TWILIO_REQUIRED}
        if not all(values.values()):
            return None
        return cls(
            values["TWILIO_ACCOUNT_SID"],
            values["TWILIO_AUTH_TOKEN"],
            values["TWILIO_NUMBER"],
            (env.get("TWILIO_API_BASE_URL") or "").strip() or DEFAULT_API_BASE_URL,
        )

    async def send_text(self, to: str, text: str, opted_out: OptOutCheck | None = None) -> TextResult:
        """Send ``text`` (split like every bot reply) unless ``to`` texted STOP.

        Two attempts only: someone is waiting in the chat for "sent" or "didn't go through", and a
        link to the same list is their fallback. A client per send: this runs rarely, on whatever
        event loop the caller has, and must leave no connection pool behind.
        """
        if await (opted_out or opted_out_in_database)(to):
            logger.info("SMS to %s not sent: the number opted out (STOP)", sms_format.mask_phone(to))
            return TextResult.OPTED_OUT
        rest = TwilioRestClient(self.account_sid, self.auth_token, self.api_base_url, max_attempts=2, timeout=10.0)
        try:
            for body in sms_format.split_message(text):
                if await rest.send(to, self.twilio_number, body) is None:
                    return TextResult.FAILED
        finally:
            await rest.aclose()
        return TextResult.SENT
