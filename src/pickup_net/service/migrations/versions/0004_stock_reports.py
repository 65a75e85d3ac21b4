"""Shop owners' stock reports: units on the shelf per shop and product, for the next plan.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the `stock_reports` table (existing tables are unchanged)."""
    op.create_table(
        "stock_reports",
        sa.Column("report_id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=200), nullable=False),
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("scenario_id", sa.String(length=32), nullable=False),
        sa.Column("shop_id", sa.String(length=200), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("handed_over_units", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.Float(), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan_jobs.id"]),
        sa.ForeignKeyConstraint(["scenario_id"], ["scenarios.id"]),
        sa.PrimaryKeyConstraint("report_id", "product_id"),
    )
    op.create_index(op.f("ix_stock_reports_plan_id"), "stock_reports", ["plan_id"], unique=False)
    op.create_index(
        op.f("ix_stock_reports_scenario_id"), "stock_reports", ["scenario_id"], unique=False
    )


def downgrade() -> None:
    """Drop the `stock_reports` table."""
    op.drop_index(op.f("ix_stock_reports_scenario_id"), table_name="stock_reports")
    op.drop_index(op.f("ix_stock_reports_plan_id"), table_name="stock_reports")
    op.drop_table("stock_reports")
