"""Real uvicorn servers for the API tests: SQLite always, PostgreSQL when a URL is given.

`PICKUP_NET_TEST_POSTGRES_URL` names a PostgreSQL database to use (its tables are dropped first);
without it the PostgreSQL variant is skipped, except under `CI=true`, where it fails the run.
"""

from collections.abc import Iterator

import httpx
import pytest
from builders import small_scenario

from service.api_helpers import Server, fresh_database, upload, wait_for


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    """The database kind under test."""
    return request.param


@pytest.fixture(scope="session")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running server on a fresh database of the current backend."""
    tmp = tmp_path_factory.mktemp(f"server-{backend}")
    started = Server(fresh_database(backend, tmp), tmp / "server.log").start()
    yield started
    started.stop()


@pytest.fixture(scope="session")
def planner_token(server: Server) -> str:
    """A planner token stored in `server`'s database."""
    return server.create_token("tests")


@pytest.fixture
def client(server: Server, planner_token: str) -> Iterator[httpx.Client]:
    """An HTTP client for `server` holding the planner token."""
    headers = {"Authorization": f"Bearer {planner_token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
        yield http


@pytest.fixture
def anonymous(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client for `server` with no token."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


@pytest.fixture(scope="session")
def published(server: Server, planner_token: str) -> Iterator[dict]:
    """A finished, published plan: its scenario id, plan id and shop tokens."""
    headers = {"Authorization": f"Bearer {planner_token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        small = small_scenario(seed=8, n_customers=16, n_shops=5, days=14, n_hubs=2)
        scenario = upload(client, small)
        plan_id = client.post(f"/scenarios/{scenario}/plans").json()["id"]
        assert wait_for(client, plan_id)["status"] == "done"
        tokens = client.post(f"/plans/{plan_id}/publish").json()["tokens"]
        yield {"scenario": scenario, "plan": plan_id, "tokens": tokens}
