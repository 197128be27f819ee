"""conversation ids read <channel>:<identity> (issue 12)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:00:00.000000
"""

from alembic import op  # noqa: F401  (filled in by the change that owns this revision)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
