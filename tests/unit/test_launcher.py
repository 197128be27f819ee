"""bot.launcher with real sockets, real files, real processes under honcho; no Rasa needed."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from bot import launcher
from bot.launcher import LaunchError, Outcome, StackConfig
from bot.settings import PROJECT_ROOT

PY = sys.executable


def config(tmp_path: Path, **env: str) -> StackConfig:
    return StackConfig.from_env({"ADVOCATE_VAR_DIR": str(tmp_path / "var"), **env})


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- configuration ------------------------------------------------------------------------------


def test_defaults_are_the_documented_ports_and_a_sqlite_file_in_var(tmp_path: Path) -> None:
    cfg = config(tmp_path)

    assert (cfg.rasa_port, cfg.action_port, cfg.web_port, cfg.shell_port) == (5005, 5055, 8000, 5006)
    assert cfg.database_url == f"sqlite:///{tmp_path / 'var' / 'advocate.db'}"
    assert cfg.redis_url is None


@pytest.mark.parametrize("value", ["abc", "0", "70000", "-1"])
def test_a_bad_port_setting_is_refused_with_its_name(tmp_path: Path, value: str) -> None:
    with pytest.raises(LaunchError, match="RASA_PORT must be a port number"):
        config(tmp_path, RASA_PORT=value)


# --- ports --------------------------------------------------------------------------------------


def test_a_listening_port_is_in_use(listening_port: int) -> None:
    assert launcher.port_in_use(listening_port)


def test_a_bound_but_not_listening_port_is_in_use() -> None:
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        assert launcher.port_in_use(holder.getsockname()[1])


def test_a_released_port_is_free() -> None:
    assert not launcher.port_in_use(free_port())


def test_port_check_names_the_busy_port_and_the_setting(listening_port: int) -> None:
    with pytest.raises(LaunchError) as error:
        launcher.check_ports_free({"ACTION_PORT": free_port(), "RASA_PORT": listening_port})

    message = str(error.value)
    assert message.startswith(f"port {listening_port} is already in use (is another `make run` running?)")
    assert "RASA_PORT=<port>" in message


def test_launcher_exits_non_zero_before_starting_anything_when_a_port_is_taken(
    tmp_path: Path, listening_port: int
) -> None:
    env = {
        **os.environ,
        "ADVOCATE_VAR_DIR": str(tmp_path / "var"),
        "RASA_PORT": str(listening_port),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
    }
    result = subprocess.run(
        [PY, "-m", "bot.launcher", "run"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 1
    assert f"port {listening_port} is already in use (is another `make run` running?)" in result.stderr
    assert not (tmp_path / "var" / "endpoints.yml").exists()


# --- secrets ------------------------------------------------------------------------------------

# The mechanism, shown on two of the secrets.
TWO_SECRETS = ("ADVOCATE_API_TOKEN", "RASA_API_TOKEN")


def test_missing_secrets_are_generated_once_into_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secrets.env"
    environ: dict[str, str] = {}

    generated = launcher.load_secrets(environ, path)

    assert set(generated) == set(launcher.SECRET_NAMES)
    assert len(set(generated.values())) == len(launcher.SECRET_NAMES)
    assert all(len(value) >= 43 for value in generated.values())  # token_urlsafe(32)
    assert environ == generated
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert launcher.read_env_file(path) == generated

    again: dict[str, str] = {}
    assert launcher.load_secrets(again, path) == {}
    assert again == generated


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    path.write_text("# mine\nADVOCATE_API_TOKEN=from-file\nRASA_API_TOKEN='quoted'\nSLACK_TOKEN=xoxb-1\n")
    environ = {"ADVOCATE_API_TOKEN": "from-env", "RASA_API_TOKEN": ""}

    assert launcher.load_secrets(environ, path, names=TWO_SECRETS) == {}
    assert environ == {"ADVOCATE_API_TOKEN": "from-env", "RASA_API_TOKEN": "quoted", "SLACK_TOKEN": "xoxb-1"}


def test_only_the_missing_secret_is_generated_and_the_file_keeps_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    path.write_text("ADVOCATE_API_TOKEN=kept\n")
    path.chmod(0o644)
    environ: dict[str, str] = {}

    generated = launcher.load_secrets(environ, path, names=TWO_SECRETS)

    assert list(generated) == ["RASA_API_TOKEN"]
    assert launcher.read_env_file(path) == {"ADVOCATE_API_TOKEN": "kept", **generated}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- endpoints ----------------------------------------------------------------------------------


def test_default_endpoints_are_the_committed_endpoints_yml(tmp_path: Path) -> None:
    path = launcher.write_endpoints(config(tmp_path))

    committed = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    assert yaml.safe_load(path.read_text()) == committed
    assert "lock_store" not in committed  # in-memory: right for one Rasa instance
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_endpoints_follow_the_action_port(tmp_path: Path) -> None:
    endpoints = launcher.endpoints_config(config(tmp_path, ACTION_PORT="6055"))

    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:6055/webhook"


def test_rasa_sends_the_action_server_token_from_its_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file names the variable; Rasa's own endpoint reader fills it in, so the secret is not in the file."""
    from rasa.core.utils import AvailableEndpoints

    path = launcher.write_endpoints(config(tmp_path))
    assert "${ACTION_SERVER_TOKEN}" in path.read_text()

    monkeypatch.setenv("ACTION_SERVER_TOKEN", "the-shared-secret")
    action = AvailableEndpoints.read_endpoints(str(path)).action
    assert action is not None and action.headers == {"Authorization": "Bearer the-shared-secret"}


