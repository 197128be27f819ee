"""The three servers' commands and shared environment, and how to tell they are ready."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from bot.launcher.config import MODELS_DIR, StackConfig
from bot.settings import PROJECT_ROOT


def process_env(config: StackConfig, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment all three processes share, so they agree on URLs, tokens and storage."""
    env = dict(environ)
    pythonpath = [str(PROJECT_ROOT), *filter(None, [env.get("PYTHONPATH")])]
    env.update(
        ADVOCATE_VAR_DIR=str(config.var_dir),
        DATABASE_URL=config.database_url,
        RASA_URL=config.rasa_url,
        ACTION_SERVER_URL=config.action_server_url,
        BIND_HOST=config.bind_host,
        # The default address of the links to people's printable question lists (bot.settings).
        WEB_PORT=str(config.web_port),
        PYTHONPATH=os.pathsep.join(pythonpath),
        # Output through a pipe arrives line by line instead of in 8 kB chunks.
        PYTHONUNBUFFERED="1",
    )
    if config.redis_url:
        env["REDIS_URL"] = config.redis_url
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides real errors
    # SQLAlchemy's "not compatible with 2.0" notice is about Rasa's pinned SQLAlchemy 1.4, printed by
    # every process at start, and a newcomer reads it as an error. (The other libraries' deprecation
    # notices can't be silenced this way: Sanic re-enables them when it is imported.)
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    # Rasa's crash reports go to Rasa's servers and can quote a person's message: opt-in only.
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    return env


def rasa_server_command(config: StackConfig) -> list[str]:
    """Rasa through our entrypoint: it reads RASA_API_TOKEN, CORS_ORIGINS and BIND_HOST itself,
    so no secret is on the command line (bot.servers.rasa_server)."""
    return [
        sys.executable, "-m", "bot.servers.rasa_server", "run",
        "--model", MODELS_DIR,
        "--enable-api",
        "--port", str(config.rasa_port),
        "--endpoints", str(config.endpoints_file),
        "--credentials", str(config.credentials_file),
    ]  # fmt: skip


def rasa_shell_command(config: StackConfig) -> list[str]:
    return [
        sys.executable, "-m", "bot.servers.rasa_server", "shell",
        "--model", MODELS_DIR,
        "--endpoints", str(config.endpoints_file),
        "--port", str(config.shell_port),
    ]  # fmt: skip


def action_server_command(config: StackConfig) -> list[str]:
    """Our action server (bot.servers.action_server): ACTION_SERVER_TOKEN from the environment."""
    port = str(config.action_port)
    return [sys.executable, "-m", "bot.servers.action_server", "--actions", "actions", "--port", port]


def web_command(config: StackConfig) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "bot.web.app:app",
        "--host", config.bind_host,
        "--port", str(config.web_port),
        # Which server software answers is nobody's business.
        "--no-server-header",
        # uvicorn would otherwise take the client address from X-Forwarded-For on connections from
        # 127.0.0.1, so anyone reaching it through a local proxy could pick the address the sign-in
        # back-off counts; ADVOCATE_TRUST_FORWARDED_FOR is the one switch for that (bot.advocates.throttle).
        "--no-proxy-headers",
    ]  # fmt: skip


def stack_commands(config: StackConfig) -> dict[str, list[str]]:
    """Process name (the prefix of its output lines) -> argv. No argv holds a secret: `ps` shows them."""
    return {
        "rasa": rasa_server_command(config),
        "actions": action_server_command(config),
        "web": web_command(config),
    }


# --------------------------------------------------------------------------------------------
# Readiness


@dataclass(frozen=True)
class Check:
    name: str
    url: str
    is_ready: Callable[[httpx.Response], bool]


def _rasa_model_loaded(response: httpx.Response) -> bool:
    # /status answers 409 until a model is loaded, and names the model file once it is.
    return response.status_code == 200 and bool(response.json().get("model_file"))


def _ok(response: httpx.Response) -> bool:
    return response.status_code == 200


def action_server_check(config: StackConfig) -> Check:
    return Check("actions", f"{config.action_server_url}/health", _ok)


def readiness_checks(config: StackConfig, rasa_token: str) -> list[Check]:
    """The stack is ready when Rasa has loaded its model and the other two answer their health checks."""
    return [
        Check("rasa", f"{config.rasa_url}/status?token={quote(rasa_token, safe='')}", _rasa_model_loaded),
        action_server_check(config),
        Check("web", f"{config.web_url}/healthz", _ok),
    ]


def wait_until_ready(checks: list[Check], timeout: float, should_stop: Callable[[], bool] = lambda: False) -> list[str]:
    """Poll until every check passes; returns the names still failing (empty when all are ready)."""
    pending = list(checks)
    deadline = time.monotonic() + timeout
    # trust_env=False: a proxy configured for the outside world must not see requests to 127.0.0.1.
    with httpx.Client(timeout=5.0, trust_env=False) as client:
        while pending and time.monotonic() < deadline and not should_stop():
            for check in list(pending):
                try:
                    if check.is_ready(client.get(check.url)):
                        pending.remove(check)
                except (httpx.HTTPError, ValueError):
                    pass  # not listening yet, or not answering JSON yet
            if pending:
                time.sleep(1.0)
    return [check.name for check in pending]


def share_links_line(config: StackConfig, environ: Mapping[str, str]) -> str:
    """Where the private links to people's printable question lists point (PUBLIC_BASE_URL).

    Said at start-up because a wrong value fails silently: people get links that open nothing.
    """
    public = (environ.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    if public:
        return f"{public}/my-questions/...   (PUBLIC_BASE_URL)"
    return (
        f"http://localhost:{config.web_port}/my-questions/...   "
        "(only on this machine: set PUBLIC_BASE_URL to the web app's public address)"
    )


def ready_banner(config: StackConfig, token_source: str, environ: Mapping[str, str] | None = None) -> str:
    web = f"http://localhost:{config.web_port}"
    rasa = f"http://localhost:{config.rasa_port}"
    links = share_links_line(config, os.environ if environ is None else environ)
    return f"""
Second Opinion Advocate is ready.
  Chat over REST:    curl -s {rasa}/webhooks/rest/webhook -d '{{"sender": "me", "message": "hi"}}'
  Chat in terminal:  make shell   (in another terminal)
  Web app:           {web}/
  Advocate console:  {web}/advocate   (accounts: python -m bot.advocates add EMAIL --name NAME)
  Question links:    {links}
  API docs:          {web}/docs
  Health:            {web}/healthz   (action server: http://localhost:{config.action_port}/health)
  Tokens:            {token_source}
                     ADVOCATE_API_TOKEN for the web API (Authorization: Bearer ...),
                     RASA_API_TOKEN for Rasa's HTTP API (?token=...)
Press Ctrl-C to stop everything.
"""
