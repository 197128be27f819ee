"""The two bots the benchmark compares, started fresh for the run, and their memory.

- The project: `python -m bot.launcher run`, exactly what `make run` starts (so its commands,
  environment, migrations and endpoints are the launcher's, never a copy), as the e2e `stack`
  fixture does: free ports, its own var/ folder and SQLite database in a temporary folder, fresh
  secrets (the launcher generates them there), no channel credentials of the developer's.
- Rasa's own `rasa init` moodbot, created and trained with the project's virtualenv and cached
  under build/bench/moodbot-rasa-<version>/ (training it again only when Rasa's version changes),
  served by `rasa run` with the default in-memory tracker store and no action server.

The inbound rate limit per sender (INBOUND_MESSAGES_PER_MINUTE, issue 12) is lifted for the
benchmark's stack: the long conversation sends 80 messages from one sender in well under a minute.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import rasa

from bot import launcher
from bot.channels.config import CHANNEL_SETTINGS
from bot.settings import PROJECT_ROOT
from tests.e2e.harness import LOG_TAIL_LINES, free_ports, stop, tail

READY_TIMEOUT = 600.0
MOODBOT_CACHE = PROJECT_ROOT / "build" / "bench" / f"moodbot-rasa-{rasa.__version__}"
# Settings the benchmark's stack gets from here only, never from the developer's environment.
_OWN_SETTINGS = (
    "ADVOCATE_VAR_DIR",
    "DATABASE_URL",
    "REDIS_URL",
    "RASA_URL",
    "ACTION_SERVER_URL",
    *launcher.SECRET_NAMES,
    *CHANNEL_SETTINGS,
)
# What the benchmark's stack runs with on top of the environment. The per-sender inbound limit
# must not turn the long conversation into 429s; a developer can add or override any setting with
# BENCH_STACK_ENV="NAME=value NAME2=value2".
BENCH_STACK_SETTINGS = {"INBOUND_MESSAGES_PER_MINUTE": "1000000"}


class ServerError(RuntimeError):
    """A bot did not start; the message carries the end of its output."""


@dataclass(frozen=True)
class RunningBot:
    name: str
    webhook_url: str
    root_pid: int
    # process name -> argv, to name the processes under root_pid; unmatched ones count as "other".
    commands: Mapping[str, list[str]]
    started_seconds: float  # from starting the command until every readiness check passed


def stack_settings(extra: str | None) -> dict[str, str]:
    """BENCH_STACK_SETTINGS plus the developer's NAME=value pairs (space-separated)."""
    settings = dict(BENCH_STACK_SETTINGS)
    for pair in (extra or "").split():
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ServerError(f"BENCH_STACK_ENV: expected NAME=value pairs, got {pair!r}")
        settings[name] = value
    return settings


@dataclass(frozen=True)
class Starting:
    """A bot whose process has been started; `ready()` waits for it, so two bots can boot side by side."""

    process: subprocess.Popen[bytes]
    checks: list[launcher.Check]
    log: Path
    began: float
    bot: Callable[[float], RunningBot]  # the running bot, given its start-up seconds

    def ready(self) -> RunningBot:
        process = self.process
        pending = launcher.wait_until_ready(self.checks, READY_TIMEOUT, should_stop=lambda: process.poll() is not None)
        if process.poll() is not None or pending:
            problem = f"exited with rc={process.returncode}" if process.poll() is not None else f"not ready: {pending}"
            stop(process)
            raise ServerError(
                f"{self.log.stem} did not start ({problem})\n--- {self.log} ---\n{tail(self.log, LOG_TAIL_LINES)}"
            )
        return self.bot(time.perf_counter() - self.began)


def stack_environment(workdir: Path, **settings: str) -> dict[str, str]:
    """The environment a benchmarked stack starts with: ours, on free ports, its own var dir and token."""
    rasa_port, action_port, web_port = free_ports(3)
    env = {key: value for key, value in os.environ.items() if key not in _OWN_SETTINGS}
    env.update(
        ADVOCATE_VAR_DIR=str(workdir / "var"),
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        WEB_PORT=str(web_port),
        RASA_API_TOKEN=secrets.token_urlsafe(32),
        READY_TIMEOUT=str(READY_TIMEOUT * 2),
        RASA_TELEMETRY_ENABLED="false",
        **settings,
    )
    return env


@contextmanager
def project_stack(
    workdir: Path, extra_env: str | None = None, module: str = "bot.launcher", settings: Mapping[str, str] | None = None
) -> Iterator[Starting]:
    """The project's three processes, as `make run` starts them, in `workdir`.

    `module` is the launcher to run (the profiler runs a traced one); `settings` are added to the
    environment.
    """
    if launcher.find_model() is None:
        raise ServerError("no trained model in models/: run `make train` (`make bench-load` trains first)")
    env = stack_environment(workdir, DATABASE_URL=f"sqlite:///{workdir / 'advocate.db'}")
    env.update(stack_settings(extra_env))
    env.update(settings or {})
    config = launcher.StackConfig.from_env(env)
    log = workdir / "advocate.log"
    began = time.perf_counter()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", module, "run"], cwd=PROJECT_ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    bot = functools.partial(
        RunningBot,
        "advocate",
        f"{config.rasa_url}/webhooks/rest/webhook",
        process.pid,
        launcher.stack_commands(config),
    )
    try:
        yield Starting(process, launcher.readiness_checks(config, env["RASA_API_TOKEN"]), log, began, bot)
    finally:
        stop(process)


def _rasa_env() -> dict[str, str]:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def ensure_moodbot(cache: Path = MOODBOT_CACHE) -> Path:
    """The trained moodbot project: `rasa init --no-prompt` (which trains) once per Rasa version.

    Built in a temporary folder beside the cache and renamed into place, so an interrupted build
    never leaves a half-trained cache that later runs would trust.
    """
    if list((cache / "models").glob("*.tar.gz")):
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="moodbot-", dir=cache.parent))
    try:
        print(f"training the moodbot (rasa init --no-prompt) into {cache} ...", flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(building)],
            cwd=building, env=_rasa_env(), capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode or not list((building / "models").glob("*.tar.gz")):
            raise ServerError(f"rasa init failed (rc={done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        shutil.rmtree(cache, ignore_errors=True)
        building.rename(cache)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return cache


@contextmanager
def moodbot(workdir: Path, project: Path) -> Iterator[Starting]:
    """`rasa run` on the moodbot: in-memory tracker store (its endpoints.yml configures none), no actions."""
    [port] = free_ports(1)
    token = secrets.token_urlsafe(32)
    command = [
        sys.executable, "-m", "rasa", "run", "--model", str(project / "models"), "--port", str(port),
        "--interface", "127.0.0.1", "--enable-api", f"--auth-token={token}",  # a token may start with "-"
        "--credentials", str(project / "credentials.yml"),
    ]  # fmt: skip
    log = workdir / "moodbot.log"
    began = time.perf_counter()
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=project, env=_rasa_env(), stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    ready = launcher.Check("moodbot", f"{url}/status?token={quote(token, safe='')}", launcher._rasa_model_loaded)
    bot = functools.partial(RunningBot, "moodbot", f"{url}/webhooks/rest/webhook", process.pid, {"rasa": command})
    try:
        yield Starting(process, [ready], log, began, bot)
    finally:
        stop(process)
