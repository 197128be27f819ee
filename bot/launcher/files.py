"""What is prepared on disk before the servers start: the migrated database and Rasa's endpoints and credentials."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from bot.channels.config import channels_config, status_lines
from bot.launcher.config import TRACKER_STORE_CLASS, LaunchError, StackConfig
from bot.servers.settings import ACTION_TOKEN_VARIABLE

# Rasa's own RedisLockStore can give two instances the same ticket (see the class's module).
LOCK_STORE_CLASS = "bot.rasa_ext.lock_store.AtomicRedisLockStore"


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
    """The lock store's settings from a redis:// or rediss:// URL (db from path or ?db=).

    The keys are ``RedisLockStore``'s (``url`` is the host), which the atomic subclass takes as they are.
    """
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss"):
        raise LaunchError(f"REDIS_URL must start with redis:// or rediss://, got {redis_url!r}")
    db = parts.path.lstrip("/") or parse_qs(parts.query).get("db", ["0"])[0]
    if not db.isdigit():
        raise LaunchError(f"REDIS_URL names database {db!r}; it must be a number")
    config: dict[str, Any] = {
        "type": LOCK_STORE_CLASS,
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
    single Rasa instance, and Redis is only needed when several instances serve together. With it,
    the lock store is the atomic subclass of Rasa's Redis store (bot.rasa_ext.lock_store).
    """
    endpoints: dict[str, Any] = {
        "action_endpoint": {
            "url": f"{config.action_server_url}/webhook",
            # Rasa fills in ${...} from its own environment, so the secret is not in the file.
            "headers": {"Authorization": f"Bearer ${{{ACTION_TOKEN_VARIABLE}}}"},
        },
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
    try:
        credentials, statuses = channels_config(environ)
    except ValueError as exc:  # a setting with a value it cannot have (REST_CHANNEL)
        raise LaunchError(str(exc)) from None
    path = config.credentials_file
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Written by bot.launcher from the environment at start-up; edits are overwritten.\n"
    # width: a long line must not be folded, and ${VAR} must stay a plain scalar for Rasa to expand it.
    path.write_text(text + yaml.safe_dump(credentials, sort_keys=False, width=1000))
    return status_lines(statuses)
