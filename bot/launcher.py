"""Start the whole assistant on one machine: `python -m bot.launcher` (what `make run` does).

One command for a pilot or a developer: it loads (or creates) the secrets, refuses to start when a
port is taken, migrates the database, writes Rasa's endpoints from the environment, then runs the
Rasa server, the action server and the web app under honcho (prefixed output, Ctrl-C stops all,
one process dying stops the others), and says where everything is once all three answer.

`python -m bot.launcher shell` chats in the terminal (`make shell`) with the same endpoints; it
reuses a running action server or starts one for the session.

The e2e test harness (tests/e2e/conftest.py) runs this module too, so the commands and environment
built here are the only definition of how the stack runs.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx
import yaml
from honcho.manager import SYSTEM_PRINTER_NAME, Manager
from honcho.printer import Message, Printer

from bot.channels.config import channels_config, status_lines
from bot.settings import PROJECT_ROOT

# Generated once into var/secrets.env when unset. ADVOCATE_HASH_KEY keys the hashes that stand in
# for people's ids and numbers (bot.security.hashing); ADVOCATE_MASTER_KEY wraps every person's data
# key; ACTION_SERVER_TOKEN is what Rasa must present to the action server; WIDGET_SESSION_SECRET
# signs the website widget's sessions. Losing var/secrets.env loses the stored data with the keys.
SECRET_NAMES = (
    "ADVOCATE_API_TOKEN",
    "RASA_API_TOKEN",
    "ADVOCATE_HASH_KEY",
    "ADVOCATE_MASTER_KEY",
    "ACTION_SERVER_TOKEN",
    "WIDGET_SESSION_SECRET",
)
TRACKER_STORE_CLASS = "bot.rasa_ext.tracker_store.DatabaseUrlTrackerStore"
MODELS_DIR = "models"
DEFAULT_READY_TIMEOUT = 300.0


class LaunchError(Exception):
    """A problem the person running the launcher can fix; printed without a traceback."""


# --------------------------------------------------------------------------------------------
# Configuration


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name) or str(default)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise LaunchError(f"{name} must be a port number (1-65535), got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class StackConfig:
    """Where each process listens and which files it uses; everything comes from the environment."""

    var_dir: Path
    database_url: str
    redis_url: str | None
    rasa_port: int
    action_port: int
    web_port: int
    shell_port: int
    ready_timeout: float

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> StackConfig:
        var_dir = Path(environ.get("ADVOCATE_VAR_DIR") or PROJECT_ROOT / "var").resolve()
        timeout = environ.get("READY_TIMEOUT") or str(DEFAULT_READY_TIMEOUT)
        try:
            ready_timeout = float(timeout)
        except ValueError:
            raise LaunchError(f"READY_TIMEOUT must be a number of seconds, got {timeout!r}") from None
        return cls(
            var_dir=var_dir,
            # Same default as bot.settings, but under the var dir chosen here.
            database_url=environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'advocate.db'}",
            redis_url=environ.get("REDIS_URL") or None,
            rasa_port=_port(environ, "RASA_PORT", 5005),
            action_port=_port(environ, "ACTION_PORT", 5055),
            web_port=_port(environ, "WEB_PORT", 8000),
            shell_port=_port(environ, "SHELL_PORT", 5006),
            ready_timeout=ready_timeout,
        )

    @property
    def secrets_file(self) -> Path:
        return self.var_dir / "secrets.env"

    @property
    def endpoints_file(self) -> Path:
        return self.var_dir / "endpoints.yml"

    @property
    def credentials_file(self) -> Path:
        return self.var_dir / "credentials.yml"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_server_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"


# --------------------------------------------------------------------------------------------
# Secrets


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines; blank lines and # comments are skipped, surrounding quotes removed."""
    if not path.exists():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def _append_private(path: Path, text: str) -> None:
    """Append to a file only its owner can read, creating it (and its folder) when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(text)
    os.chmod(path, 0o600)  # O_CREAT's mode does not touch a file that already existed


def load_secrets(environ: MutableMapping[str, str], path: Path, names: Iterable[str] = SECRET_NAMES) -> dict[str, str]:
    """Fill `environ` from the secrets file, then generate any secret still unset.

    The environment wins over the file, so an operator can override one value without editing it.
    Every other KEY=value in the file (e.g. Slack or Twilio credentials) is loaded the same way.
    New secrets are appended to the file so the next start reuses them; the generated ones are
    returned so the caller can show them once.
    """
    for key, value in read_env_file(path).items():
        if not environ.get(key):
            environ[key] = value
    generated = {name: secrets.token_urlsafe(32) for name in names if not environ.get(name)}
    if generated:
        header = "" if path.exists() else "# Generated by `make run` (bot.launcher). Keep private.\n"
        _append_private(path, header + "".join(f"{k}={v}\n" for k, v in generated.items()))
        environ.update(generated)
    return generated


# --------------------------------------------------------------------------------------------
# Ports


def port_in_use(port: int) -> bool:
    """True when something listens on the port or holds it, on any local address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR, as the servers themselves set it: a socket in TIME_WAIT from the previous
        # run must not count as taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return True
    return False


