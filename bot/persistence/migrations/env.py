"""Alembic environment: runs migrations on the engine the app itself uses."""

from __future__ import annotations

from alembic import context

from bot.persistence.db import get_engine
from bot.persistence.models import Base

# Rasa's tracker store creates and owns the `events` table in the same database.
RASA_OWNED_TABLES = {"events"}


def include_object(obj, name, type_, reflected, compare_to):  # - Alembic's hook signature
    return not (type_ == "table" and name in RASA_OWNED_TABLES)


def run_migrations_online() -> None:
    engine = get_engine(context.config.get_main_option("sqlalchemy.url").replace("%%", "%"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
