"""SMS opt-outs (STOP / START)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_opt_outs",
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("keyword", sa.String(length=32), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_id"),
    )


def downgrade() -> None:
    op.drop_table("sms_opt_outs")