def check_ports_free(ports: Mapping[str, int]) -> None:
    """Fail before starting anything, rather than with one server dying half-way up."""
    for setting, port in ports.items():
        if port_in_use(port):
            raise LaunchError(
                f"port {port} is already in use (is another `make run` running?)\n"
                f"Stop whatever uses it, or pick another port: {setting}=<port> make run"
            )


# --------------------------------------------------------------------------------------------
# Database and Rasa endpoints


def run_migrations() -> bool:
    """Bring the database schema up to date; False when the project has no migrations yet."""
    try:
        from bot.persistence import migrate
    except ModuleNotFoundError as exc:
        if exc.name != "bot.persistence.migrate":
            raise
        return False
    migrate.upgrade()
    return True


def redis_lock_store(redis_url: str) -> dict[str, Any]:
    """Rasa's RedisLockStore settings from a redis:// or rediss:// URL (db from path or ?db=)."""
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss"):
        raise LaunchError(f"REDIS_URL must start with redis:// or rediss://, got {redis_url!r}")
    db = parts.path.lstrip("/") or parse_qs(parts.query).get("db", ["0"])[0]
    if not db.isdigit():
        raise LaunchError(f"REDIS_URL names database {db!r}; it must be a number")
    config: dict[str, Any] = {
        "type": "redis",
        "url": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "db": int(db),
    }
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        config["use_ssl"] = True
    return config


def endpoints_config(config: StackConfig) -> dict[str, Any]:
    """The content of Rasa's endpoints.yml for this environment.

    Without REDIS_URL there is no lock_store entry: Rasa's in-memory lock store is right for a
    single Rasa instance, and Redis is only needed when several instances serve together.
    """
    endpoints: dict[str, Any] = {
        "action_endpoint": {"url": f"{config.action_server_url}/webhook"},
        # Reads DATABASE_URL itself, so Rasa stores conversations in the app's database.
        "tracker_store": {"type": TRACKER_STORE_CLASS},
    }
    if config.redis_url:
        endpoints["lock_store"] = redis_lock_store(config.redis_url)
    return endpoints


def write_endpoints(config: StackConfig) -> Path:
    path = config.endpoints_file
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Written by bot.launcher from the environment at start-up; edits are overwritten.\n"
    text += yaml.safe_dump(endpoints_config(config), sort_keys=False)
    # May hold the Redis password.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
    return path


def write_credentials(config: StackConfig, environ: Mapping[str, str]) -> list[str]:
    """Rasa's credentials.yml for the channels the environment configures; returns what to tell.

    The file names environment variables instead of holding secrets (see bot.channels.config).
    """
    credentials, statuses = channels_config(environ)
    path = config.credentials_file
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Written by bot.launcher from the environment at start-up; edits are overwritten.\n"
    # width: a long line must not be folded, and ${VAR} must stay a plain scalar for Rasa to expand it.
    path.write_text(text + yaml.safe_dump(credentials, sort_keys=False, width=1000))
    return status_lines(statuses)


