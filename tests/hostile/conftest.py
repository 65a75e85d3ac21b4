"""Fixtures of the hostile-input replays: a small scenario folder and a real API server."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from builders import small_scenario
from service.api_helpers import Server, fresh_database

from pickup_net.io.scenario_writer import write_scenario


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small valid scenario (no street file) written as YAML + CSV; returns the YAML path."""
    scenario = small_scenario(seed=5, n_customers=12, n_shops=4, days=14)
    return write_scenario(scenario, tmp_path / "s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running API server on a fresh SQLite database."""
    tmp = tmp_path_factory.mktemp("hostile-server")
    started = Server(fresh_database("sqlite", tmp), tmp / "server.log").start()
    yield started
    started.stop()


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client of `server` holding a planner token."""
    headers = {"Authorization": f"Bearer {server.create_token('hostile')}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
        yield http
