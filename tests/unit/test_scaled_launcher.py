"""bot.launcher.scaled and bot.launcher.keeper: the scaled topology's settings, nginx.conf and restarts.

nginx.conf is checked by the real nginx (`nginx -t`); the keeper runs real processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.launcher import LaunchError
from bot.launcher.commands import scaled_commands, scaled_probes
from bot.launcher.keeper import MAX_DELAY, restart_delay
from bot.launcher.scaled import (
    DEFAULT_DATABASE_URL,
    DEFAULT_KEYSTORE_URL,
    ScaledConfig,
    check_redis,
    ensure_postgres_database,
    nginx_config,
    scaled_environment,
    write_nginx_config,
)
from tests.web.conftest import free_port

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def config(tmp_path: Path, **settings: str) -> ScaledConfig:
    env = {"ADVOCATE_VAR_DIR": str(tmp_path), "RASA_PORT": "6005", "ACTION_PORT": "6055", "WEB_PORT": "9000"}
    return ScaledConfig.from_env({**env, **settings})


def test_instances_listen_beside_the_ports_nginx_takes_over(tmp_path: Path) -> None:
    scaled = config(tmp_path, RASA_INSTANCES="3")

    assert scaled.rasa_ports == [6106, 6107, 6108] and scaled.action_ports == [6156, 6157]
    assert scaled_probes(scaled) == {
        "rasa-1": "http://127.0.0.1:6106/", "rasa-2": "http://127.0.0.1:6107/", "rasa-3": "http://127.0.0.1:6108/",
        "actions-1": "http://127.0.0.1:6156/health", "actions-2": "http://127.0.0.1:6157/health",
    }  # fmt: skip
    assert set(scaled.ports().values()) == {6005, 6055, 9000, 6106, 6107, 6108, 6156, 6157}


@pytest.mark.parametrize("value", ["0", "17", "two", "-1"])
def test_a_bad_instance_count_is_refused_with_its_name(tmp_path: Path, value: str) -> None:
    with pytest.raises(LaunchError, match="RASA_INSTANCES must be a number of instances from 1 to 16"):
        config(tmp_path, RASA_INSTANCES=value)


def test_every_server_runs_under_a_keeper_and_nginx_fronts_them(tmp_path: Path) -> None:
    commands = scaled_commands(config(tmp_path), "/usr/sbin/nginx")

    assert sorted(commands) == ["actions-1", "actions-2", "nginx", "rasa-1", "rasa-2", "web"]
    for name in ("rasa-1", "rasa-2", "actions-1", "actions-2"):
        assert commands[name][1:4] == ["-m", "bot.launcher.keeper", "--"]
    assert commands["rasa-2"][commands["rasa-2"].index("--port") + 1] == "6107"
    assert commands["actions-1"][commands["actions-1"].index("--port") + 1] == "6156"
    assert commands["nginx"][0] == "/usr/sbin/nginx"


def test_service_defaults_fill_only_what_is_unset() -> None:
    filled = scaled_environment({})
    assert filled["DATABASE_URL"] == DEFAULT_DATABASE_URL and filled["KEYSTORE_URL"] == DEFAULT_KEYSTORE_URL
    assert filled["REDIS_URL"].startswith("redis://127.0.0.1:6379")
    own = scaled_environment({"DATABASE_URL": "postgresql://db.internal/advocate", "REDIS_URL": "redis://r:6379/2"})
    assert own["DATABASE_URL"] == "postgresql://db.internal/advocate" and own["REDIS_URL"] == "redis://r:6379/2"
    assert "KEYSTORE_URL" not in own  # a database of one's own keeps its own key store setting


def test_missing_services_are_explained_not_a_traceback() -> None:
    with pytest.raises(LaunchError, match=r"(?s)PostgreSQL does not answer at 127.0.0.1:.*Start it"):
        ensure_postgres_database(f"postgresql://postgres@127.0.0.1:{free_port()}/advocate")
    with pytest.raises(LaunchError, match="run-scaled needs PostgreSQL"):
        ensure_postgres_database("sqlite:////tmp/advocate.db")
    with pytest.raises(LaunchError, match=r"(?s)Redis does not answer at 127.0.0.1:.*Start it"):
        check_redis(f"redis://:hunter2@127.0.0.1:{free_port()}/0")


def test_the_redis_message_never_shows_its_password() -> None:
    with pytest.raises(LaunchError) as refused:
        check_redis(f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    assert "hunter2" not in str(refused.value)


def test_nginx_logs_no_request_line_and_keeps_socketio_sticky(tmp_path: Path) -> None:
    text = nginx_config(config(tmp_path))

    assert "$request " not in text and "$request_uri" not in text and "$args" not in text
    assert "error_log stderr crit;" in text  # its error lines quote the request line, token included
    sticky = text[text.index("upstream rasa_sticky") :].split("}")[0]
    assert "hash $remote_addr consistent;" in sticky and sticky.count("server 127.0.0.1:") == 2
    assert "location /socket.io/" in text and "proxy_pass http://rasa_sticky;" in text


@pytest.mark.skipif(NGINX is None and not os.environ.get("CI"), reason="nginx is not installed (.ci/run installs it)")
def test_a_restarted_action_server_is_used_at_once(tmp_path: Path) -> None:
    """Never marked failed, so the message sent again right after a restart reaches it."""
    scaled = config(tmp_path)
    block = nginx_config(scaled).split("upstream actions {")[1].split("}")[0]

    assert [line.strip() for line in block.splitlines() if "server " in line] == [
        f"server 127.0.0.1:{port} max_fails=0;" for port in scaled.action_ports
    ]


def test_nginx_accepts_the_written_configuration(tmp_path: Path) -> None:
    assert NGINX, "nginx is not installed: apt-get install nginx"
    scaled = config(tmp_path)
    path = write_nginx_config(scaled)

    argv = [NGINX, "-t", "-p", str(scaled.nginx_dir), "-c", str(path)]
    checked = subprocess.run(argv, capture_output=True, text=True)

    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_restart_delays_grow_and_are_capped() -> None:
    assert [restart_delay(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert restart_delay(10) == MAX_DELAY


def test_the_keeper_starts_a_dead_server_again_and_stops_on_sigterm(tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    server = f"open({str(starts)!r}, 'a').write('x'); import time; time.sleep(0.3)"
    keeper = subprocess.Popen([sys.executable, "-m", "bot.launcher.keeper", "--", sys.executable, "-c", server])
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (not starts.exists() or len(starts.read_text()) < 2):
            time.sleep(0.1)
        assert starts.exists() and len(starts.read_text()) >= 2, "the server was not started again after it exited"
    finally:
        keeper.send_signal(signal.SIGTERM)
        keeper.wait(10)
    assert keeper.returncode is not None
