"""Where each process listens and which files it uses, from the environment; the secrets' names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.servers.settings import DEFAULT_BIND_HOST, bind_host, local_host
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


def whole_number(name: str, raw: str, highest: int, meaning: str) -> int:
    """``raw``, the setting ``name``, as a whole number from 1 to ``highest``; else say it must be ``meaning``."""
    if not raw.isdigit() or not 1 <= int(raw) <= highest:
        raise LaunchError(f"{name} must be {meaning}, got {raw!r}")
    return int(raw)


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    return whole_number(name, environ.get(name) or str(default), 65535, "a port number (1-65535)")


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
    # BIND_HOST: where all three listen (bot.servers.settings); 127.0.0.1 unless the operator opens them.
    bind_host: str = DEFAULT_BIND_HOST

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
            bind_host=bind_host(environ),
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

    def _local_url(self, port: int) -> str:
        host = local_host(self.bind_host)
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    @property
    def rasa_url(self) -> str:
        return self._local_url(self.rasa_port)

    @property
    def action_server_url(self) -> str:
        return self._local_url(self.action_port)

    @property
    def web_url(self) -> str:
        return self._local_url(self.web_port)


def find_model() -> Path | None:
    models = sorted((PROJECT_ROOT / MODELS_DIR).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None
