"""`pickup-net plan --work N` in a fresh interpreter writes the plan.json a library call makes."""

import json
import os
import subprocess
import sys
from pathlib import Path

from builders import small_scenario
from plan_checks import without_timing

from pickup_net.domain import Budget
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.io.scenario_loader import load_scenario
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.planning import plan
from pickup_net.render.plan_files import plan_files

WORK = 15


def test_cli_plan_with_work_equals_a_library_call(tmp_path: Path) -> None:
    """The CLI (its own process, another hash seed, every core) and a one-process library call
    with the same work give the same plan.json apart from timing fields."""
    scenario = small_scenario(11, 25, routing_engine="auto", horizon_days=3)
    path = write_scenario(scenario, tmp_path / "scenario")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pickup_net.cli", "plan", str(path), "--out", str(out)]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [*command, "--work", str(WORK), "--cache-dir", str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "not reproducible" not in done.stderr
    from_cli = json.loads((out / "plan.json").read_text())

    loaded = load_scenario(path)
    result = plan(load_inputs(loaded), Budget(processes=1, work=WORK))
    from_library = json.loads(plan_files(result, loaded)["plan.json"])
    assert without_timing(from_cli) == without_timing(from_library)
    assert from_cli["stages"]["routing"]["details"]["reproducible"]
