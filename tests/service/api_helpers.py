"""Helpers of the API tests: a real server process, a fresh database, waiting for plans.

Each server is uvicorn (or `pickup-net serve`) in a subprocess on a loopback port the kernel
picks; the tests talk to it over HTTP. `PICKUP_NET_TEST_POSTGRES_URL` names a PostgreSQL
database to use (its tables are dropped first); without it the PostgreSQL variant is skipped,
except under `CI=true`, where a missing database fails the run.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from pickup_net.domain import Scenario
from pickup_net.service.config import sqlalchemy_url
from pickup_net.service.db import make_engine
from pickup_net.service.db_models import Base
from pickup_net.service.security import create_token

BIN = Path(sys.executable).parent
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("PICKUP_NET_TEST_POSTGRES_URL", "")
TERMINAL = ("done", "failed", "cancelled")
READY = re.compile(rb"Uvicorn running on http://[^:]+:(\d+)")


@dataclass
class Server:
    """One uvicorn server process (or `pickup-net serve`) on loopback against one database.

    It listens on port 0, so the kernel picks a free port; the port is read back from the
    server's "Uvicorn running on" line, which uvicorn prints once its lifespan has started.
    """

    database_url: str
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    cli: bool = False
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _ready: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The environment the server and the CLI run with."""
        return {
            **os.environ,
            "PICKUP_NET_DATABASE_URL": self.database_url,
            "PICKUP_NET_JOB_LEASE_S": "10",
            "PICKUP_NET_JOB_POLL_S": "0.2",
            "PICKUP_NET_CANCEL_GRACE_S": "1",
            **self.extra_env,
        }

    def start(self) -> "Server":
        """Start the server and wait until it listens."""
        return self.launch().wait_ready()

    def launch(self) -> "Server":
        """Start the server process without waiting for it."""
        self.port = 0
        self._ready = threading.Event()
        address = ["--host", "127.0.0.1", "--port", "0"]
        command = (
            [str(BIN / "pickup-net"), "serve", *address]
            if self.cli
            else [sys.executable, "-m", "uvicorn", "pickup_net.service.main:app", *address]
        )
        self.process = subprocess.Popen(
            command, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        threading.Thread(target=self._follow_log, args=(self.process,), daemon=True).start()
        return self

    def _follow_log(self, process: subprocess.Popen[bytes]) -> None:
        """Copy the server's output into the log, note its port, and signal readiness (or that
        it exited before listening)."""
        assert process.stdout is not None
        with self.log_path.open("ab") as log:
            for line in process.stdout:
                log.write(line)
                log.flush()
                if not self._ready.is_set() and (match := READY.search(line)):
                    self.port = int(match[1])
                    self._ready.set()
        self._ready.set()

    def wait_ready(self, timeout_s: float = 60) -> "Server":
        """Wait until the launched server listens (its port read from its output)."""
        assert self.process is not None
        if not self._ready.wait(timeout_s):
            raise RuntimeError(f"server did not start: {self.log_path.read_text()[-2000:]}")
        if self.port == 0:
            raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
        return self

    def stop(self) -> None:
        """Stop the server the way an operator does (SIGTERM) and wait for it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash or power cut would."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def create_token(self, name: str) -> str:
        """A planner token stored straight into the server's database."""
        engine = make_engine(self.database_url)
        with Session(engine) as session:
            token = create_token(session, "planner", name)
            session.commit()
        engine.dispose()
        return token

    def cli_token(self, name: str) -> str:
        """A planner token from `pickup-net token create` (its last output line)."""
        result = subprocess.run(
            [str(BIN / "pickup-net"), "token", "create", "--role", "planner", "--name", name],
            env=self.env(),
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout.strip().splitlines()[-1]


def fresh_database(kind: str, tmp_dir: Path) -> str:
    """A database URL with no pickup-net tables in it."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_dir / 'pickup-net.sqlite3'}"
    if not POSTGRES_URL:
        reason = "PICKUP_NET_TEST_POSTGRES_URL is not set (source .ci/services.sh to get one)"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    engine = create_engine(sqlalchemy_url(POSTGRES_URL))
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return POSTGRES_URL


def wait_for(
    client: httpx.Client,
    plan_id: str,
    until: Callable[[dict], bool] = lambda plan: plan["status"] in TERMINAL,
    timeout_s: float = 90,
) -> dict:
    """Poll `GET /plans/{id}` until `until(plan)` holds; return that plan."""
    deadline = time.monotonic() + timeout_s
    while True:
        plan = client.get(f"/plans/{plan_id}").raise_for_status().json()
        if until(plan):
            return plan
        if time.monotonic() > deadline:
            raise AssertionError(f"plan {plan_id} still {plan['status']} after {timeout_s} s")
        time.sleep(0.2)


def upload(client: httpx.Client, scenario: Scenario) -> str:
    """POST a scenario as JSON and return its id."""
    response = client.post(
        "/scenarios",
        content=scenario.model_dump_json(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def shop_client(server: Server, token: str) -> httpx.Client:
    """An HTTP client holding a shop token."""
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
