"""`python -m bot.launcher run` and `shell`: prepare, start, supervise, report."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from urllib.parse import quote

from bot.launcher import processes
from bot.launcher.config import MODELS_DIR, SECRET_NAMES, LaunchError, StackConfig, find_model
from bot.launcher.files import run_migrations, write_credentials, write_endpoints
from bot.launcher.ports import check_ports_free
from bot.launcher.scaled import (
    ScaledConfig,
    check_redis,
    ensure_postgres_database,
    find_nginx,
    kept,
    nginx_command,
    scaled_environment,
    write_nginx_config,
)
from bot.launcher.secret_store import load_secrets
from bot.launcher.supervision import supervise
from bot.security.files import private_dir, use_private_umask
from bot.settings import PROJECT_ROOT


def prepare(config: StackConfig, ports: Mapping[str, int]) -> str:
    """Everything before processes start; returns where the tokens come from, for the banner."""
    private_dir(config.var_dir)  # secrets, endpoints, the SQLite database and key store: owner only
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
    checks = processes.readiness_checks(config, os.environ["RASA_API_TOKEN"])
    return _serve(
        config,
        processes.stack_commands(config),
        processes.process_env(config, os.environ),
        checks,
        processes.ready_banner(config, token_source),
    )


def scaled_commands(scaled: ScaledConfig, nginx: str) -> dict[str, list[str]]:
    """Process name -> argv for the scaled topology; every server under a keeper that restarts it."""
    stack = scaled.stack
    commands = {
        f"rasa-{i}": kept(processes.rasa_server_command(dataclasses.replace(stack, rasa_port=port)))
        for i, port in enumerate(scaled.rasa_ports, start=1)
    }
    commands.update(
        {
            f"actions-{i}": kept(processes.action_server_command(dataclasses.replace(stack, action_port=port)))
            for i, port in enumerate(scaled.action_ports, start=1)
        }
    )
    commands["web"] = processes.web_command(stack)
    commands["nginx"] = nginx_command(scaled, nginx)
    return commands


def scaled_probes(scaled: ScaledConfig) -> dict[str, str]:
    """What the web app's health page probes for each instance (ADVOCATE_INSTANCES)."""
    return {
        name: f"{url}/health" if name.startswith("actions-") else f"{url}/"
        for name, url in scaled.instance_urls().items()
    }


def run_scaled(scaled: ScaledConfig) -> int:
    """N Rasa servers and M action servers behind nginx on PostgreSQL and Redis (bot.launcher.scaled)."""
    stack = scaled.stack
    nginx = find_nginx(os.environ)
    ensure_postgres_database(stack.database_url)
    keystore = os.environ.get("KEYSTORE_URL", "")
    if keystore.startswith("postgresql"):
        ensure_postgres_database(keystore)
    check_redis(stack.redis_url or "")
    token_source = prepare(stack, scaled.ports())
    write_nginx_config(scaled)
    token = os.environ["RASA_API_TOKEN"]
    env = processes.process_env(stack, os.environ)
    env["ADVOCATE_INSTANCES"] = json.dumps(scaled_probes(scaled))
    checks = processes.readiness_checks(stack, token)
    for name, url in scaled.instance_urls().items():
        if name.startswith("rasa-"):
            checks.append(
                processes.Check(name, f"{url}/status?token={quote(token, safe='')}", processes._rasa_model_loaded)
            )
        else:
            checks.append(processes.Check(name, f"{url}/health", processes._ok))
    instances = ", ".join(f"{name} :{url.rsplit(':', 1)[1]}" for name, url in scaled.instance_urls().items())
    banner = processes.ready_banner(stack, token_source) + (
        f"Behind nginx (:{stack.rasa_port} Rasa, :{stack.action_port} actions): {instances}.\n"
        f"Each instance's state: {stack.web_url}/healthz\n"
    )
    return _serve(stack, scaled_commands(scaled, nginx), env, checks, banner)


def _serve(
    config: StackConfig, commands: dict[str, list[str]], env: dict[str, str], checks: list[processes.Check], banner: str
) -> int:
    """Supervise the processes, print the banner once every check passes, say why it ended."""
    finished = threading.Event()

    def announce_when_ready(say: Callable[[str], None], stop: Callable[[], None]) -> None:
        pending = processes.wait_until_ready(checks, config.ready_timeout, finished.is_set)
        if finished.is_set():
            return
        if pending:
            say(
                f"not ready after {config.ready_timeout:.0f} s: {', '.join(pending)} (set READY_TIMEOUT to wait longer)"
            )
            stop()
        else:
            say(banner)

    outcome = supervise(commands, env, PROJECT_ROOT, on_running=announce_when_ready)
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
    action_running = not processes.wait_until_ready([processes.action_server_check(config)], timeout=0.1)
    ports = {"SHELL_PORT": config.shell_port}
    if not action_running:
        ports["ACTION_PORT"] = config.action_port
    prepare(config, ports)
    env = processes.process_env(config, os.environ)

    actions: subprocess.Popen[bytes] | None = None
    if action_running:
        print(f"Using the action server already running at {config.action_server_url}.")
    else:
        log_path = config.var_dir / "actions-shell.log"
        print(f"Starting the action server for this session (log: {log_path}) ...")
        with open(log_path, "ab") as log:
            actions = subprocess.Popen(
                processes.action_server_command(config),
                env=env,
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the shell must not reach it; we stop it after
            )
    try:
        if actions is not None:
            pending = processes.wait_until_ready(
                [processes.action_server_check(config)], config.ready_timeout, lambda: actions.poll() is not None
            )
            if pending:
                raise LaunchError(f"the action server did not start; see {config.var_dir / 'actions-shell.log'}")
        chat = subprocess.Popen(processes.rasa_shell_command(config), env=env, cwd=PROJECT_ROOT)
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
    parser = argparse.ArgumentParser(
        prog="python -m bot.launcher",
        description="Start the whole assistant on one machine (make run), or chat in the terminal (make shell).",
    )
    parser.add_argument("command", nargs="?", default="run", choices=["run", "shell", "run-scaled"])
    args = parser.parse_args(argv)
    # Every file this process and its children (they inherit the umask) create is private.
    use_private_umask()
    try:
        if args.command == "run-scaled":
            os.environ.update(scaled_environment(os.environ))
            return run_scaled(ScaledConfig.from_env(os.environ))
        config = StackConfig.from_env(os.environ)
        return run(config) if args.command == "run" else shell(config)
    except LaunchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