@pytest.mark.parametrize(
    ("url", "lock_store"),
    [
        ("redis://localhost", {"url": "localhost", "port": 6379, "db": 0}),
        ("redis://127.0.0.1:6379/0", {"url": "127.0.0.1", "port": 6379, "db": 0}),
        (
            "redis://:p%40ss%2Fw@cache.internal:6380/2",
            {"url": "cache.internal", "port": 6380, "db": 2, "password": "p@ss/w"},
        ),
        (
            "rediss://bot:s@cache.example.com?db=3",
            {"url": "cache.example.com", "port": 6379, "db": 3, "username": "bot", "password": "s", "use_ssl": True},
        ),
    ],
)
def test_redis_url_becomes_the_atomic_redis_lock_store(tmp_path: Path, url: str, lock_store: dict[str, object]) -> None:
    path = launcher.write_endpoints(config(tmp_path, REDIS_URL=url))

    assert yaml.safe_load(path.read_text())["lock_store"] == {
        "type": "bot.rasa_ext.lock_store.AtomicRedisLockStore",
        **lock_store,
    }


@pytest.mark.parametrize("url", ["unix:///tmp/redis.sock", "http://localhost:6379", "redis://localhost/cache"])
def test_an_unusable_redis_url_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(LaunchError, match="REDIS_URL"):
        launcher.endpoints_config(config(tmp_path, REDIS_URL=url))


# --- processes ----------------------------------------------------------------------------------


def test_commands_use_the_configured_ports_and_files(tmp_path: Path) -> None:
    cfg = config(tmp_path, RASA_PORT="6005", ACTION_PORT="6055", WEB_PORT="9000")

    commands = launcher.stack_commands(cfg)

    assert list(commands) == ["rasa", "actions", "web"]
    rasa = commands["rasa"]
    assert rasa[:4] == [PY, "-m", "bot.servers.rasa_server", "run"]
    for option, value in [
        ("--port", "6005"),
        ("--endpoints", str(cfg.endpoints_file)),
        ("--credentials", str(cfg.credentials_file)),
        ("--model", "models"),
    ]:
        assert rasa[rasa.index(option) + 1] == value
    assert "--enable-api" in rasa
    assert commands["actions"][:3] == [PY, "-m", "bot.servers.action_server"]
    assert commands["actions"][-2:] == ["--port", "6055"]
    web = commands["web"]
    assert web[web.index("--port") + 1] == "9000"


def test_no_secret_and_no_open_cors_on_any_command_line(tmp_path: Path) -> None:
    """`ps` shows every argv to every user of the machine: secrets come from the environment."""
    environ = {name: f"secret-{name}-value" for name in launcher.SECRET_NAMES}
    cfg = config(tmp_path, **environ)

    argvs = [*launcher.stack_commands(cfg).values(), launcher.rasa_shell_command(cfg)]

    for argv in argvs:
        line = " ".join(argv)
        assert not any(value in line for value in environ.values())
        assert "--auth-token" not in argv and "*" not in argv and "0.0.0.0" not in argv


@pytest.mark.parametrize(
    ("env", "host", "url_host"),
    [
        ({}, "127.0.0.1", "127.0.0.1"),
        ({"BIND_HOST": "0.0.0.0"}, "0.0.0.0", "127.0.0.1"),
        ({"BIND_HOST": "10.0.0.5"}, "10.0.0.5", "10.0.0.5"),
    ],
)
def test_every_server_binds_the_one_bind_host(tmp_path: Path, env: dict[str, str], host: str, url_host: str) -> None:
    cfg = config(tmp_path, **env)

    web = launcher.web_command(cfg)

    assert web[web.index("--host") + 1] == host
    assert launcher.process_env(cfg, {})["BIND_HOST"] == host  # what Rasa and the action server read
    assert cfg.rasa_url == f"http://{url_host}:5005" and cfg.action_server_url == f"http://{url_host}:5055"


def test_every_process_gets_the_same_urls_and_database(tmp_path: Path) -> None:
    cfg = config(tmp_path, RASA_PORT="6005", ACTION_PORT="6055", DATABASE_URL="sqlite:////data/x.db")

    env = launcher.process_env(cfg, {"PATH": "/bin", "PYTHONPATH": "/extra"})

    assert env["RASA_URL"] == "http://127.0.0.1:6005"
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:6055"
    assert env["DATABASE_URL"] == "sqlite:////data/x.db"
    assert env["PYTHONPATH"].split(os.pathsep) == [str(PROJECT_ROOT), "/extra"]
    assert env["PATH"] == "/bin"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"  # crash reports could quote a person's message


