"""The database engine and sessions: a SQLite file by default, PostgreSQL by URL."""

import sqlite3
import time
from collections.abc import Iterator
from functools import lru_cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from pickup_net.service.config import get_settings, sqlalchemy_url
from pickup_net.service.migrate import upgrade

BUSY_TIMEOUT_S = 30.0
"""How long a SQLite connection waits for another process's write before it gives up."""


def make_engine(url: str) -> Engine:
    """An engine for `url` with its database upgraded to the newest schema (Alembic); SQLite
    runs in WAL mode with a busy timeout so that threads and processes write one after another."""
    url = sqlalchemy_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    upgrade(engine)
    return engine


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Wait for locks first, then switch to WAL once: a second process (the server and
    `pickup-net token` started together) finds the file in WAL mode already, or waits for the
    first one's migration instead of failing with "database is locked"."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to WAL, retrying while another process writes: SQLite answers this
    switch with "database is locked" at once, without its busy timeout, while a writer holds
    the file (a migration in the process started beside this one)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause_s = 0.01
    while cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(pause_s)
            pause_s = min(2 * pause_s, 0.5)


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database URL."""
    return make_engine(get_settings().database_url)


@lru_cache
def _session_factory() -> sessionmaker[Session]:
    return sessionmaker(get_engine(), expire_on_commit=False)


def get_session() -> Iterator[Session]:
    """A session per request (a FastAPI dependency), closed afterwards."""
    with _session_factory()() as session:
        yield session


def new_session() -> Session:
    """A session outside a request (job runner, CLI); the caller closes it."""
    return _session_factory()()
