"""messages the bot did not understand, kept de-identified and sealed for advocates to label (issue 11)

One table (``bot.persistence.review``): a person's keyed sender hash, the channel kind, how the
message was read, and its de-identified text, readings and label sealed with the person's key.
Nothing to migrate: messages are only kept from now on.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unclear_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("readings", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("labelled_by", sa.Integer(), nullable=True),
        sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["labelled_by"], ["advocates.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unclear_messages", schema=None) as batch_op:
        for column in ("sender_id", "labelled_at", "created_at"):
            batch_op.create_index(batch_op.f(f"ix_unclear_messages_{column}"), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unclear_messages", schema=None) as batch_op:
        for column in ("sender_id", "labelled_at", "created_at"):
            batch_op.drop_index(batch_op.f(f"ix_unclear_messages_{column}"))
    op.drop_table("unclear_messages")
