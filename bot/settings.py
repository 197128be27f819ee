"""Runtime settings, read from the environment once per process.

Everything has a safe local default so `make run` works on a fresh machine: the database is a
SQLite file under the git-ignored `var/` folder.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ADVOCATE_VAR_DIR", PROJECT_ROOT / "var"))


def default_database_url() -> str:
    """SQLite file in var/: nothing to install for a pilot."""
    return f"sqlite:///{VAR_DIR / 'advocate.db'}"


def default_public_base_url() -> str:
    """The web app on this machine: what a person on the same computer can open (``make run``)."""
    return f"http://localhost:{os.environ.get('WEB_PORT') or 8000}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    advocate_api_token: str
    rasa_url: str
    rasa_api_token: str
    action_server_url: str
    # Where people reach the web app from outside (the links to their printable question list).
    # The same setting as the advocate console's links (bot.advocates.config): one public address.
    public_base_url: str
    # The scaled topology's instances, name -> the URL its health is read from (ADVOCATE_INSTANCES,
    # JSON, written by `bot.launcher run-scaled`), and Redis when configured: /healthz shows each.
    instances: tuple[tuple[str, str], ...] = ()
    redis_url: str = ""
    # Why ADVOCATE_INSTANCES could not be read, shown on /healthz rather than failing every request.
    instances_problem: str = field(default="")

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL") or default_database_url(),
            advocate_api_token=os.environ.get("ADVOCATE_API_TOKEN", ""),
            rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_api_token=os.environ.get("RASA_API_TOKEN", ""),
            action_server_url=os.environ.get("ACTION_SERVER_URL", "http://127.0.0.1:5055").rstrip("/"),
            public_base_url=(os.environ.get("PUBLIC_BASE_URL") or default_public_base_url()).strip().rstrip("/"),
            redis_url=os.environ.get("REDIS_URL", "").strip(),
            **_instances(os.environ.get("ADVOCATE_INSTANCES", "")),
        )


def _instances(raw: str) -> dict[str, object]:
    """ADVOCATE_INSTANCES as Settings fields: a JSON object of names to health URLs."""
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
        return {"instances_problem": "ADVOCATE_INSTANCES must be a JSON object of names to URLs"}
    return {"instances": tuple(sorted((str(name), url) for name, url in parsed.items()))}
