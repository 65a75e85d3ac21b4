"""The tables of pickup-net 0.1.0 exactly as its `create_all` made them, frozen here so that the
upgrade tests keep starting from the released schema after the models move on."""

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

released = MetaData()

Table(
    "scenarios",
    released,
    Column("id", String(32), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("scenario_json", Text, nullable=False),
    Column("streets_name", String(300)),
    Column("streets", LargeBinary),
    Column("shops", Integer, nullable=False),
    Column("orders", Integer, nullable=False),
)
Table(
    "plan_jobs",
    released,
    Column("id", String(32), primary_key=True),
    Column("scenario_id", ForeignKey("scenarios.id"), nullable=False, index=True),
    Column("parent_plan_id", String(32)),
    Column("status", String(16), nullable=False, index=True),
    Column("stage", String(32), nullable=False),
    Column("progress", Float, nullable=False),
    Column("error", Text),
    Column("parameters_json", Text, nullable=False),
    Column("shop_storage_json", Text, nullable=False),
    Column("idempotency_key", String(200), unique=True),
    Column("request_fingerprint", String(64)),
    Column("created_at", Float, nullable=False, index=True),
    Column("started_at", Float),
    Column("finished_at", Float),
    Column("heartbeat_at", Float),
    Column("owner", String(200)),
    Column("owner_host", String(200)),
    Column("owner_pid", Integer),
    Column("child_pid", Integer),
    Column("attempts", Integer, nullable=False),
    Column("cancel_requested", Boolean, nullable=False),
    Column("published_at", Float),
    Column("kpis_json", Text),
)
Table(
    "plan_files",
    released,
    Column("plan_id", ForeignKey("plan_jobs.id"), primary_key=True),
    Column("name", String(300), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)
Table(
    "api_tokens",
    released,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("plan_id", String(32), index=True),
    Column("shop_id", String(200)),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)
Table(
    "shop_responses",
    released,
    Column("plan_id", ForeignKey("plan_jobs.id"), primary_key=True),
    Column("shop_id", String(200), primary_key=True),
    Column("decision", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("storage_liters", Float),
    Column("answered_at", Float, nullable=False),
)
