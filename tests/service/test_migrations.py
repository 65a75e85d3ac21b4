"""Alembic migrations: a released database keeps its rows, and migrations match the models."""

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, insert, select, text
from sqlalchemy.engine import Engine

from pickup_net.service.config import sqlalchemy_url
from pickup_net.service.db import make_engine, switch_to_wal
from pickup_net.service.db_models import Base
from pickup_net.service.migrate import BASELINE, alembic_config, head_revision
from service.api_helpers import IN_CI, POSTGRES_URL, Server
from service.released_schema import released

ROWS = {
    "scenarios": {"id": "s1", "name": "Fontibón", "created_at": 1.0, "scenario_json": "{}",
                  "streets_name": "streets.osm", "streets": b"\x00\x01osm", "shops": 3,
                  "orders": 7},
    "plan_jobs": {"id": "p1", "scenario_id": "s1", "status": "done", "stage": "done",
                  "progress": 1.0, "parameters_json": "{}", "shop_storage_json": "{}",
                  "idempotency_key": "key-1", "created_at": 2.0, "attempts": 1,
                  "cancel_requested": False, "published_at": 3.0, "kpis_json": '{"hubs": 1}'},
    "plan_files": {"plan_id": "p1", "name": "plan.json", "content": b'{"hubs": []}'},
    "api_tokens": {"digest": "d" * 64, "role": "shop", "name": "Tienda",
                   "plan_id": "p1", "shop_id": "shop-1", "created_at": 4.0},
    "shop_responses": {"plan_id": "p1", "shop_id": "shop-1", "decision": "decline",
                       "reason": "sin espacio", "storage_liters": 80.0, "answered_at": 5.0},
}  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind; PostgreSQL gets a schema of its own, dropped afterwards,
    so that the session's servers on the same database are left alone."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    if not POSTGRES_URL:
        reason = "PICKUP_NET_TEST_POSTGRES_URL is not set (source .ci/services.sh to get one)"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    schema = f"migrations_{tmp_path.name.lower().replace('-', '_')}"[:60]
    admin = create_engine(sqlalchemy_url(POSTGRES_URL))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _released_database(url: str) -> None:
    """Make the tables as pickup-net 0.1.0 did (no migrations) and fill each with a row."""
    engine = create_engine(sqlalchemy_url(url))
    released.create_all(engine)
    with engine.begin() as connection:
        for name, row in ROWS.items():
            connection.execute(insert(released.tables[name]), row)
    engine.dispose()


def _rows(engine: Engine) -> dict[str, list[dict]]:
    with engine.connect() as connection:
        return {
            name: [dict(row._mapping) for row in connection.execute(select(table))]
            for name, table in released.tables.items()
        }


def _differences(engine: Engine, metadata: MetaData) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), metadata)


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@pytest.mark.slow
def test_upgrade_keeps_the_rows_of_a_released_database(database_url: str, tmp_path: Path) -> None:
    """`pickup-net token create` on a 0.1.0 database upgrades it to head; every row survives."""
    _released_database(database_url)
    server = Server(database_url, tmp_path / "cli.log")
    token = server.cli_token("after upgrade")
    engine = make_engine(database_url)
    try:
        assert _revision(engine) == head_revision()
        rows = _rows(engine)
        for name, row in ROWS.items():
            assert any(stored.items() >= row.items() for stored in rows[name]), name
        assert len(rows["api_tokens"]) == 2 and len(token) == 43
    finally:
        engine.dispose()


def test_migrations_build_the_models_schema(database_url: str) -> None:
    """An empty database upgraded to head has exactly the tables, columns and indexes of the
    models, and the baseline revision is exactly the released schema."""
    engine = make_engine(database_url)
    try:
        assert _differences(engine, Base.metadata) == []
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.downgrade(config, "base")
            command.upgrade(config, BASELINE)
        assert _differences(engine, released) == []
    finally:
        engine.dispose()


def test_servers_starting_together_migrate_once(database_url: str) -> None:
    """Four processes' worth of engines upgrading one empty database at once all succeed and
    leave one version row."""
    errors: list[BaseException] = []

    def start() -> None:
        try:
            make_engine(database_url).dispose()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [version for (version,) in versions] == [head_revision()]
    finally:
        engine.dispose()


def test_wal_switch_waits_for_a_writer(tmp_path: Path) -> None:
    """Switching a SQLite file to WAL while another process writes to it (the server's first
    connection beside `pickup-net token create`'s migration) waits for the writer, where SQLite
    alone answers "database is locked" at once, busy timeout or not."""
    path = tmp_path / "busy.sqlite3"
    writing, refused, done = threading.Event(), threading.Event(), threading.Event()

    def write() -> None:
        writer = sqlite3.connect(path, isolation_level=None)
        writer.execute("CREATE TABLE held (x INTEGER)")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO held VALUES (1)")
        writing.set()
        refused.wait(10)
        time.sleep(0.3)
        writer.execute("COMMIT")
        writer.close()
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    reader = sqlite3.connect(path, timeout=30, check_same_thread=False)
    try:
        assert writing.wait(10)
        cursor = reader.cursor()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            cursor.execute("PRAGMA journal_mode=WAL")
        refused.set()
        switch_to_wal(cursor)
        assert done.is_set()
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        refused.set()
        reader.close()
        thread.join()
