"""Bring a database to the newest schema with Alembic, keeping its rows (server and CLI start).

A database that `create_all` made before migrations existed holds the baseline schema: it is
stamped as the baseline revision first, then upgraded like any other.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
"""The revision equal to the schema of pickup-net 0.1.0, made by `create_all` at start-up."""
_POSTGRES_LOCK = 7_102_417_315
"""Key of the PostgreSQL advisory lock held while migrating (one process at a time)."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the shipped migration scripts, bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision of the shipped migration scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration scripts"
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None before any migration)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Upgrade the database of `engine` to the newest revision inside one locked transaction,
    so that servers and CLI commands starting together migrate it once."""
    with _locked(engine) as connection:
        config = alembic_config(connection)
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and "plan_jobs" in tables:
            command.stamp(config, BASELINE)
        if current_revision(connection) != head_revision():
            command.upgrade(config, "head")


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the database's migration lock: PostgreSQL's
    advisory lock, or SQLite's write lock (`BEGIN IMMEDIATE`, which makes its DDL transactional
    too)."""
    if engine.dialect.name == "sqlite":
        sqlite = create_engine(engine.url, poolclass=NullPool, connect_args={"timeout": 60})
        event.listen(sqlite, "connect", _driver_autocommit)
        event.listen(
            sqlite, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE")
        )
        try:
            with sqlite.begin() as connection:
                yield connection
        finally:
            sqlite.dispose()
        return
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK})
        yield connection


def _driver_autocommit(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Leave transactions to SQLAlchemy's `begin` (pysqlite would otherwise start its own)."""
    dbapi_connection.isolation_level = None