def test_sqlalchemys_2_0_notice_stays_out_of_the_logs_unless_asked_for(tmp_path: Path) -> None:
    quiet = launcher.process_env(config(tmp_path), {})
    asked = launcher.process_env(config(tmp_path), {"SQLALCHEMY_SILENCE_UBER_WARNING": "0"})

    assert quiet["SQLALCHEMY_SILENCE_UBER_WARNING"] == "1"
    assert asked["SQLALCHEMY_SILENCE_UBER_WARNING"] == "0"


# --- readiness ----------------------------------------------------------------------------------


@pytest.fixture
def status_server() -> Iterator[tuple[str, dict[str, tuple[int, bytes]]]]:
    """A real HTTP server answering each path with a status and body the test sets."""
    answers: dict[str, tuple[int, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            code, body = answers.get(self.path.split("?")[0], (404, b"{}"))
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", answers
    server.shutdown()
    server.server_close()


def test_ready_only_once_rasa_has_loaded_a_model(status_server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    url, answers = status_server
    checks = [launcher.Check("rasa", f"{url}/status", launcher._rasa_model_loaded)]

    answers["/status"] = (409, b'{"message": "No agent loaded."}')
    assert launcher.wait_until_ready(checks, timeout=0.5) == ["rasa"]

    answers["/status"] = (200, b'{"model_file": "advocate.tar.gz"}')
    assert launcher.wait_until_ready(checks, timeout=5) == []


def test_rasa_token_is_encoded_in_the_status_url(tmp_path: Path) -> None:
    rasa, actions, web = launcher.readiness_checks(config(tmp_path), "a+b/=&c d")

    assert rasa.url == "http://127.0.0.1:5005/status?token=a%2Bb%2F%3D%26c%20d"
    assert (actions.url, web.url) == ("http://127.0.0.1:5055/health", "http://127.0.0.1:8000/healthz")


def test_waiting_ends_early_when_told_to_stop() -> None:
    checks = [launcher.Check("web", f"http://127.0.0.1:{free_port()}/healthz", launcher._ok)]

    assert launcher.wait_until_ready(checks, timeout=60, should_stop=lambda: True) == ["web"]


# --- supervision (honcho) -----------------------------------------------------------------------

SLEEPER = [PY, "-c", "import time; print('up', flush=True); time.sleep(60)"]


def supervise(on_running: Callable[..., None] | None = None, **commands: list[str]) -> Outcome:
    before = signal.getsignal(signal.SIGINT)
    outcome = launcher.supervise(commands, dict(os.environ), PROJECT_ROOT, on_running=on_running)
    assert signal.getsignal(signal.SIGINT) is before, "honcho's signal handlers must not outlive the run"
    return outcome


def test_a_process_that_dies_stops_the_others_and_is_named(capfd: pytest.CaptureFixture[str]) -> None:
    outcome = supervise(sleeper=SLEEPER, quitter=[PY, "-c", "import time, sys; time.sleep(1); sys.exit(3)"])

    assert outcome == Outcome("died", "quitter", 3)
    output = capfd.readouterr().out
    assert "sleeper | up" in output  # prefixed output
    assert "sending SIGTERM to sleeper" in output


def test_on_running_can_print_through_honcho_and_stop_everything(capfd: pytest.CaptureFixture[str]) -> None:
    def gives_up(say: Callable[[str], None], stop: Callable[[], None]) -> None:
        say("first line\nsecond line")
        stop()

    outcome = supervise(on_running=gives_up, sleeper=SLEEPER)

    assert outcome == Outcome("not_ready", returncode=1)
    output = capfd.readouterr().out
    assert "system  | first line" in output
    assert "system  | second line" in output


def test_ctrl_c_is_a_normal_stop() -> None:
    def presses_ctrl_c(say: Callable[[str], None], stop: Callable[[], None]) -> None:
        os.kill(os.getpid(), signal.SIGINT)

    assert supervise(on_running=presses_ctrl_c, sleeper=SLEEPER, other=SLEEPER) == Outcome("interrupted")


def test_the_banner_says_where_question_list_links_point(tmp_path: Path) -> None:
    cfg = config(tmp_path, WEB_PORT="9000")
    public = launcher.share_links_line(cfg, {"PUBLIC_BASE_URL": "https://advocate.example.org/"})
    assert public.startswith("https://advocate.example.org/my-questions/")
    local = launcher.share_links_line(cfg, {})
    assert local.startswith("http://localhost:9000/my-questions/") and "set PUBLIC_BASE_URL" in local
    assert "Question links:    https://advocate.example.org/my-questions/" in launcher.ready_banner(
        cfg, "in var/secrets.env", {"PUBLIC_BASE_URL": "https://advocate.example.org"}
    )
    assert launcher.process_env(cfg, {})["WEB_PORT"] == "9000"  # the default link's port
