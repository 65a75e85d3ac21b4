"""The durable job runner: plan jobs claimed from the database, resumed after a restart,
never run twice at once.

Each server process runs one `JobRunner` with `job_slots` threads. A thread claims the oldest
queued job with a conditional UPDATE (only one claimer can win, on SQLite and PostgreSQL alike),
runs the plan in a child process forked from a preloaded fork server, relays its progress into the
row and renews the job's lease. A reaper puts back in the queue any running job whose owner is
gone: a dead process on this host at once, any other once its lease has run out.
"""

import json
import logging
import multiprocessing
import os
import socket
import threading
import time
import uuid
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from pickup_net.service import quota
from pickup_net.service.config import Settings
from pickup_net.service.db_models import PlanFile, PlanJob
from pickup_net.service.processes import pid_alive
from pickup_net.service.store import JobInputs, now

_log = logging.getLogger("pickup_net.jobs")
_CHILD_MODULE = "pickup_net.service.plan_child"


class JobRunner:
    """Runs queued plan jobs of the database in worker processes until stopped."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.owner = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:12]}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._context: BaseContext | None = None

    def start(self) -> None:
        """Requeue jobs left by dead owners, then start the slot threads and the reaper."""
        self.reap()
        if self.settings.job_slots == 0:
            return
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([_CHILD_MODULE])
        self._context = context
        # Start the fork server (it imports the pipeline) now rather than at the first job.
        threading.Thread(target=forkserver.ensure_running, name="forkserver", daemon=True).start()
        for slot in range(self.settings.job_slots):
            thread = threading.Thread(target=self._slot_loop, name=f"plan-slot-{slot}", daemon=True)
            thread.start()
            self._threads.append(thread)
        reaper = threading.Thread(target=self._reaper_loop, name="plan-reaper", daemon=True)
        reaper.start()
        self._threads.append(reaper)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the threads; jobs they were running go back to the queue for the next start."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout_s)

    def wake(self) -> None:
        """Look for queued jobs now rather than at the next poll."""
        self._wake.set()

    def claim(self) -> str | None:
        """Claim the oldest queued job for this runner; None when none is left."""
        with self.sessions() as session:
            candidates = session.scalars(
                select(PlanJob.id)
                .where(PlanJob.status == "queued")
                .order_by(PlanJob.created_at)
                .limit(8)
            ).all()
            for job_id in candidates:
                stamp = now()
                result = session.execute(
                    update(PlanJob)
                    .where(PlanJob.id == job_id, PlanJob.status == "queued")
                    .values(
                        status="running",
                        owner=self.owner,
                        owner_host=self.host,
                        owner_pid=self.pid,
                        child_pid=None,
                        heartbeat_at=stamp,
                        started_at=stamp,
                        stage="",
                        progress=0.0,
                        error=None,
                        attempts=PlanJob.attempts + 1,
                    )
                )
                session.commit()
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    return job_id
        return None

    def reap(self) -> int:
        """Put back in the queue the running jobs whose owner is gone; return how many."""
        reaped = 0
        with self.sessions() as session:
            rows = session.execute(
                select(
                    PlanJob.id,
                    PlanJob.owner,
                    PlanJob.owner_host,
                    PlanJob.owner_pid,
                    PlanJob.child_pid,
                    PlanJob.heartbeat_at,
                    PlanJob.cancel_requested,
                ).where(PlanJob.status == "running", PlanJob.owner != self.owner)
            ).all()
            for job_id, owner, host, owner_pid, child_pid, heartbeat_at, cancel in rows:
                if not self._owner_gone(host, owner_pid, child_pid, heartbeat_at):
                    continue
                values = {"owner": None, "child_pid": None, "stage": "", "progress": 0.0}
                target = (
                    {"status": "cancelled", "finished_at": now()}
                    if cancel
                    else {"status": "queued"}
                )
                result = session.execute(
                    update(PlanJob)
                    .where(
                        PlanJob.id == job_id, PlanJob.status == "running", PlanJob.owner == owner
                    )
                    .values(**values, **target)
                )
                session.commit()
                reaped += result.rowcount  # type: ignore[attr-defined]
        if reaped:
            _log.info("requeued %d job(s) whose owner is gone", reaped)
            self.wake()
        return reaped

    def _owner_gone(
        self, host: str | None, owner_pid: int | None, child_pid: int | None, beat: float | None
    ) -> bool:
        if beat is None or now() - beat > self.settings.job_lease_s:
            return True
        if host != self.host or owner_pid is None:
            return False
        owner_dead = owner_pid == self.pid or not pid_alive(owner_pid)
        return owner_dead and (child_pid is None or not pid_alive(child_pid))

    def _reaper_loop(self) -> None:
        interval_s = max(0.5, min(5.0, self.settings.job_lease_s / 4))
        while not self._stop.wait(interval_s):
            try:
                self.reap()
            except Exception:  # a database hiccup must not kill the reaper
                _log.exception("reaper pass failed")

    def _slot_loop(self) -> None:
        while not self._stop.is_set():
            try:
                job_id = self.claim()
            except Exception:
                _log.exception("claiming a job failed")
                job_id = None
            if job_id is None:
                self._wake.wait(self.settings.job_poll_s)
                self._wake.clear()
                continue
            try:
                _JobRun(self, job_id).run()
            except Exception:
                _log.exception("job %s: runner error", job_id)
                self._finish(job_id, "failed", "the job runner failed; see the server log")

    def _finish(self, job_id: str, status: str, error: str | None = None) -> bool:
        """Mark a job this runner owns as finished; False when it is no longer ours."""
        with self.sessions() as session:
            result = session.execute(
                update(PlanJob)
                .where(
                    PlanJob.id == job_id,
                    PlanJob.owner == self.owner,
                    PlanJob.status == "running",
                )
                .values(status=status, error=error, finished_at=now(), child_pid=None)
            )
            session.commit()
            return result.rowcount == 1  # type: ignore[attr-defined]


class _JobRun:
    """One job in one slot: the child process, the relayed progress, the lease."""

    def __init__(self, runner: JobRunner, job_id: str) -> None:
        self.runner = runner
        self.job_id = job_id
        self.cancel_seen_at: float | None = None

    def run(self) -> None:
        runner = self.runner
        assert runner._context is not None
        with runner.sessions() as session:
            job = session.get(PlanJob, self.job_id)
            if job is None:
                return
            inputs = JobInputs(
                runner.settings.database_url,
                job.scenario_id,
                job.parameters_json,
                job.shop_storage_json or "{}",
            )
        receiver, sender = runner._context.Pipe(duplex=False)
        cancel = runner._context.Event()
        process = runner._context.Process(
            target=_child_entry, args=(inputs, sender, cancel, runner.pid), daemon=True
        )
        process.start()
        sender.close()
        self._update(child_pid=process.pid)
        try:
            self._relay(process, receiver, cancel)
        finally:
            if process.is_alive():
                process.kill()
            process.join(5)
            receiver.close()

    def _relay(self, process: BaseProcess, receiver: Connection, cancel: object) -> None:
        runner = self.runner
        last_beat = 0.0
        while True:
            if runner._stop.is_set():
                self._requeue()
                return
            if time.monotonic() - last_beat > 1.0:
                last_beat = time.monotonic()
                if not self._heartbeat(cancel):
                    return
            if not receiver.poll(0.2):
                if process.is_alive() or receiver.poll(0):
                    continue
                message: tuple = ("died",)
            else:
                try:
                    message = receiver.recv()
                except (EOFError, OSError):  # the child closed its end without a last word
                    message = ("died",)
            kind = message[0]
            if kind == "progress":
                self._update(stage=str(message[1])[:32], progress=max(0.0, min(1.0, message[2])))
            elif kind == "done":
                self._store(message[1])
                return
            elif kind == "failed":
                runner._finish(self.job_id, "failed", message[1])
                return
            elif kind == "cancelled":
                runner._finish(self.job_id, "cancelled")
                return
            else:
                process.join(2)
                died = f"the plan process died (exit code {process.exitcode})"
                runner._finish(self.job_id, "failed", died)
                return

    def _heartbeat(self, cancel: object) -> bool:
        """Renew the lease and pass on a cancel request; False when the job is no longer ours."""
        with self.runner.sessions() as session:
            result = session.execute(
                update(PlanJob)
                .where(PlanJob.id == self.job_id, PlanJob.owner == self.runner.owner)
                .values(heartbeat_at=now())
            )
            requested = session.scalar(
                select(PlanJob.cancel_requested).where(PlanJob.id == self.job_id)
            )
            session.commit()
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        if requested:
            cancel.set()  # type: ignore[attr-defined]
            self.cancel_seen_at = self.cancel_seen_at or time.monotonic()
            if time.monotonic() - self.cancel_seen_at > self.runner.settings.cancel_grace_s:
                self.runner._finish(self.job_id, "cancelled")
                return False
        return True

    def _update(self, **values: object) -> None:
        with self.runner.sessions() as session:
            session.execute(
                update(PlanJob)
                .where(PlanJob.id == self.job_id, PlanJob.owner == self.runner.owner)
                .values(heartbeat_at=now(), **values)
            )
            session.commit()

    def _requeue(self) -> None:
        with self.runner.sessions() as session:
            session.execute(
                update(PlanJob)
                .where(PlanJob.id == self.job_id, PlanJob.owner == self.runner.owner)
                .values(status="queued", owner=None, child_pid=None, stage="", progress=0.0)
            )
            session.commit()

    def _store(self, files: dict[str, bytes]) -> None:
        """Save the result files and mark the job done, in one transaction, if still ours."""
        kpis = json.loads(files["plan.json"]).get("kpis") if "plan.json" in files else None
        with self.runner.sessions() as session:
            result = session.execute(
                update(PlanJob)
                .where(
                    PlanJob.id == self.job_id,
                    PlanJob.owner == self.runner.owner,
                    PlanJob.status == "running",
                )
                .values(
                    status="done",
                    stage="done",
                    progress=1.0,
                    finished_at=now(),
                    child_pid=None,
                    kpis_json=json.dumps(kpis) if kpis is not None else None,
                )
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                return
            session.add_all(
                PlanFile(plan_id=self.job_id, name=name, content=content)
                for name, content in files.items()
            )
            quota.set_size(session, self.job_id, sum(len(content) for content in files.values()))
            session.commit()


def _child_entry(*args: object) -> None:
    """Start of the child process; the fork server has already imported the pipeline."""
    from pickup_net.service.plan_child import run_plan

    run_plan(*args)  # type: ignore[arg-type]
