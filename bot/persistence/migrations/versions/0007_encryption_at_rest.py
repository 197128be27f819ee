"""per-person keys, encrypted personal values, keyed sender hashes (issue 12)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00.000000

Columns that now hold ciphertext become TEXT (a sealed value is longer than its VARCHAR(255), and
JSON columns hold the sealed JSON text). Then every existing row is converted in place: each
person gets a data key in the key store (``bot.security.keystore``), ``sender_id`` becomes the
keyed hash of whatever id is there (revision 0005 has already rewritten ids to
``<channel>:<identity>``), and the personal values are sealed with the person's key, Rasa's
``events`` included (``intent_name``/``action_name`` emptied). Needs ``ADVOCATE_HASH_KEY`` and
``ADVOCATE_MASTER_KEY`` when there are rows to convert (``make run`` provides both).

A downgrade only works on a schema without people's data (tests go down and up again): hashes
cannot be turned back into sender ids, and writing everyone's data back in plaintext is exactly
what this revision prevents.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from bot.persistence.people import sender_hash
from bot.persistence.tracker_events import DATA_COLUMN, RASA_EVENTS_TABLE
from bot.security import keystore
from bot.security.crypto import PersonCipher

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# table -> columns that become TEXT (and are sealed); JSON columns are sealed as their JSON text.
TEXT_COLUMNS = {
    "conversations": ("condition", "condition_category", "treatment", "treatment_category"),
    "questions": ("text",),
    "records_requests": (
        "provider",
        "date_range",
        "record_format",
        "delivery",
        "patient_name",
        "date_of_birth",
        "letter",
    ),
}
JSON_COLUMNS = {
    "assessments": {"answers": {}, "reasons": []},
    "records_requests": {"record_types": []},
    "handoffs": {"summary": {}},
}
# Tables whose rows only need the keyed hash of their sender id.
HASH_ONLY_TABLES = ("share_links", "question_texts", "sms_opt_outs")
BATCH_SIZE = 500


def _retype_columns() -> None:
    """Sealed columns become TEXT, and hand-offs get the sealed real sender id.

    Only where types are enforced: SQLite stores any text in a VARCHAR or JSON column, and
    rebuilding a table there (batch mode, inside the migration's transaction, where foreign keys
    cannot be switched off) would cascade-delete the hand-off messages with their hand-offs.
    """
    op.add_column("handoffs", sa.Column("sender", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in sorted({*TEXT_COLUMNS, *JSON_COLUMNS}):
        for column in TEXT_COLUMNS.get(table, ()):
            op.alter_column(table, column, type_=sa.Text(), existing_nullable=True)
        for column in JSON_COLUMNS.get(table, {}):
            op.alter_column(table, column, type_=sa.Text(), existing_nullable=False, postgresql_using=f"{column}::text")


class _People:
    """Hashes and keys of the people met during the migration (one process, run once, offline)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._ciphers: dict[str, PersonCipher] = {}

    def cipher(self, sender_id: str) -> PersonCipher:
        person = sender_hash(sender_id)
        if person not in self._ciphers:
            self._ciphers[person] = keystore.get_or_create(self.database_url, person)
        return self._ciphers[person]


def _json_value(stored: Any, default: Any) -> Any:
    if stored is None:
        return default
    return json.loads(stored) if isinstance(stored, str) else stored


def _rows(connection: sa.engine.Connection, table: sa.Table, key: str) -> list[Any]:
    return list(connection.execute(sa.select(table).order_by(table.c[key])))


def _convert_table(
    connection: sa.engine.Connection,
    name: str,
    key: str,
    seal: Callable[[Any], dict[str, Any]],
) -> None:
    """Rewrite every row of ``name`` (found by its primary key ``key``) with ``seal(row)``'s values.

    The JSON columns are read and written as TEXT: on SQLite they keep their declared JSON type,
    which would otherwise quote the sealed string as a JSON value.
    """
    as_text = [sa.Column(column, sa.Text()) for column in JSON_COLUMNS.get(name, {})]
    table = sa.Table(name, sa.MetaData(), *as_text, autoload_with=connection)
    for row in _rows(connection, table, key):
        connection.execute(table.update().where(table.c[key] == row._mapping[key]).values(**seal(row)))


