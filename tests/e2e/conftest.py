"""The `stack` fixture: the real Rasa server, action server and web app, started once per session.

It runs `python -m bot.launcher run` itself, so the stack under test is built by the same code as
`make run` (commands, environment, migrations, endpoints, readiness), on free ports, with its own
SQLite database and var/ folder under pytest's tmp directory and freshly generated tokens. When
TEST_REDIS_URL is set (.ci/run sets it), Rasa uses Redis as its lock store, as in production.

SMS and Slack are enabled, pointed at local fakes of Twilio's and Slack's web APIs (tests/fakes.py,
the `channel_fakes` fixture); a developer's own channel settings never reach the stack.

It needs a trained model in models/ (`make test` trains before the stack tests run).
Every test using the fixture is marked `stack` (tests/conftest.py). When such a test fails, the
last lines of the stack's output are added to its report.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from bot import launcher
from bot.channels.config import CHANNEL_SETTINGS
from bot.security.limits import SETTING_NAMES as LIMIT_SETTINGS
from bot.settings import PROJECT_ROOT
from tests.e2e.harness import LOG_TAIL_LINES, ChannelFakes, Stack, free_ports, stop, tail
from tests.fakes import FakeSlack, FakeTwilio

READY_TIMEOUT = 180.0
# The stack gets exactly these from the fixture; a developer's own values must not leak in.
_OWN_SETTINGS = (
    "ADVOCATE_VAR_DIR",
    "DATABASE_URL",
    "KEYSTORE_URL",
    "ADVOCATE_MASTER_KEY_PREVIOUS",
    "REDIS_URL",
    "RASA_URL",
    "ACTION_SERVER_URL",
    *launcher.SECRET_NAMES,
    *CHANNEL_SETTINGS,  # a developer's real Twilio or Slack account must never get test messages
    *LIMIT_SETTINGS,  # the abuse limits' defaults, which the stack tests count on
    "ADVOCATE_SLACK_CHANNEL",
    "ADVOCATE_HOURS",
    "ADVOCATE_TIMEZONE",
    "ADVOCATE_COOKIE_SECURE",
    "ADVOCATE_SESSION_HOURS",
    "ADVOCATE_IDLE_MINUTES",
    "ADVOCATE_ONLINE_MINUTES",
)


@pytest.fixture(scope="session")
def channel_fakes() -> Iterator[ChannelFakes]:
    """SMS and Slack are enabled in the stack, talking to local fakes of Twilio's and Slack's APIs."""
    twilio, slack = FakeTwilio().start(), FakeSlack().start()
    try:
        yield ChannelFakes(
            twilio=twilio,
            slack=slack,
            twilio_auth_token=secrets.token_hex(16),
            twilio_number="+15550100100",
            public_base_url="https://advocate.example.org",
            slack_signing_secret=secrets.token_hex(16),
        )
    finally:
        twilio.stop()
        slack.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, channel_fakes: ChannelFakes) -> Iterator[Stack]:
    if launcher.find_model() is None:
        pytest.fail(
            f"no trained model in {PROJECT_ROOT / launcher.MODELS_DIR}: run `make train` first "
            "(`make test` trains before it runs the stack tests)",
            pytrace=False,
        )
    workdir = tmp_path_factory.mktemp("stack")
    rasa_port, action_port, web_port = free_ports(3)
    env = {key: value for key, value in os.environ.items() if key not in _OWN_SETTINGS}
    env.update(
        ADVOCATE_VAR_DIR=str(workdir / "var"),
        DATABASE_URL=f"sqlite:///{workdir / 'advocate.db'}",
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        WEB_PORT=str(web_port),
        ADVOCATE_API_TOKEN=secrets.token_urlsafe(32),
        RASA_API_TOKEN=secrets.token_urlsafe(32),
        # The fixture decides when to give up, and shows the output when it does.
        READY_TIMEOUT=str(READY_TIMEOUT * 2),
    )
    env.update(
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN=channel_fakes.twilio_auth_token,
        TWILIO_NUMBER=channel_fakes.twilio_number,
        TWILIO_API_BASE_URL=channel_fakes.twilio.url,
        PUBLIC_BASE_URL=channel_fakes.public_base_url,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=channel_fakes.slack_signing_secret,
        SLACK_API_BASE_URL=f"{channel_fakes.slack.url}/api/",
    )
    # The advocate side (issue 4): new handoffs announced to the fake Slack; office hours always
    # open, so what a person is told does not depend on when the tests run; cookies without the
    # Secure flag, because the stack serves plain HTTP on 127.0.0.1 (PUBLIC_BASE_URL is https).
    env.update(
        ADVOCATE_SLACK_CHANNEL="C0ADVOCATES",
        ADVOCATE_HOURS="always",
        ADVOCATE_TIMEZONE="America/New_York",
        ADVOCATE_COOKIE_SECURE="false",
    )
    if os.environ.get("TEST_REDIS_URL"):
        env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    config = launcher.StackConfig.from_env(env)
    log_path = workdir / "stack.log"

    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher", "run"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        pending = launcher.wait_until_ready(
            launcher.readiness_checks(config, env["RASA_API_TOKEN"]),
            READY_TIMEOUT,
            should_stop=lambda: process.poll() is not None,
        )
        if process.poll() is not None or pending:
            problem = (
                f"the launcher exited with rc={process.returncode}"
                if process.poll() is not None
                else f"not ready after {READY_TIMEOUT:.0f} s: {', '.join(pending)}"
            )
            pytest.fail(
                f"the stack did not start: {problem}\n--- {log_path} (last {LOG_TAIL_LINES} lines) ---\n"
                + tail(log_path, LOG_TAIL_LINES),
                pytrace=False,
            )
        with httpx.Client(timeout=60.0) as client:
            yield Stack(
                rasa_url=config.rasa_url,
                web_url=config.web_url,
                action_server_url=config.action_server_url,
                api_token=env["ADVOCATE_API_TOKEN"],
                rasa_token=env["RASA_API_TOKEN"],
                database_url=config.database_url,
                log_path=log_path,
                client=client,
                channels=channel_fakes,
            )
    finally:
        stop(process)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failing stack test shows what the servers said, not just what the client saw."""
    outcome = yield
    report = outcome.get_result()
    running = getattr(item, "funcargs", {}).get("stack")
    if report.failed and isinstance(running, Stack):
        report.sections.append((f"stack output (last {LOG_TAIL_LINES} lines)", running.log_tail()))
