"""conversation ids read <channel>:<identity> (issue 12)

Before, a conversation id was whatever the channel passed on: the phone number for SMS, the Slack
user id, the widget's client-chosen session id, REST's ``sender``. Now ids carry the channel that
proved them (bot.channels.identity): ``sms:+14155550123``, ``slack:<team>:<user>``,
``web:<session>``; REST ids stay as they are. This rewrites the stored ids so people keep their
questions, letters and history:

- the channel of an id is the one stored with it (``conversations.channel``, else the latest
  ``handoffs.channel``, else the ``input_channel`` of its latest user event in Rasa's ``events``);
- twilio -> ``sms:<number>``, slack -> ``slack:<team>:<user>`` (the team is not stored anywhere:
  ``SLACK_TEAM_ID`` when set at migration time, else ``unknown``), socketio -> ``web:<old id>``,
  rest and unknown -> unchanged;
- every table keyed by the id is updated: conversations, assessments, questions,
  records_requests, handoffs, share_links, question_texts and Rasa's ``events`` (when it exists).

``sms_opt_outs`` is not rewritten: it is keyed by the phone number itself (an opt-out belongs to
the number, and "text me my list" checks numbers people type), which is what it already holds.

A migrated ``web:`` conversation cannot be resumed by its browser (its old id carries no server
signature, so the widget starts a new conversation); its rows stay readable by advocates. A
migrated ``slack:unknown:`` conversation is continued by the person only when ``SLACK_TEAM_ID``
was set. Ids already in the new form are left alone, so the upgrade can run twice.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

import json
import os

import sqlalchemy as sa
from alembic import op

from bot.channels import identity

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APP_TABLES = (
    "conversations",
    "assessments",
    "questions",
    "records_requests",
    "handoffs",
    "share_links",
    "question_texts",
)
RASA_EVENTS = "events"


def _tables(connection: sa.engine.Connection) -> list[str]:
    present = set(sa.inspect(connection).get_table_names())
    return [table for table in (*APP_TABLES, RASA_EVENTS) if table in present]


def _stored_channels(connection: sa.engine.Connection, tables: list[str]) -> dict[str, str]:
    """sender_id -> the channel stored with it, the most specific source winning."""
    channels: dict[str, str] = {}
    if RASA_EVENTS in tables:
        rows = connection.execute(
            sa.text(f"SELECT sender_id, data FROM {RASA_EVENTS} WHERE type_name = 'user' ORDER BY id")
        )
        for sender_id, data in rows:
            try:
                channel = json.loads(data or "{}").get("input_channel")
            except (TypeError, ValueError):
                continue
            if channel:
                channels[sender_id] = channel  # the latest user event wins
    rows = connection.execute(sa.text("SELECT sender_id, channel FROM handoffs WHERE channel IS NOT NULL ORDER BY id"))
    channels.update(dict(rows.fetchall()))
    rows = connection.execute(sa.text("SELECT sender_id, channel FROM conversations WHERE channel IS NOT NULL"))
    channels.update(dict(rows.fetchall()))
    return channels


def _rewrite(connection: sa.engine.Connection, tables: list[str], renames: dict[str, str]) -> None:
    for table in tables:
        statement = sa.text(f"UPDATE {table} SET sender_id = :new WHERE sender_id = :old")
        for old, new in renames.items():
            connection.execute(statement, {"old": old, "new": new})


def upgrade() -> None:
    connection = op.get_bind()
    tables = _tables(connection)
    team = os.environ.get("SLACK_TEAM_ID", "").strip() or None
    renames = {}
    for old, channel in _stored_channels(connection, tables).items():
        new = identity.from_legacy(old, channel, slack_team=team)
        if new != old:
            renames[old] = new
    _rewrite(connection, tables, renames)


def downgrade() -> None:
    """Back to the bare ids (the number, the Slack user, the widget's id)."""
    connection = op.get_bind()
    tables = _tables(connection)
    senders: set[str] = set()
    for table in tables:
        senders.update(connection.execute(sa.text(f"SELECT DISTINCT sender_id FROM {table}")).scalars())
    renames = {}
    for sender in senders:
        if identity.namespace_of(sender) is identity.Namespace.SLACK:
            renames[sender] = identity.slack_user(sender) or sender
        elif identity.is_reserved(sender):
            renames[sender] = identity.identity_of(sender)
    _rewrite(connection, tables, renames)
