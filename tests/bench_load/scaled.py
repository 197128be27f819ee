"""The scaled topology for `make bench-load BENCH_SCALED=1`: `make run-scaled` with 1 and with 2 instances.

Both run on PostgreSQL (a database of their own, created on BENCH_DATABASE_URL's server, default
the local one, and dropped afterwards) and Redis (REDIS_URL or the local one), behind nginx, so
that "two instances" and "one instance" differ in nothing but the number of Rasa and action
servers. The single-process SQLite stack (`advocate`) stays in the same run for comparison.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot import launcher
from bot.launcher.commands import scaled_commands, scaled_probes
from bot.launcher.scaled import ScaledConfig, find_nginx
from bot.settings import PROJECT_ROOT
from tests.bench_load.servers import RunningBot, Starting, stack_environment, stack_settings
from tests.e2e.harness import stop

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def _drop(server: str, names: list[str]) -> None:
    engine = create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@contextmanager
def scaled_stack(workdir: Path, instances: int, extra_env: str | None = None) -> Iterator[Starting]:
    """`python -m bot.launcher run-scaled` with `instances` Rasa and action servers, in `workdir`."""
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER
    name = f"advocate_bench_{uuid.uuid4().hex[:8]}"
    env = stack_environment(
        workdir,
        DATABASE_URL=make_url(server).set(database=name).render_as_string(hide_password=False),
        KEYSTORE_URL=make_url(server).set(database=f"{name}_keys").render_as_string(hide_password=False),
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        RASA_INSTANCES=str(instances),
        ACTION_INSTANCES=str(instances),
    )
    env.update(stack_settings(extra_env))
    topology = ScaledConfig.from_env(env)
    log = workdir / f"scaled-{instances}.log"
    began = time.perf_counter()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher", "run-scaled"], cwd=PROJECT_ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    checks = launcher.readiness_checks(topology.stack, env["RASA_API_TOKEN"])
    checks += [launcher.Check(n, url, launcher._ok) for n, url in scaled_probes(topology).items()]
    commands = scaled_commands(topology, find_nginx(env))
    # The keepers' own argv starts with the keeper; the memory report names a process by its argv.
    named = {name: argv[4:] if "bot.launcher.keeper" in argv else argv for name, argv in commands.items()}
    bot = functools.partial(
        RunningBot, f"pg-{instances}x", f"{topology.stack.rasa_url}/webhooks/rest/webhook", process.pid, named
    )
    try:
        yield Starting(process, checks, log, began, bot)
    finally:
        stop(process)
        _drop(server, [name, f"{name}_keys"])
