"""The baseline: the schema of pickup-net 0.1.0, which `create_all` made before migrations.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the tables of pickup-net 0.1.0."""
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("plan_id", sa.String(length=32), nullable=True),
        sa.Column("shop_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("revoked_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_index(op.f("ix_api_tokens_plan_id"), "api_tokens", ["plan_id"], unique=False)
    op.create_table(
        "scenarios",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("scenario_json", sa.Text(), nullable=False),
        sa.Column("streets_name", sa.String(length=300), nullable=True),
        sa.Column("streets", sa.LargeBinary(), nullable=True),
        sa.Column("shops", sa.Integer(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "plan_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("scenario_id", sa.String(length=32), nullable=False),
        sa.Column("parent_plan_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("parameters_json", sa.Text(), nullable=False),
        sa.Column("shop_storage_json", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=True),
        sa.Column("finished_at", sa.Float(), nullable=True),
        sa.Column("heartbeat_at", sa.Float(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("owner_host", sa.String(length=200), nullable=True),
        sa.Column("owner_pid", sa.Integer(), nullable=True),
        sa.Column("child_pid", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.Float(), nullable=True),
        sa.Column("kpis_json", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenarios.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index(op.f("ix_plan_jobs_created_at"), "plan_jobs", ["created_at"], unique=False)
    op.create_index(op.f("ix_plan_jobs_scenario_id"), "plan_jobs", ["scenario_id"], unique=False)
    op.create_index(op.f("ix_plan_jobs_status"), "plan_jobs", ["status"], unique=False)
    op.create_table(
        "plan_files",
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_jobs.id"],
        ),
        sa.PrimaryKeyConstraint("plan_id", "name"),
    )
    op.create_table(
        "shop_responses",
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("shop_id", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("storage_liters", sa.Float(), nullable=True),
        sa.Column("answered_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_jobs.id"],
        ),
        sa.PrimaryKeyConstraint("plan_id", "shop_id"),
    )


def downgrade() -> None:
    """Drop every table."""
    op.drop_table("shop_responses")
    op.drop_table("plan_files")
    op.drop_index(op.f("ix_plan_jobs_status"), table_name="plan_jobs")
    op.drop_index(op.f("ix_plan_jobs_scenario_id"), table_name="plan_jobs")
    op.drop_index(op.f("ix_plan_jobs_created_at"), table_name="plan_jobs")
    op.drop_table("plan_jobs")
    op.drop_table("scenarios")
    op.drop_index(op.f("ix_api_tokens_plan_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
