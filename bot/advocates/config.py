"""Settings of the advocate side, read from the environment (per call, like ``bot.settings``).

| variable | default | what |
|---|---|---|
| ADVOCATE_HOURS | ``Mon-Fri 09:00-17:00`` | when advocates are on duty (``always`` = around the clock) |
| ADVOCATE_TIMEZONE | ``America/New_York`` | the time zone of those hours |
| ADVOCATE_SESSION_HOURS | 12 | a console sign-in lasts at most this long |
| ADVOCATE_IDLE_MINUTES | 30 | ... and ends after this long without any request |
| ADVOCATE_ONLINE_MINUTES | 5 | an advocate seen this recently counts as online |
| ADVOCATE_COOKIE_SECURE | auto | ``true``/``false``; auto = Secure when PUBLIC_BASE_URL is https |
| PUBLIC_BASE_URL | ``http://localhost:$WEB_PORT`` | the console's address in Slack announcements |
| ADVOCATE_SLACK_CHANNEL | (none) | Slack channel id/name for new-handoff announcements |
| SLACK_BOT_TOKEN | (none) | the Slack bot token used to post them |
| SLACK_API_BASE_URL | ``https://slack.com/api/`` | the Slack Web API (a local fake in tests) |
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.servers.settings import env_number

DEFAULT_HOURS = "Mon-Fri 09:00-17:00"
DEFAULT_TIMEZONE = "America/New_York"
DEFAULT_SLACK_API = "https://slack.com/api/"


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    """A duration or count that only makes sense above zero."""
    value = env_number(environ, name, default, float)
    if value <= 0:
        raise ValueError(f"{name} must be greater than 0, got {environ.get(name, '').strip()!r}")
    return value


@dataclass(frozen=True)
class AdvocateSettings:
    hours: str
    timezone: str
    session_lifetime: timedelta
    idle_timeout: timedelta
    online_window: timedelta
    cookie_secure: bool
    public_base_url: str
    slack_channel: str
    slack_bot_token: str
    slack_api_base_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AdvocateSettings:
        env = os.environ if environ is None else environ
        public = (env.get("PUBLIC_BASE_URL") or f"http://localhost:{env.get('WEB_PORT') or 8000}").rstrip("/")
        secure = (env.get("ADVOCATE_COOKIE_SECURE") or "auto").strip().lower()
        if secure not in ("auto", "true", "false", "1", "0", "yes", "no"):
            raise ValueError(f"ADVOCATE_COOKIE_SECURE must be auto, true or false, got {secure!r}")
        base = (env.get("SLACK_API_BASE_URL") or DEFAULT_SLACK_API).strip()
        return cls(
            hours=(env.get("ADVOCATE_HOURS") or DEFAULT_HOURS).strip(),
            timezone=(env.get("ADVOCATE_TIMEZONE") or DEFAULT_TIMEZONE).strip(),
            session_lifetime=timedelta(hours=_number(env, "ADVOCATE_SESSION_HOURS", 12)),
            idle_timeout=timedelta(minutes=_number(env, "ADVOCATE_IDLE_MINUTES", 30)),
            online_window=timedelta(minutes=_number(env, "ADVOCATE_ONLINE_MINUTES", 5)),
            cookie_secure=public.startswith("https://") if secure == "auto" else secure in ("true", "1", "yes"),
            public_base_url=public,
            slack_channel=(env.get("ADVOCATE_SLACK_CHANNEL") or "").strip(),
            slack_bot_token=(env.get("SLACK_BOT_TOKEN") or "").strip(),
            # slack_sdk joins method names onto the base, so it must end with a slash.
            slack_api_base_url=base if base.endswith("/") else base + "/",
        )

    @property
    def announces_in_slack(self) -> bool:
        return bool(self.slack_channel and self.slack_bot_token)

    def console_url(self, handoff_id: int) -> str:
        return f"{self.public_base_url}/advocate/handoffs/{handoff_id}"