def find_model() -> Path | None:
    models = sorted((PROJECT_ROOT / MODELS_DIR).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


# --------------------------------------------------------------------------------------------
# Processes


def process_env(config: StackConfig, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment all three processes share, so they agree on URLs, tokens and storage."""
    env = dict(environ)
    pythonpath = [str(PROJECT_ROOT), *filter(None, [env.get("PYTHONPATH")])]
    env.update(
        ADVOCATE_VAR_DIR=str(config.var_dir),
        DATABASE_URL=config.database_url,
        RASA_URL=config.rasa_url,
        ACTION_SERVER_URL=config.action_server_url,
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


def rasa_server_command(config: StackConfig, rasa_token: str) -> list[str]:
    return [
        sys.executable, "-m", "rasa", "run",
        "--model", MODELS_DIR,
        "--enable-api",
        "--auth-token", rasa_token,
        "--cors", "*",
        "--port", str(config.rasa_port),
        "--endpoints", str(config.endpoints_file),
        "--credentials", str(config.credentials_file),
    ]  # fmt: skip


def action_server_command(config: StackConfig) -> list[str]:
    return [sys.executable, "-m", "rasa", "run", "actions", "--actions", "actions", "--port", str(config.action_port)]


def web_command(config: StackConfig) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "bot.web.app:app", "--host", "0.0.0.0", "--port", str(config.web_port)]


def stack_commands(config: StackConfig, rasa_token: str) -> dict[str, list[str]]:
    """Process name (the prefix of its output lines) -> argv."""
    return {
        "rasa": rasa_server_command(config, rasa_token),
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


# --------------------------------------------------------------------------------------------
# Supervision (honcho)


@dataclass(frozen=True)
class Outcome:
    """Why the processes stopped: "interrupted" (Ctrl-C/SIGTERM), "died", or "not_ready"."""

    reason: str
    process: str | None = None
    returncode: int = 0


class _WatchingPrinter(Printer):
    """honcho's printer, also noting when every process has started and what ended the run.

    honcho reports these only as its own "system" lines ("web started (pid=42)", "web stopped
    (rc=1)", "SIGINT received"); the format is that of the pinned honcho 1.1.0, and
    tests/unit/test_launcher.py runs real processes through it.
    """

    _STARTED = re.compile(r"^(?P<name>\S+) started \(pid=")
    _STOPPED = re.compile(r"^(?P<name>\S+) stopped \(rc=(?P<rc>-?\d+)\)")
    _SIGNAL = re.compile(r"^SIG(INT|TERM) received")

    def __init__(self, names: Iterable[str], on_all_started: Callable[[], None]) -> None:
        super().__init__(sys.stdout)
        self.first_event: Outcome | None = None
        self._not_started = set(names)
        self._on_all_started = on_all_started

    def write(self, message: Message) -> None:
        if message.name == SYSTEM_PRINTER_NAME and isinstance(message.data, str):
            self._watch(message.data)
        super().write(message)

    def _watch(self, line: str) -> None:
        if (started := self._STARTED.match(line)) and self._not_started:
            self._not_started.discard(started["name"])
            if not self._not_started:
                # Only now: honcho cannot stop processes whose pid it has not seen yet, and
                # every fork is done, so a thread cannot be copied into a child mid-operation.
                self._on_all_started()
        if self.first_event is None:
            if stopped := self._STOPPED.match(line):
                self.first_event = Outcome("died", stopped["name"], int(stopped["rc"]))
            elif self._SIGNAL.match(line):
                self.first_event = Outcome("interrupted")


def supervise(
    commands: Mapping[str, list[str]],
    env: Mapping[str, str],
    cwd: Path,
    on_running: Callable[[Callable[[str], None], Callable[[], None]], None] | None = None,
) -> Outcome:
    """Run the commands under honcho until Ctrl-C/SIGTERM or until one of them exits.

    `on_running(say, stop)` runs in a thread once every process is started: `say` prints through
    honcho (in order with the processes' output), `stop` shuts everything down.
    """
    gave_up = threading.Event()

    def start_watcher() -> None:
        if on_running is None:
            return

        def say(text: str) -> None:
            for line in text.splitlines() or [""]:
                manager.events.put(Message("line", line, datetime.now(), SYSTEM_PRINTER_NAME, None))

        def stop() -> None:
            gave_up.set()
            os.kill(os.getpid(), signal.SIGTERM)  # handled by honcho in the main thread

        threading.Thread(target=on_running, args=(say, stop), name="readiness", daemon=True).start()

    printer = _WatchingPrinter(commands, on_all_started=start_watcher)
    manager = Manager(printer=printer)
    for name, argv in commands.items():
        # honcho runs a shell command; `exec` makes the server the process honcho watches and
        # signals, so its exit code is the server's own.
        manager.add_process(name, f"exec {shlex.join(argv)}", env=dict(env), cwd=str(cwd))

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        manager.loop()
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)

    if gave_up.is_set():
        return Outcome("not_ready", returncode=1)
    return printer.first_event or Outcome("interrupted")


# --------------------------------------------------------------------------------------------
# Commands


def prepare(config: StackConfig, ports: Mapping[str, int]) -> str:
    """Everything before processes start; returns where the tokens come from, for the banner."""
    from_env = [name for name in SECRET_NAMES if os.environ.get(name)]
    generated = load_secrets(os.environ, config.secrets_file)
    if generated:
        print(f"Generated {', '.join(generated)} and saved them to {config.secrets_file} (keep it private):")
        for name, value in generated.items():
            print(f"  {name}={value}")
        print("They are shown only this once; a value set in the environment always wins over the file.\n")
    check_ports_free(ports)
    if find_model() is None:
        raise LaunchError(f"no trained model in {MODELS_DIR}/ - run `make train` (`make run` trains by itself)")
    # The migrations and the tracker store read DATABASE_URL; the children get it explicitly too.
    os.environ["DATABASE_URL"] = config.database_url
    os.environ["ADVOCATE_VAR_DIR"] = str(config.var_dir)
    if not run_migrations():
        print("note: bot.persistence.migrate does not exist yet; the database was not migrated")
    write_endpoints(config)
    print("\n".join(write_credentials(config, os.environ)))
    if len(from_env) == len(SECRET_NAMES):
        return "as set in your environment"
    if from_env:
        return f"in {config.secrets_file} (except {', '.join(from_env)}, set in your environment)"
    return f"in {config.secrets_file}"


def run(config: StackConfig) -> int:
    token_source = prepare(
        config, {"RASA_PORT": config.rasa_port, "ACTION_PORT": config.action_port, "WEB_PORT": config.web_port}
    )
    rasa_token = os.environ["RASA_API_TOKEN"]
    finished = threading.Event()

    def announce_when_ready(say: Callable[[str], None], stop: Callable[[], None]) -> None:
        pending = wait_until_ready(readiness_checks(config, rasa_token), config.ready_timeout, finished.is_set)
        if finished.is_set():
            return
        if pending:
            say(
                f"not ready after {config.ready_timeout:.0f} s: {', '.join(pending)} (set READY_TIMEOUT to wait longer)"
            )
            stop()
        else:
            say(ready_banner(config, token_source))

    outcome = supervise(
        stack_commands(config, rasa_token),
        process_env(config, os.environ),
        PROJECT_ROOT,
        on_running=announce_when_ready,
    )
    finished.set()
    if outcome.reason == "died":
        print(
            f"error: the {outcome.process} process exited (rc={outcome.returncode}), so the others were stopped; "
            "its last lines above say why.",
            file=sys.stderr,
        )
        return outcome.returncode if outcome.returncode > 0 else 1
    if outcome.reason == "not_ready":
        print("error: the stack did not become ready; see the output above.", file=sys.stderr)
        return 1
    print("Stopped.")
    return 0


def _stop_group(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM the process's group (it was started in its own session), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def shell(config: StackConfig) -> int:
    """`rasa shell` with the run's endpoints; works beside a running `make run`.

    The shell's own Rasa server listens on SHELL_PORT (5006), so it does not collide with `make
    run`, and an action server already answering on ACTION_PORT is reused.
    """
    action_running = not wait_until_ready([action_server_check(config)], timeout=0.1)
    ports = {"SHELL_PORT": config.shell_port}
    if not action_running:
        ports["ACTION_PORT"] = config.action_port
    prepare(config, ports)
    env = process_env(config, os.environ)

    actions: subprocess.Popen[bytes] | None = None
    if action_running:
        print(f"Using the action server already running at {config.action_server_url}.")
    else:
        log_path = config.var_dir / "actions-shell.log"
        print(f"Starting the action server for this session (log: {log_path}) ...")
        with open(log_path, "ab") as log:
            actions = subprocess.Popen(
                action_server_command(config), env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the shell must not reach it; we stop it after
            )  # fmt: skip
    try:
        if actions is not None:
            pending = wait_until_ready(
                [action_server_check(config)], config.ready_timeout, lambda: actions.poll() is not None
            )
            if pending:
                raise LaunchError(f"the action server did not start; see {config.var_dir / 'actions-shell.log'}")
        command = [
            sys.executable, "-m", "rasa", "shell",
            "--model", MODELS_DIR,
            "--endpoints", str(config.endpoints_file),
            "--port", str(config.shell_port),
        ]  # fmt: skip
        chat = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT)
        # Ctrl-C reaches the shell from the terminal and belongs to it: the launcher only waits (a
        # no-op handler, not SIG_IGN, which the child would inherit). A SIGTERM sent to the
        # launcher alone (a supervisor, `timeout`) is passed on, so the shell is never orphaned.
        previous = {
            signal.SIGINT: signal.signal(signal.SIGINT, lambda *_: None),
            signal.SIGTERM: signal.signal(signal.SIGTERM, lambda *_: chat.terminate()),
        }
        try:
            return chat.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if chat.poll() is None:
                chat.kill()
                chat.wait()
    finally:
        if actions is not None:
            _stop_group(actions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.launcher", description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="run", choices=["run", "shell"])
    args = parser.parse_args(argv)
    try:
        config = StackConfig.from_env(os.environ)
        return run(config) if args.command == "run" else shell(config)
    except LaunchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
