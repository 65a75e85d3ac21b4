"""The worker process of one plan job: runs the pipeline and reports over a pipe.

It is forked from a preloaded fork server, so the heavy imports happen once. It stops the plan
when asked (through the progress callback) and exits at once if the server process dies, so
that a job is never run twice at once.
"""

import os
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

from pickup_net.domain import Scenario
from pickup_net.planning import plan
from pickup_net.render.plan_files import plan_files
from pickup_net.service.processes import pid_alive


class PlanCancelled(Exception):
    """Raised inside the progress callback to stop a plan that was cancelled."""


def run_plan(
    scenario_json: str,
    streets_name: str | None,
    streets: bytes | None,
    conn: Connection,
    cancel: Event,
    server_pid: int,
) -> None:
    """Plan the scenario and send ("progress", stage, fraction) messages, then one of
    ("done", files), ("failed", message) or ("cancelled",)."""
    threading.Thread(target=_exit_with_server, args=(server_pid,), daemon=True).start()

    def progress(stage: str, fraction: float) -> None:
        if cancel.is_set():
            raise PlanCancelled
        conn.send(("progress", stage, float(fraction)))

    try:
        scenario = Scenario.model_validate_json(scenario_json)
        with tempfile.TemporaryDirectory(prefix="pickup-net-job-") as tmp:
            if streets is not None and streets_name:
                path = Path(tmp) / Path(streets_name).name
                path.write_bytes(streets)
                scenario = scenario.model_copy(update={"streets_file": str(path)})
            result = plan(scenario, progress=progress)
        files = plan_files(result, scenario)
    except PlanCancelled:
        conn.send(("cancelled",))
        return
    except Exception as error:  # every failure of the plan is reported to the planner
        conn.send(("failed", f"{type(error).__name__}: {error}"))
        return
    conn.send(("done", files))


def _exit_with_server(server_pid: int) -> None:
    while True:
        time.sleep(0.5)
        if not pid_alive(server_pid):
            os._exit(3)
