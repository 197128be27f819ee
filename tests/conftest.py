"""Fixtures shared by every test: a real database per test, SQLite by default or PostgreSQL.

`database` gives each test its own SQLite file; `pg_database` its own PostgreSQL schema on the
server at TEST_DATABASE_URL (tests using it are marked `postgres` automatically and skipped when
the variable is unset). Both point DATABASE_URL at it, so the code under test finds it the same
way it does in production, and both build the schema exactly as `make run` does.

Tests using the `stack` fixture (tests/e2e/conftest.py) are marked `stack` automatically, so
`pytest -m "not stack and not postgres"` is always the fast, self-contained unit run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.persistence import db

# Unit tests run without `make run`'s generated secrets: fixed test values, never real ones. The
# stack fixture generates fresh ones for its processes (tests/e2e/conftest.py).
TEST_SECRETS = {
    "ADVOCATE_HASH_KEY": "test-hash-key-not-secret",
    "ADVOCATE_MASTER_KEY": "dGVzdC1tYXN0ZXIta2V5LW5vdC1zZWNyZXQtMzJieXQ",
    "ACTION_SERVER_TOKEN": "test-action-server-token",
    "WIDGET_SESSION_SECRET": "test-widget-session-secret",
}
for _name, _value in TEST_SECRETS.items():
    os.environ.setdefault(_name, _value)

# A fixture name -> the marker every test using it gets.
FIXTURE_MARKERS = {"pg_database": "postgres", "stack": "stack", "scaled": "scaled"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test needing PostgreSQL or the running stack is selected by its marker, never by hand."""
    for item in items:
        for fixture, marker in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


def create_schema() -> None:
    """The schema as production gets it (Alembic), or from the models while there are no migrations."""
    try:
        from bot.persistence import migrate
    except ModuleNotFoundError as exc:
        if exc.name != "bot.persistence.migrate":
            raise
        from bot.persistence.models import Base

        Base.metadata.create_all(db.get_engine())
        return
    migrate.upgrade()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated SQLite database for one test; yields its URL (also in DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'advocate.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    db.dispose_engines()  # no pool may still point at another test's database
    create_schema()
    yield url
    db.dispose_engines()


@pytest.fixture
def pg_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated PostgreSQL schema for one test, dropped afterwards; yields its URL.

    A schema of its own (through the connection's search_path) rather than a shared one emptied
    afterwards: nothing leaks between tests, even after a crash, and parallel runs cannot collide.
    """
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        pytest.skip("TEST_DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url_text)
    db.dispose_engines()
    try:
        create_schema()
        yield url_text
    finally:
        db.dispose_engines()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=[
        pytest.param("database", id="sqlite"),
        pytest.param("pg_database", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest) -> str:
    """The test once on SQLite and once on PostgreSQL (when TEST_DATABASE_URL is set); its URL.

    For code whose behaviour differs between the two: times stored with or without a zone, URL
    options reaching the engine, constraints.
    """
    return str(request.getfixturevalue(request.param))
