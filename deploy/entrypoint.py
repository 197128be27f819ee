"""The container image's entrypoint: one image, one role per container.

    python -m deploy.entrypoint rasa | actions | web     # the three servers
    python -m deploy.entrypoint wait-for-schema          # an init container: hold until migrated
    python -m deploy.entrypoint python -m bot.advocates add ...   # anything else runs as given

The three servers start with the launcher's own commands and environment
(``bot.launcher.processes.stack_commands`` and ``process_env``) and Rasa's endpoints.yml and
credentials.yml are written by the launcher's own functions (``bot.launcher.files``), so `make run`
and a cluster cannot drift apart: there is one definition of how each server runs. What a
container does differently from `make run`, and why:

- **Secrets are never generated.** The launcher generates missing ones into ``var/secrets.env``;
  in a pod that file is scratch space, different in every pod and gone at the next restart, and a
  generated ``ADVOCATE_MASTER_KEY`` would take every person's data with it. Every name in
  ``SECRET_NAMES`` must come from the Kubernetes Secret, at least 32 characters long (the launcher
  generates 43), or the container refuses to start, naming the variable (never a value).
- **DATABASE_URL must be set.** The default SQLite file would live in the pod's scratch volume:
  not shared with the other pods, and lost when the pod goes.
- **The other servers are Services.** The launcher derives RASA_URL and ACTION_SERVER_URL from
  this machine's loopback because it runs all three side by side; here they are the Services'
  addresses from the environment (the ConfigMap), and Rasa's ``action_endpoint`` points there.
- **No migration on start.** Several pods starting together would race Alembic; the migration
  Job migrates once, and ``wait-for-schema`` (an init container) holds new pods until it has, so
  new code never serves on an old schema. A database *newer* than the image (a rollback) does not
  hold them: the old code cannot know the new revision, and blocking would block the rollback.
- **The server replaces this process** (``exec``), so the signal Kubernetes sends to stop the
  container reaches the server itself (tini, PID 1, forwards it).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from bot.launcher.config import SECRET_NAMES, LaunchError, StackConfig
from bot.launcher.files import write_credentials, write_endpoints
from bot.launcher.processes import process_env, stack_commands
from bot.security.files import use_private_umask
from bot.settings import PROJECT_ROOT

# Role -> the process name in the launcher's stack_commands.
ROLES = {"rasa": "rasa", "actions": "actions", "web": "web"}
WAIT_FOR_SCHEMA = "wait-for-schema"
# token_urlsafe(32), what the launcher generates, is 43 characters; anything much shorter is a
# placeholder or a password someone typed.
MIN_SECRET_LENGTH = 32
PEER_URL_VARIABLES = ("RASA_URL", "ACTION_SERVER_URL")
SCHEMA_WAIT_VARIABLE = "SCHEMA_WAIT_TIMEOUT"
DEFAULT_SCHEMA_WAIT = 600.0
SCHEMA_POLL_SECONDS = 5.0
USAGE = f"""usage: python -m deploy.entrypoint {{{"|".join(ROLES)}}} [extra arguments for that server]
       python -m deploy.entrypoint {WAIT_FOR_SCHEMA}
       python -m deploy.entrypoint COMMAND [ARGS...]   (run as given, e.g. python -m bot.persistence.migrate)"""


class StartError(Exception):
    """The container's configuration is incomplete; said without any secret value, then exit 1."""


@dataclass(frozen=True)
class ClusterConfig(StackConfig):
    """The launcher's StackConfig, with the other servers at their Services instead of loopback."""

    rasa_service_url: str = ""
    action_service_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ClusterConfig:
        base = StackConfig.from_env(environ)
        missing = [name for name in PEER_URL_VARIABLES if not (environ.get(name) or "").strip()]
        if missing:
            raise StartError(
                f"{', '.join(missing)} must be set to the Services' addresses (e.g. http://advocate-rasa:5005); "
                "in a container the servers do not run side by side on one loopback"
            )
        return cls(
            **{field.name: getattr(base, field.name) for field in fields(StackConfig)},
            rasa_service_url=environ["RASA_URL"].strip().rstrip("/"),
            action_service_url=environ["ACTION_SERVER_URL"].strip().rstrip("/"),
        )

    @property
    def rasa_url(self) -> str:
        return self.rasa_service_url

    @property
    def action_server_url(self) -> str:
        return self.action_service_url


@dataclass(frozen=True)
class Start:
    """What a role's container executes: the argv, its environment, and lines to print first."""

    command: list[str]
    env: dict[str, str]
    notes: list[str]


