"""The worker process of one plan job: runs the pipeline and reports over a pipe.

It is forked from a preloaded fork server, so the heavy imports happen once. It reads the stored
scenario from the database itself, so that the server process never holds a whole scenario. It
stops the plan when asked (through the progress callback) and exits at once if the server process
dies, so that a job is never run twice at once.
"""

import os
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

from sqlalchemy.orm import Session

from pickup_net.domain import Budget, Scenario
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.planning import plan
from pickup_net.render.plan_files import plan_files
from pickup_net.service.db import make_engine
from pickup_net.service.db_models import ScenarioRow
from pickup_net.service.processes import pid_alive
from pickup_net.service.public_text import without_server_paths
from pickup_net.service.stock_reports import reported_inventory, with_reports
from pickup_net.service.store import JobInputs, job_scenario


class PlanCancelled(Exception):
    """Raised inside the progress callback to stop a plan that was cancelled."""


def run_plan(job: JobInputs, conn: Connection, cancel: Event, server_pid: int) -> None:
    """Plan the job's scenario and send ("progress", stage, fraction) messages, then one of
    ("done", files), ("failed", message) or ("cancelled",)."""
    threading.Thread(target=_exit_with_server, args=(server_pid,), daemon=True).start()

    def progress(stage: str, fraction: float) -> None:
        if cancel.is_set():
            raise PlanCancelled
        conn.send(("progress", stage, float(fraction)))

    try:
        scenario, streets_name, streets, reported = _load(job)
        with tempfile.TemporaryDirectory(prefix="pickup-net-job-") as tmp:
            if streets is not None and streets_name:
                path = Path(tmp) / Path(streets_name).name
                path.write_bytes(streets)
                scenario = scenario.model_copy(update={"streets_file": str(path)})
            # one process: this plan process is daemonic and may not start children (with
            # search_work, `auto` then runs its two searches one after the other: same plan)
            budget = Budget(processes=1, start_method="spawn")
            result = plan(load_inputs(scenario), budget, progress=progress)
        if reported:
            result.warnings.append(
                f"opening stock: {reported} shop x product lines from shop owners' stock "
                "reports newer than the scenario's inventory table"
            )
        files = plan_files(result, scenario)
    except PlanCancelled:
        conn.send(("cancelled",))
        return
    except Exception as error:  # every failure of the plan is reported to the planner
        conn.send(("failed", without_server_paths(f"{type(error).__name__}: {error}")))
        return
    conn.send(("done", files))


def _load(job: JobInputs) -> tuple[Scenario, str | None, bytes | None, int]:
    """The job's scenario (validated once, straight from its stored JSON) with the shop owners'
    stock reports newer than it as opening inventory, its street file, and how many inventory
    lines came from reports."""
    engine = make_engine(job.database_url)
    try:
        with Session(engine) as session:
            row = session.get(ScenarioRow, job.scenario_id)
            if row is None:
                raise LookupError(f"scenario {job.scenario_id} is no longer stored")
            text, streets_name, streets = row.scenario_json, row.streets_name, row.streets
            reported = reported_inventory(session, job.scenario_id, after=row.created_at)
    finally:
        engine.dispose()
    scenario = Scenario.model_validate_json(text)
    del text
    scenario = with_reports(
        job_scenario(scenario, job.parameters_json, job.shop_storage_json), reported
    )
    return scenario, streets_name, streets, len(reported)


def _exit_with_server(server_pid: int) -> None:
    while True:
        time.sleep(0.5)
        if not pid_alive(server_pid):
            os._exit(3)
