"""staff API keys, hash-chained audit log, login throttling, TOTP (issue 12)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00.000000
"""

from alembic import op  # noqa: F401  (filled in by the change that owns this revision)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