def check_secrets(environ: Mapping[str, str]) -> None:
    """Refuse a missing, empty or placeholder-short secret: generating one here would lose data."""
    missing = [name for name in SECRET_NAMES if not (environ.get(name) or "").strip()]
    short = [name for name in SECRET_NAMES if name not in missing and len(environ[name].strip()) < MIN_SECRET_LENGTH]
    problems = []
    if missing:
        problems.append(f"not set: {', '.join(missing)}")
    if short:
        problems.append(f"shorter than {MIN_SECRET_LENGTH} characters: {', '.join(short)}")
    if problems:
        raise StartError(
            "secrets from the Kubernetes Secret are incomplete (" + "; ".join(problems) + "). A container never "
            "generates them: a generated ADVOCATE_MASTER_KEY would differ in every pod and vanish on restart. "
            "Make each with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )


def check_database(environ: Mapping[str, str]) -> None:
    if not (environ.get("DATABASE_URL") or "").strip():
        raise StartError(
            "DATABASE_URL is not set: the default SQLite file would be in this pod's scratch volume, "
            "shared with no other pod and lost on restart (set it in the Secret, e.g. postgresql://...)"
        )


def start(role: str, environ: Mapping[str, str]) -> Start:
    """The command and environment of one server, after writing what Rasa reads (for ``rasa``)."""
    if role not in ROLES:
        raise StartError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    check_database(environ)
    check_secrets(environ)
    try:
        config = ClusterConfig.from_env(environ)
        notes: list[str] = []
        if role == "rasa":
            write_endpoints(config)
            notes = write_credentials(config, environ)
    except LaunchError as exc:  # a bad port, REDIS_URL or REST_CHANNEL: the launcher's own message
        raise StartError(str(exc)) from None
    command = stack_commands(config)[ROLES[role]]
    return Start(command=command, env=process_env(config, environ), notes=notes)


# --------------------------------------------------------------------------------------------
# wait-for-schema


@dataclass(frozen=True)
class SchemaState:
    """Where the database's migrations are, against the revisions this image's code ends at."""

    current: frozenset[str]
    heads: frozenset[str]
    known: frozenset[str]

    @property
    def up_to_date(self) -> bool:
        return self.current == self.heads

    @property
    def newer_than_code(self) -> bool:
        """The database is at a revision this code has never heard of: a newer image migrated it."""
        return bool(self.current - self.known)


def schema_state(database_url: str) -> SchemaState:
    """Read the database's Alembic revision and this code's migration heads."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from bot.persistence import migrate
    from bot.persistence.engines import new_engine

    script = ScriptDirectory.from_config(migrate.alembic_config(database_url))
    engine = new_engine(database_url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
    finally:
        engine.dispose()
    return SchemaState(
        current=frozenset(current),
        heads=frozenset(script.get_heads()),
        known=frozenset(revision.revision for revision in script.walk_revisions()),
    )


def wait_for_schema(
    environ: Mapping[str, str],
    timeout: float | None = None,
    read_state: Callable[[str], SchemaState] = schema_state,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """0 once the database is migrated to this code's heads (or beyond them), 1 after ``timeout``."""
    from sqlalchemy.exc import SQLAlchemyError

    check_database(environ)
    database_url = environ["DATABASE_URL"].strip()
    if timeout is None:
        raw = environ.get(SCHEMA_WAIT_VARIABLE) or str(DEFAULT_SCHEMA_WAIT)
        try:
            timeout = float(raw)
        except ValueError:
            raise StartError(f"{SCHEMA_WAIT_VARIABLE} must be a number of seconds, got {raw!r}") from None
    deadline = clock() + timeout
    while True:
        try:
            state = read_state(database_url)
        except SQLAlchemyError as exc:  # not reachable yet; only the kind is said (a message can name hosts)
            situation = f"the database does not answer ({type(exc).__name__})"
        else:
            if state.up_to_date:
                print(f"database schema is at {', '.join(sorted(state.heads))}: starting")
                return 0
            if state.newer_than_code:
                print(
                    f"database schema is at {', '.join(sorted(state.current))}, newer than this image "
                    f"({', '.join(sorted(state.heads))}): a rollback; starting (docs/DEPLOYMENT.md, Roll back)"
                )
                return 0
            at = ", ".join(sorted(state.current)) or "no schema"
            situation = f"the database is at {at}, this image needs {', '.join(sorted(state.heads))}"
        if clock() >= deadline:
            print(
                f"error: {situation} after {timeout:.0f} s: run the migration Job (advocate-migrate)", file=sys.stderr
            )
            return 1
        print(f"waiting for the migration Job: {situation}")
        sleep(SCHEMA_POLL_SECONDS)


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if args else 2
    # Every file this process and the server it becomes create is private (as under `make run`).
    use_private_umask()
    role, extra = args[0], args[1:]
    try:
        if role == WAIT_FOR_SCHEMA:
            return wait_for_schema(os.environ)
        if role not in ROLES:
            os.execvp(role, args)  # an operator's command (migration, accounts, rotation) as given
        plan = start(role, os.environ)
    except StartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the command given does not exist or cannot be run
        print(f"error: cannot run {role!r}: {exc.strerror}", file=sys.stderr)
        return 127
    for line in plan.notes:
        print(line)
    sys.stdout.flush()
    os.chdir(PROJECT_ROOT)  # the commands name models/ and actions relative to the repository root
    command = [*plan.command, *extra]
    os.execve(command[0], command, plan.env)
    return 0  # not reached: execve replaces the process


if __name__ == "__main__":
    sys.exit(main())
