"""private share links to the question list, and the log of texted lists

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 16:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_links_sender_id"), ["sender_id"], unique=False)

    op.create_table(
        "question_texts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("question_texts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_texts_sender_id"), ["sender_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("question_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_texts_sender_id"))
    op.drop_table("question_texts")
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_links_sender_id"))
    op.drop_table("share_links")
