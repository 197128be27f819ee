"""per-person keys, encrypted personal values, keyed sender hashes (issue 12)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00.000000
"""

from alembic import op  # noqa: F401  (filled in by the change that owns this revision)

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
