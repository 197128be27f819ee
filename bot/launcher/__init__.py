"""Start the whole assistant on one machine: `python -m bot.launcher` (what `make run` does).

One command for a pilot or a developer: it loads (or creates) the secrets, refuses to start when a
port is taken, migrates the database, writes Rasa's endpoints from the environment, then runs the
Rasa server, the action server and the web app under honcho (prefixed output, Ctrl-C stops all,
one process dying stops the others), and says where everything is once all three answer.

`python -m bot.launcher shell` chats in the terminal (`make shell`) with the same endpoints; it
reuses a running action server or starts one for the session.

The e2e test harness (tests/e2e/conftest.py) runs this module too, so the commands and environment
built here are the only definition of how the stack runs.

One module per job: config (settings from the environment), secret_store (var/secrets.env),
ports, files (database, endpoints.yml, credentials.yml), processes (commands, environment,
readiness), supervision (honcho) and commands (run, shell). Everything is importable from here.
"""

from bot.launcher.commands import main, prepare, run, shell
from bot.launcher.config import (
    DEFAULT_READY_TIMEOUT,
    MODELS_DIR,
    SECRET_NAMES,
    TRACKER_STORE_CLASS,
    LaunchError,
    StackConfig,
    find_model,
)
from bot.launcher.files import (
    endpoints_config,
    redis_lock_store,
    run_migrations,
    write_credentials,
    write_endpoints,
)
from bot.launcher.ports import check_ports_free, port_in_use
from bot.launcher.processes import (
    Check,
    _ok,
    _rasa_model_loaded,
    action_server_check,
    action_server_command,
    process_env,
    rasa_server_command,
    rasa_shell_command,
    readiness_checks,
    ready_banner,
    share_links_line,
    stack_commands,
    wait_until_ready,
    web_command,
)
from bot.launcher.secret_store import load_secrets, read_env_file
from bot.launcher.supervision import Outcome, supervise
from bot.settings import PROJECT_ROOT

__all__ = [
    "_ok",
    "_rasa_model_loaded",
    "action_server_check",
    "action_server_command",
    "Check",
    "check_ports_free",
    "DEFAULT_READY_TIMEOUT",
    "endpoints_config",
    "find_model",
    "LaunchError",
    "load_secrets",
    "main",
    "MODELS_DIR",
    "Outcome",
    "port_in_use",
    "prepare",
    "process_env",
    "PROJECT_ROOT",
    "rasa_server_command",
    "rasa_shell_command",
    "read_env_file",
    "readiness_checks",
    "ready_banner",
    "redis_lock_store",
    "run",
    "run_migrations",
    "SECRET_NAMES",
    "share_links_line",
    "shell",
    "stack_commands",
    "StackConfig",
    "supervise",
    "TRACKER_STORE_CLASS",
    "wait_until_ready",
    "web_command",
    "write_credentials",
    "write_endpoints",
]
