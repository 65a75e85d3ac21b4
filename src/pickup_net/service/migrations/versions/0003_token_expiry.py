"""Token expiry: shop tokens end some days after their plan's horizon, planner tokens optionally.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the nullable `api_tokens.expires_at` (UNIX seconds); existing tokens never expire."""
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.Float(), nullable=True))


def downgrade() -> None:
    """Drop `api_tokens.expires_at`."""
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
