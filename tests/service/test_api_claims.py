"""Claiming jobs from the database: with several runners racing, each job goes to exactly one."""

import os
import threading
from collections import Counter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from pickup_net.service.config import Settings
from pickup_net.service.db import make_engine
from pickup_net.service.db_models import PlanJob, ScenarioRow
from pickup_net.service.jobs import JobRunner
from pickup_net.service.store import now


def test_racing_runners_claim_each_job_once(tmp_path: Path) -> None:
    """Four runners (as in four server processes) claiming at once never share a job."""
    engine = make_engine(f"sqlite:///{tmp_path / 'claims.sqlite3'}")
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        session.add(
            ScenarioRow(id="s", name="s", created_at=0, scenario_json="{}", shops=0, orders=0)
        )
        session.flush()
        session.add_all(
            PlanJob(id=f"j{i:03d}", scenario_id="s", status="queued", parameters_json="{}",
                    created_at=float(i))
            for i in range(60)
        )  # fmt: skip
        session.commit()
    runners = [JobRunner(sessions, Settings(job_slots=0)) for _ in range(4)]
    claimed: list[tuple[str, str]] = []
    lock = threading.Lock()

    def claim_all(runner: JobRunner) -> None:
        while (job_id := runner.claim()) is not None:
            with lock:
                claimed.append((job_id, runner.owner))

    threads = [threading.Thread(target=claim_all, args=(runner,)) for runner in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(job_id for job_id, _ in claimed) == [f"j{i:03d}" for i in range(60)]
    with sessions() as session:
        rows = session.execute(select(PlanJob.id, PlanJob.owner, PlanJob.attempts)).all()
    assert dict((job_id, owner) for job_id, owner, _ in rows) == dict(claimed)
    assert Counter(attempts for _, _, attempts in rows) == {1: 60}


def test_reaper_requeues_jobs_of_a_dead_owner_only(tmp_path: Path) -> None:
    """A running job whose owner process is gone goes back to the queue; a live owner's stays."""
    engine = make_engine(f"sqlite:///{tmp_path / 'reap.sqlite3'}")
    sessions = sessionmaker(engine, expire_on_commit=False)
    runner = JobRunner(sessions, Settings(job_slots=0))
    live_pid = os.getppid()  # a live process on this host other than this one
    dead_pid = 2**22 + 12345  # above Linux's default pid_max: no such process
    with sessions() as session:
        session.add(
            ScenarioRow(id="s", name="s", created_at=0, scenario_json="{}", shops=0, orders=0)
        )
        session.flush()
        for job_id, owner, pid in (
            ("dead", "host:gone", dead_pid),
            ("live", "host:alive", live_pid),
        ):
            session.add(
                PlanJob(id=job_id, scenario_id="s", status="running", parameters_json="{}",
                        created_at=0.0, owner=owner, owner_host=runner.host, owner_pid=pid,
                        heartbeat_at=now(), attempts=1)
            )  # fmt: skip
        session.commit()
    assert runner.reap() == 1
    with sessions() as session:
        status = dict(session.execute(select(PlanJob.id, PlanJob.status)).all())
    assert status == {"dead": "queued", "live": "running"}
