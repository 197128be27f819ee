"""The `scaled` fixture: `python -m bot.launcher run-scaled` (make run-scaled), started once per session.

Two Rasa servers and two action servers behind nginx, on a PostgreSQL database of their own
(created on TEST_DATABASE_URL's server, dropped afterwards) and Redis at TEST_REDIS_URL; .ci/run
sets both, and without them the launcher's own message says what is missing. Like the `stack`
fixture it runs the launcher itself, so the topology under test is the one `make run-scaled` starts.

Tests using it are marked `scaled` (tests/conftest.py) and run by `make test-faults`, not by
`make test`: they restart PostgreSQL and kill servers.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot import launcher
from bot.launcher.commands import scaled_probes
from bot.launcher.scaled import ScaledConfig
from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import _OWN_SETTINGS, channel_fakes  # noqa: F401  (the fixture, for SMS)
from tests.e2e.harness import LOG_TAIL_LINES, ChannelFakes, Stack, free_ports, stop, tail

READY_TIMEOUT = 300.0
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class Scaled(Stack):
    """The running scaled topology: `rasa_url` is nginx; each instance is reachable on its own too."""

    instances: dict[str, str] = field(default_factory=dict)
    workdir: Path = Path()

    def instance_url(self, name: str) -> str:
        return self.instances[name]

    def server_pid(self, name: str) -> int:
        """The pid of instance `name`'s server (the keeper's child), found by its port."""
        port = self.instances[name].rsplit(":", 1)[1]
        module = "bot.servers.rasa_server" if name.startswith("rasa-") else "bot.servers.action_server"
        found = subprocess.run(["pgrep", "-f", "--", f"{module} .*--port {port}( |$)"], capture_output=True, text=True)
        pids = [int(pid) for pid in found.stdout.split() if int(pid) != os.getpid()]
        servers = [pid for pid in pids if "bot.launcher.keeper" not in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(servers) == 1, f"expected one {name} server on port {port}, found {servers}"
        return servers[0]


def _database(url: str, name: str, create: bool) -> None:
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if create:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def scaled(tmp_path_factory: pytest.TempPathFactory, channel_fakes: ChannelFakes) -> Iterator[Scaled]:  # noqa: F811
    if launcher.find_model() is None:
        pytest.fail("no trained model in models/: run `make train` first", pytrace=False)
    server = os.environ.get("TEST_DATABASE_URL") or DEFAULT_DATABASE_URL
    name = f"advocate_scaled_{uuid.uuid4().hex[:8]}"
    database_url = make_url(server).set(database=name).render_as_string(hide_password=False)
    keystore_url = make_url(server).set(database=f"{name}_keys").render_as_string(hide_password=False)
    workdir = tmp_path_factory.mktemp("scaled")
    rasa_port, action_port, web_port = free_ports(3)
    env = {key: value for key, value in os.environ.items() if key not in _OWN_SETTINGS}
    env.update(
        ADVOCATE_VAR_DIR=str(workdir / "var"),
        DATABASE_URL=database_url,
        KEYSTORE_URL=keystore_url,
        REDIS_URL=os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL,
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        WEB_PORT=str(web_port),
        ADVOCATE_API_TOKEN=secrets.token_urlsafe(32),
        RASA_API_TOKEN=secrets.token_urlsafe(32),
        READY_TIMEOUT=str(READY_TIMEOUT * 2),
        RASA_INSTANCES="2",
        ACTION_INSTANCES="2",
        # The fault tests send bursts from one sender; the per-sender limit must not answer them.
        INBOUND_MESSAGES_PER_MINUTE="1000000",
        # SMS through the local fake of Twilio's API, as in the stack tests.
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN=channel_fakes.twilio_auth_token,
        TWILIO_NUMBER=channel_fakes.twilio_number,
        TWILIO_API_BASE_URL=channel_fakes.twilio.url,
        PUBLIC_BASE_URL=channel_fakes.public_base_url,
    )
    topology = ScaledConfig.from_env(env)
    log_path = workdir / "scaled.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher", "run-scaled"], cwd=PROJECT_ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        checks = launcher.readiness_checks(topology.stack, env["RASA_API_TOKEN"])
        checks += [launcher.Check(n, url, launcher._ok) for n, url in scaled_probes(topology).items()]
        pending = launcher.wait_until_ready(checks, READY_TIMEOUT, should_stop=lambda: process.poll() is not None)
        if process.poll() is not None or pending:
            problem = f"rc={process.returncode}" if process.poll() is not None else f"not ready: {', '.join(pending)}"
            pytest.fail(
                f"run-scaled did not start ({problem})\n--- last {LOG_TAIL_LINES} lines ---\n"
                + tail(log_path, LOG_TAIL_LINES),
                pytrace=False,
            )
        with httpx.Client(timeout=60.0) as client:
            yield Scaled(
                rasa_url=topology.stack.rasa_url,
                web_url=topology.stack.web_url,
                action_server_url=topology.stack.action_server_url,
                api_token=env["ADVOCATE_API_TOKEN"],
                rasa_token=env["RASA_API_TOKEN"],
                database_url=database_url,
                log_path=log_path,
                client=client,
                channels=channel_fakes,
                instances=topology.instance_urls(),
                workdir=workdir,
            )
    finally:
        stop(process)
        for database in (name, f"{name}_keys"):
            _database(server, database, create=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failing test shows what the servers said."""
    outcome = yield
    report = outcome.get_result()
    running = getattr(item, "funcargs", {}).get("scaled")
    if report.failed and isinstance(running, Scaled):
        report.sections.append((f"run-scaled output (last {LOG_TAIL_LINES} lines)", running.log_tail()))
