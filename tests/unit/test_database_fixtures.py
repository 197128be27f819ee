"""The shared database fixtures give each test its own migrated database, found through DATABASE_URL."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import inspect

from bot.persistence import repository
from bot.persistence.db import get_engine


def _round_trip(url: str) -> None:
    assert os.environ["DATABASE_URL"] == url
    assert {"conversations", "questions"} <= set(inspect(get_engine()).get_table_names())
    assert repository.list_questions("fixture-test") == []  # nothing left by another test
    repository.add_questions("fixture-test", ["How long is recovery?"])
    assert [q["text"] for q in repository.list_questions("fixture-test")] == ["How long is recovery?"]


@pytest.mark.parametrize("run", [1, 2])
def test_database_is_a_fresh_migrated_sqlite_file(database: str, run: int) -> None:
    assert database.startswith("sqlite:///")
    _round_trip(database)


@pytest.mark.parametrize("run", [1, 2])
def test_pg_database_is_a_fresh_migrated_postgresql_schema(pg_database: str, run: int) -> None:
    assert pg_database.startswith("postgresql")
    _round_trip(pg_database)
