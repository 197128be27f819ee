"""Runtime settings, read from the environment once per process.

Everything has a safe local default so `make run` works on a fresh machine: the database is a
SQLite file under the git-ignored `var/` folder.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
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

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL") or default_database_url(),
            advocate_api_token=os.environ.get("ADVOCATE_API_TOKEN", ""),
            rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_api_token=os.environ.get("RASA_API_TOKEN", ""),
            action_server_url=os.environ.get("ACTION_SERVER_URL", "http://127.0.0.1:5055").rstrip("/"),
            public_base_url=(os.environ.get("PUBLIC_BASE_URL") or default_public_base_url()).strip().rstrip("/"),
        )
