"""Database tables: scenarios, plan jobs and their result files, tokens, shop answers and stock
reports.

Times are stored as UNIX seconds (floats) so that lease arithmetic is the same on SQLite and
PostgreSQL; schemas turn them into ISO timestamps.
"""

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")


class Base(DeclarativeBase):
    """Declarative base of every table."""


class ScenarioRow(Base):
    """A validated scenario as JSON, with its street file (if any) as bytes."""

    __tablename__ = "scenarios"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[float] = mapped_column(Float)
    scenario_json: Mapped[str] = mapped_column(Text)
    streets_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    streets: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    shops: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer)


class PlanJob(Base):
    """One plan run: its inputs, its place in the queue, who runs it and how far it got."""

    __tablename__ = "plan_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id"), index=True)
    parent_plan_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str] = mapped_column(String(32), default="")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    parameters_json: Mapped[str] = mapped_column(Text)
    shop_storage_json: Mapped[str] = mapped_column(Text, default="{}")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[float] = mapped_column(Float, index=True)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    heartbeat_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    owner_host: Mapped[str | None] = mapped_column(String(200), nullable=True)
    owner_pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    child_pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    kpis_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class PlanFile(Base):
    """One output file of a finished plan (`plan.json`, `hubs.geojson`, ...)."""

    __tablename__ = "plan_files"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ApiToken(Base):
    """A bearer token, kept only as its SHA-256 digest; shop tokens name their plan and shop.
    A token with `expires_at` (UNIX seconds) stops working then."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), default="")
    plan_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    shop_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    expires_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class ShopResponse(Base):
    """A shop owner's answer to their assignment in one plan; a later answer replaces it."""

    __tablename__ = "shop_responses"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id"), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    storage_liters: Mapped[float | None] = mapped_column(Float, nullable=True)
    answered_at: Mapped[float] = mapped_column(Float)


class StoredBytes(Base):
    """Who stored a scenario or a plan's files and how many bytes they take: the per-planner
    storage quota and queue limit. A table of its own, so that existing tables are unchanged."""

    __tablename__ = "stored_bytes"

    object_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_id: Mapped[int] = mapped_column(Integer, index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[float] = mapped_column(Float)


class StockReportLine(Base):
    """One product of a shop owner's stock report: units on the shelf at `reported_at` (the
    owner's clock, UNIX seconds) and, optionally, units handed to customers since the previous
    report. The next plan of the scenario opens from the latest line per shop and product."""

    __tablename__ = "stock_reports"

    report_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id"), index=True)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id"), index=True)
    shop_id: Mapped[str] = mapped_column(String(200))
    units: Mapped[int] = mapped_column(Integer)
    handed_over_units: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reported_at: Mapped[float] = mapped_column(Float)
    received_at: Mapped[float] = mapped_column(Float)
