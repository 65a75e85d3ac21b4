"""A city planned on a real Dask cluster (a scheduler and two worker programs) equals the
LocalCluster run."""

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client
from plan_checks import without_timing

import pickup_net
from pickup_net.domain import Scenario
from pickup_net.io.plan_writer import write_plan
from pickup_net.scale import city_location, plan_city

DASK = Path(sys.executable).parent / "dask"
SOURCE = Path(pickup_net.__file__).resolve().parents[1]
DASK_CONFIG = SOURCE.parent / "deploy" / "dask-config"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """`dask scheduler` and two single-threaded `dask worker` programs on free local ports,
    importing this checkout's code and configured as the README shows; stopped at the end."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = {
        **os.environ,
        "DASK_CONFIG": str(DASK_CONFIG),
        "PYTHONPATH": os.pathsep.join([str(SOURCE), os.environ.get("PYTHONPATH", "")]),
    }
    programs = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
             "--no-dashboard"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    ]  # fmt: skip
    try:
        programs += [
            subprocess.Popen(
                [str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1",
                 "--no-dashboard", "--name", f"worker-{i}"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            for i in (1, 2)
        ]  # fmt: skip
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
            assert len(client.scheduler_info()["workers"]) == 2
        yield address
    finally:
        for program in reversed(programs):
            program.terminate()
        for program in programs:
            try:
                program.wait(timeout=30)
            except subprocess.TimeoutExpired:
                program.kill()
                program.wait()


def test_workers_keep_glibc_memory_thresholds(scheduler: str, local_client: Client) -> None:
    """Workers of the local cluster and of `dask worker` started with the shipped configuration
    run without Dask's `MALLOC_TRIM_THRESHOLD_` (which halves a solver's steps) and keep its
    one-thread BLAS."""
    with Client(scheduler, timeout="60s") as client:
        for each in (client, local_client):
            environs = each.run(lambda: dict(os.environ)).values()
            assert len(environs) == 2
            for environ in environs:
                assert "MALLOC_TRIM_THRESHOLD_" not in environ
                assert environ["OPENBLAS_NUM_THREADS"] == "1"


def _plan_json(plan_dir: Path) -> dict:
    """plan.json without its timing fields (the join's wall time included)."""
    document = without_timing(json.loads((plan_dir / "plan.json").read_text(encoding="utf-8")))
    document["stages"]["districts"]["details"].pop("wall_seconds")
    return document


def test_cluster_run_equals_local_cluster_run(
    tiny: Scenario, scheduler: str, local_client: Client, tmp_path: Path
) -> None:
    """With a work limit, two districts planned on the scheduler's separate worker programs give
    the same plan.json as on the LocalCluster, every district on a worker."""
    params = tiny.parameters.model_copy(  # the work limit binds, not the clock
        update={"search_work": 1_000, "location_time_limit_s": 60, "routing_time_limit_s": 60}
    )
    city = tiny.model_copy(update={"parameters": params})
    write_plan(plan_city(city, 2, scheduler=scheduler), tmp_path / "cluster")
    write_plan(plan_city(city, 2, client=local_client), tmp_path / "local")
    cluster, local = _plan_json(tmp_path / "cluster"), _plan_json(tmp_path / "local")
    assert len(cluster["stages"]["districts"]["details"]["districts"]) == 2
    assert cluster == local


def test_areas_and_whole_model_on_the_cluster_equal_the_local_run(
    tiny: Scenario,
    scheduler: str,
    local_client: Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With its walking component taken as too large, the city's location model is solved as
    areas and bounded whole on the workers: the scheduler's worker programs give the plan.json
    of the LocalCluster."""
    monkeypatch.setattr(city_location, "WHOLE_PAIRS", 0)
    params = tiny.parameters.model_copy(
        update={"search_work": 1_000, "location_time_limit_s": 60, "routing_time_limit_s": 60}
    )
    city = tiny.model_copy(update={"parameters": params})
    write_plan(plan_city(city, 2, scheduler=scheduler), tmp_path / "cluster")
    write_plan(plan_city(city, 2, client=local_client), tmp_path / "local")
    cluster, local = _plan_json(tmp_path / "cluster"), _plan_json(tmp_path / "local")
    assert cluster["stages"]["location"]["details"]["decomposition"].startswith("areas joined")
    assert cluster == local
