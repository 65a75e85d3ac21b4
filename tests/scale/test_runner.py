"""Sweeps on a real LocalCluster: a broken variant is reported, finished variants are reused,
variants bounded by work equal a local plan."""

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from distributed import Client
from plan_checks import without_timing

from pickup_net.domain import Budget, Scenario
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.io.scenario_loader import load_scenario
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.planning import plan
from pickup_net.render.plan_files import plan_files
from pickup_net.scale import load_sweep, run_sweep, write_report
from pickup_net.scale.sweep import apply_overrides
from pickup_net.scale.sweep_result import VariantResult


@pytest.fixture
def hub_scenario_file(tmp_path: Path, tiny: Scenario) -> Path:
    """The tiny scenario with two hubs asked for (at its density serving everyone at home is
    cheaper, so a plan left to choose opens none), written as a sweep's base."""
    params = tiny.parameters.model_copy(update={"n_hubs": 2})
    return write_scenario(tiny.model_copy(update={"parameters": params}), tmp_path / "tiny")


def _sweep_file(folder: Path, broken_count: int) -> Path:
    spec = {
        "name": "tiny-sweep",
        "base": "tiny/scenario.yaml",
        "grid": {"parameters.max_walk_m": [300, 900]},
        "variants": [{"name": "fleet", "set": {"vehicle_types[van].count": broken_count}}],
    }
    path = folder / "tiny-sweep.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_broken_variant_is_reported_and_rerun_skips_finished(
    tiny: Scenario, hub_scenario_file: Path, tmp_path: Path, local_client: Client
) -> None:
    """One broken variant fails alone; a re-run reuses the finished ones and retries the broken."""
    sweep = load_sweep(_sweep_file(hub_scenario_file.parent.parent, broken_count=0))
    out = tmp_path / "out"
    seen: list[VariantResult] = []
    results = run_sweep(sweep, out, client=local_client, on_result=seen.append)

    assert [r.variant for r in results] == ["max_walk_m=300", "max_walk_m=900", "fleet"]
    assert [r.status for r in results] == ["ok", "ok", "failed"]
    assert "vehicle_types[0].count: 0 must be greater than 0" in results[2].error
    assert len(seen) == 3
    for result, walk_m in zip(results[:2], (300, 900), strict=True):
        folder = out / "variants" / result.variant
        plan = json.loads((folder / "plan.json").read_text())
        assert plan["kpis"] == result.kpis
        assert result.kpis["hubs_opened"] >= 1 and result.kpis["vans_used"] >= 1
        walks = [c["walk_m"] for c in plan["customers"] if c["mode"] == "pickup"]
        assert walks and max(walks) <= walk_m * 1.0001
        assert result.kpis["customers"] == len({o.customer_id for o in tiny.orders})
    finished = {r.variant: (out / "variants" / r.variant / "plan.json").stat().st_mtime_ns
                for r in results[:2]}  # fmt: skip

    fixed = load_sweep(_sweep_file(hub_scenario_file.parent.parent, broken_count=3))
    again = run_sweep(fixed, out, client=local_client)
    assert [r.status for r in again] == ["reused", "reused", "ok"]
    assert again[0].kpis == results[0].kpis
    for name, mtime in finished.items():
        assert (out / "variants" / name / "plan.json").stat().st_mtime_ns == mtime

    csv_path, html_path = write_report(again, fixed.parameters, out, "tiny sweep")
    table = pd.read_csv(csv_path)
    assert list(table["variant"]) == ["max_walk_m=300", "max_walk_m=900", "fleet"]
    assert list(table["total_cost"]) == [r.kpis["total_cost"] for r in again]
    assert html_path.read_text().count("<svg") == 3


def test_identical_variants_and_a_local_plan_are_equal_under_work(
    tiny: Scenario, tmp_path: Path, local_client: Client
) -> None:
    """Two identical sweep variants planned on Dask workers (one process each) and a local plan
    with two processes give the same plan.json apart from timing fields, given search_work."""
    base = tiny.model_copy(
        update={
            "parameters": tiny.parameters.model_copy(
                update={"search_work": 20, "routing_engine": "auto"}
            )
        }
    )
    write_scenario(base, tmp_path / "tiny")
    spec = {
        "name": "twins",
        "base": "tiny/scenario.yaml",
        "variants": [
            {"name": name, "set": {"parameters.max_walk_m": 900}} for name in ("one", "two")
        ],
    }
    sweep_path = tmp_path / "twins.yaml"
    sweep_path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out = tmp_path / "out"
    results = run_sweep(load_sweep(sweep_path), out, client=local_client)
    assert [r.status for r in results] == ["ok", "ok"]
    one, two = (
        without_timing(json.loads((out / "variants" / name / "plan.json").read_text()))
        for name in ("one", "two")
    )
    scenario = load_scenario(tmp_path / "tiny" / "scenario.yaml")
    local = plan(
        load_inputs(apply_overrides(scenario, {"parameters.max_walk_m": 900})),
        Budget(processes=2),
    )
    assert one == two == without_timing(json.loads(plan_files(local, scenario)["plan.json"]))