def _person_values(people: _People, name: str, row: Any) -> dict[str, Any]:
    cipher = people.cipher(row.sender_id)
    values: dict[str, Any] = {"sender_id": cipher.person}
    for column in TEXT_COLUMNS.get(name, ()):
        values[column] = cipher.seal(name, column, row._mapping[column])
    for column, default in JSON_COLUMNS.get(name, {}).items():
        values[column] = cipher.seal_json(name, column, _json_value(row._mapping[column], default))
    if name == "handoffs":
        values["sender"] = cipher.seal(name, "sender", row.sender_id)
    return values


def _convert_handoff_messages(connection: sa.engine.Connection, people: _People) -> None:
    """Advocate messages are sealed with the key of the person the hand-off is for (run before handoffs)."""
    handoffs = sa.Table("handoffs", sa.MetaData(), autoload_with=connection)
    messages = sa.Table("handoff_messages", sa.MetaData(), autoload_with=connection)
    senders = dict(connection.execute(sa.select(handoffs.c.id, handoffs.c.sender_id)).all())
    for message in _rows(connection, messages, "id"):
        cipher = people.cipher(senders[message.handoff_id])
        sealed = cipher.seal("handoff_messages", "text", message.text)
        connection.execute(messages.update().where(messages.c.id == message.id).values(text=sealed))


def _convert_events(connection: sa.engine.Connection, people: _People) -> None:
    """Rasa's tracker rows, in batches (the largest table by far)."""
    if not sa.inspect(connection).has_table(RASA_EVENTS_TABLE):
        return
    events = sa.Table(RASA_EVENTS_TABLE, sa.MetaData(), autoload_with=connection)
    last_id = 0
    while True:
        batch = list(
            connection.execute(
                sa.select(events.c.id, events.c.sender_id, events.c.data)
                .where(events.c.id > last_id)
                .order_by(events.c.id)
                .limit(BATCH_SIZE)
            )
        )
        if not batch:
            return
        for row in batch:
            last_id = row.id
            cipher = people.cipher(row.sender_id)
            connection.execute(
                events.update()
                .where(events.c.id == row.id)
                .values(
                    sender_id=cipher.person,
                    intent_name=None,
                    action_name=None,
                    data=cipher.seal(RASA_EVENTS_TABLE, DATA_COLUMN, row.data),
                )
            )


def upgrade() -> None:
    _retype_columns()
    connection = op.get_bind()
    people = _People(connection.engine.url.render_as_string(hide_password=False))
    _convert_handoff_messages(connection, people)
    for name in ("conversations", "questions", "records_requests", "assessments", "handoffs"):
        key = "sender_id" if name == "conversations" else "id"
        _convert_table(connection, name, key, lambda row, name=name: _person_values(people, name, row))
    for name in HASH_ONLY_TABLES:
        table = sa.Table(name, sa.MetaData(), autoload_with=connection)
        key = "sender_id" if name == "sms_opt_outs" else "id"
        for row in _rows(connection, table, key):
            connection.execute(
                table.update().where(table.c[key] == row._mapping[key]).values(sender_id=sender_hash(row.sender_id))
            )
    _convert_events(connection, people)


# The types before 0007, for a downgrade (PostgreSQL; SQLite never changed them).
OLD_TYPES = {
    "conversations": {
        "condition": sa.String(255),
        "condition_category": sa.String(64),
        "treatment": sa.String(255),
        "treatment_category": sa.String(64),
    },
    "records_requests": {
        "provider": sa.String(255),
        "date_range": sa.String(255),
        "record_format": sa.String(255),
        "delivery": sa.String(255),
        "patient_name": sa.String(255),
        "date_of_birth": sa.String(64),
    },
}
PERSON_TABLES = (
    "conversations",
    "questions",
    "records_requests",
    "assessments",
    "handoffs",
    "handoff_messages",
    *HASH_ONLY_TABLES,
)


def downgrade() -> None:
    """Only an empty schema goes back: sender hashes cannot be turned back into ids, and writing the
    data back in plaintext is what this revision exists to prevent."""
    connection = op.get_bind()
    tables = [*PERSON_TABLES, *([RASA_EVENTS_TABLE] if sa.inspect(connection).has_table(RASA_EVENTS_TABLE) else [])]
    for table in tables:
        if connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
            raise RuntimeError(f"0007 cannot be undone on a database with people's data ({table} has rows)")
    with op.batch_alter_table("handoffs") as batch_op:
        batch_op.drop_column("sender")
    if connection.dialect.name == "sqlite":
        return
    for table, columns in OLD_TYPES.items():
        for column, old_type in columns.items():
            op.alter_column(table, column, type_=old_type, existing_nullable=True)
    for table, columns in JSON_COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.JSON(), existing_nullable=False, postgresql_using=f"{column}::json")
