"""Durability: a job survives a killed server, and a cancelled job stops."""

from pathlib import Path

import httpx
import pytest
from builders import small_scenario
from sqlalchemy.orm import Session

from pickup_net.service.db import make_engine
from pickup_net.service.db_models import PlanJob
from service.api_helpers import Server, upload, wait_for


@pytest.mark.slow
def test_killed_server_finishes_the_job_after_restart(tmp_path: Path) -> None:
    """A job that was started when its server is killed ends done after a restart: run again
    (a second attempt) if the kill caught it running, kept as it was if it had finished."""
    server = Server(f"sqlite:///{tmp_path / 'killed.sqlite3'}", tmp_path / "killed.log").start()
    try:
        headers = {"Authorization": f"Bearer {server.create_token('durability')}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            scenario_id = upload(client, small_scenario(seed=4, n_customers=16, n_shops=4, days=14))
            plan_id = client.post(f"/scenarios/{scenario_id}/plans").json()["id"]
            wait_for(client, plan_id, lambda plan: plan["status"] != "queued")
        server.kill()
        at_kill = _job(server, plan_id)
        assert at_kill.status in ("running", "done") and at_kill.attempts == 1
        server.start()
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            finished = wait_for(client, plan_id)
    finally:
        server.stop()
    assert finished["status"] == "done", finished["error"]
    assert finished["attempts"] == (2 if at_kill.status == "running" else 1)


def _job(server: Server, plan_id: str) -> PlanJob:
    """The plan job as the database holds it (read while no server runs)."""
    engine = make_engine(server.database_url)
    try:
        with Session(engine) as session:
            job = session.get(PlanJob, plan_id)
            assert job is not None
            session.expunge(job)
            return job
    finally:
        engine.dispose()


def test_cancelled_plan_stops(client: httpx.Client, published: dict) -> None:
    """Cancelling a submitted plan ends it as cancelled; a finished plan cannot be cancelled."""
    scenario_id = published["scenario"]
    plan_id = client.post(f"/scenarios/{scenario_id}/plans").json()["id"]
    response = client.post(f"/plans/{plan_id}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" or response.json()["cancel_requested"]
    assert wait_for(client, plan_id)["status"] == "cancelled"
    assert client.post(f"/plans/{plan_id}/cancel").status_code == 200
    assert client.get(f"/plans/{plan_id}/plan.json").status_code == 409
    finished = client.post(f"/plans/{published['plan']}/cancel")
    assert finished.status_code == 409 and "already done" in finished.json()["detail"]


@pytest.mark.slow
def test_cli_serve_and_token_create(tmp_path: Path) -> None:
    """`pickup-net serve` serves, and `pickup-net token create` prints a working token last."""
    server = Server(f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path / "cli.log", cli=True)
    try:
        server.launch()  # both commands load the whole CLI: let them do it side by side
        token = server.cli_token("cli test")
        assert len(token) == 43 and " " not in token
        server.wait_ready()
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{server.url}/scenarios", headers=headers).status_code == 200
        assert httpx.get(f"{server.url}/scenarios").status_code == 401
    finally:
        server.stop()


def test_failed_plan_reports_its_error(client: httpx.Client, published: dict) -> None:
    """A contradictory request (a shop forced open and closed) is reported naming the shop:
    refused at once, or as a failed plan carrying the pipeline's error."""
    shop_id = published["tokens"][0]["shop_id"]
    both = {"open_shops": [shop_id], "closed_shops": [shop_id]}
    response = client.post(f"/scenarios/{published['scenario']}/plans", json={"parameters": both})
    if response.status_code == 422:
        assert shop_id in str(response.json()["detail"])
        return
    assert response.status_code == 202
    failed = wait_for(client, response.json()["id"])
    assert failed["status"] == "failed" and shop_id in failed["error"]
    assert failed["files"] == []
