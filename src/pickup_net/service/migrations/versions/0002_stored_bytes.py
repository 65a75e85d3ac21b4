"""Per-planner storage: who stored each scenario or plan's files and how many bytes they take.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the `stored_bytes` table (existing tables are unchanged)."""
    op.create_table(
        "stored_bytes",
        sa.Column("object_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("object_id"),
    )
    op.create_index(op.f("ix_stored_bytes_token_id"), "stored_bytes", ["token_id"], unique=False)


def downgrade() -> None:
    """Drop the `stored_bytes` table."""
    op.drop_index(op.f("ix_stored_bytes_token_id"), table_name="stored_bytes")
    op.drop_table("stored_bytes")
