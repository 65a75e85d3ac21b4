"""The bundled Fontibón scenario end to end: a real street graph, real solvers, every output."""

import json
from pathlib import Path

import pytest
from builders import BUNDLED
from plan_checks import check_plan
from typer.testing import CliRunner

from pickup_net.cli import app
from pickup_net.domain import Plan
from pickup_net.io.scenario_loader import load_scenario

FAST = {"location_time_limit_s": 5.0, "routing_time_limit_s": 3.0, "routing_engine": "ortools"}
HUBS = {"n_hubs": 5, "home_delivery_cost": 6000}
"""Hubs do not pay on the bundled scenario (its plan serves everyone at home), so these tests ask
for five and price a home delivery at an explicit 6,000 COP (so that customers walk to them), to
exercise hubs, stock and shop files end to end."""


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Plan the bundled scenario once through the CLI (shorter solver limits)."""
    folder = tmp_path_factory.mktemp("bundled")
    scenario_yaml = folder / "scenario.yaml"
    text = (BUNDLED / "scenario.yaml").read_text()
    for key, value in {**FAST, **HUBS}.items():
        text += f"  {key}: {value}\n"
    scenario_yaml.write_text(text.replace("streets: ", f"streets: {BUNDLED}/"))
    for csv in BUNDLED.glob("*.csv"):
        (folder / csv.name).write_bytes(csv.read_bytes())
    out = folder / "out"
    result = CliRunner().invoke(
        app, ["plan", str(scenario_yaml), "--out", str(out), "--cache-dir", str(folder / "c")]
    )
    assert result.exit_code == 0, result.output
    return scenario_yaml, {"out": out, "output": result.output}


def test_bundled_plan_invariants(planned: tuple[Path, dict]) -> None:
    """On the real scenario every invariant holds and hubs, routes and stock exist."""
    scenario_yaml, run = planned
    plan = Plan.model_validate_json((run["out"] / "plan.json").read_text())
    check_plan(load_scenario(scenario_yaml), plan)
    assert plan.kpis.hubs_opened > 0 and plan.kpis.vans_used > 0
    assert plan.kpis.units_prepositioned > 0
    assert "hubs opened" in run["output"] and "total cost" in run["output"]
    assert {b.name for b in plan.baselines} == {"all_home", "greedy"}
    assert "all-home baseline" in run["output"] and "round 1" in run["output"]
    first = plan.stages["location"].details["rounds"][0]["hubs"][0]
    assert f"[{first}, " in run["output"], "round 1's hub ids are printed, not taken as markup"


def test_bundled_outputs_follow_streets(planned: tuple[Path, dict]) -> None:
    """routes.geojson lines start and end at the depot and pass through every stop."""
    _, run = planned
    out = run["out"]
    plan = json.loads((out / "plan.json").read_text())
    depot = plan["depots"][0]
    routes = json.loads((out / "routes.geojson").read_text())["features"]
    lines = [f for f in routes if f["properties"]["kind"] == "route"]
    assert lines
    for line in lines:
        coords = line["geometry"]["coordinates"]
        assert len(coords) > len(line["properties"]["stops"]) + 2, "follows streets, not stops"
        assert coords[0] == pytest.approx([depot["lon"], depot["lat"]], abs=1e-9)
        assert coords[-1] == pytest.approx([depot["lon"], depot["lat"]], abs=1e-9)
    hubs = json.loads((out / "hubs.geojson").read_text())["features"]
    assert {f["properties"]["kind"] for f in hubs} >= {"hub", "catchment", "link"}
    hub_ids = {hub["shop_id"] for hub in plan["hubs"]}
    for shop_id in plan["candidate_shops"]:
        shop = json.loads((out / "shops" / f"{shop_id}.json").read_text())
        assert shop["is_hub"] == (shop_id in hub_ids)
        if shop.get("van") is not None:
            assert shop["van"]["arrival_window"][0] <= shop["van"]["arrival"]
    assert any(shop_file.read_text().count('"van": {') for shop_file in (out / "shops").iterdir())
    html = (out / "map.html").read_text()
    assert ("cdn.jsdelivr" not in html and "L.map(" in html) or "L.map" in html
