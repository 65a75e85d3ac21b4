"""Sweeps on a real LocalCluster: a broken variant is reported, finished variants are reused."""

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from distributed import Client

from pickup_net.domain import Scenario
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.scale import load_sweep, run_sweep, write_report
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
