"""A peak the vans cannot carry on the day is stocked on the days before, and the plan says so."""

import json
from datetime import time, timedelta
from pathlib import Path

import pytest
from builders import small_scenario
from plan_checks import check_plan
from typer.testing import CliRunner

from pickup_net.cli import app
from pickup_net.domain import Plan, Scenario
from pickup_net.domain.scenario import CalendarEvent
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.planning import plan, plan_inputs
from pickup_net.render.build_up import build_up_lines
from pickup_net.render.plan_files import plan_files

PEAK_DAY = 3
"""The promotion's day in the 5-day horizon (a Monday)."""
VAN_LITERS = 300.0
"""One van, one trip a day: enough for an ordinary day's homes and hub refills, not the peak's."""


def _scenario(peak: bool, **parameters: object) -> Scenario:
    """Two hubs forced open among three shops, 120 customers mostly walking to them, one small
    van; with `peak`, a promotion at four times the usual demand on day `PEAK_DAY`."""
    base = small_scenario(
        2,
        n_customers=120,
        n_shops=3,
        open_shops=["S0", "S1"],
        horizon_days=5,
        visit_rule="irp",
        home_delivery_cost=20_000,
        max_walk_m=2_500,
        search_work=5,
        **{"max_trips_per_van": 1, **parameters},
    )
    day = base.parameters.plan_date + timedelta(days=PEAK_DAY)
    vans = [
        v.model_copy(update={"count": 1, "capacity_liters": VAN_LITERS}) for v in base.vehicle_types
    ]
    events = [CalendarEvent(date=day, name="Promo", uplift=4.0)] if peak else []
    return base.model_copy(update={"vehicle_types": vans, "events": events})


@pytest.fixture(scope="module")
def plans() -> dict[bool, tuple[Scenario, Plan]]:
    """The scenario planned with and without its promotion."""
    out = {}
    for peak in (True, False):
        scenario = _scenario(peak)
        out[peak] = scenario, plan(plan_inputs(scenario))
    return out


def _eve_stock(result: Plan) -> float:
    """Units on the hubs' shelves at the end of the day before the peak."""
    return sum(s.closing_units for s in result.days[PEAK_DAY - 1].stock)


def test_peak_short_of_vans_is_stocked_before(plans: dict[bool, tuple[Scenario, Plan]]) -> None:
    """With the promotion the hubs hold more on its eve than without it, every stop of every day
    is routed, no van trip is over capacity and every shelf fits its storage."""
    (scenario, peaked), (_, ordinary) = plans[True], plans[False]
    assert [h.shop_id for h in peaked.hubs] == [h.shop_id for h in ordinary.hubs]
    assert _eve_stock(peaked) > _eve_stock(ordinary) + 1.0, "stock built up before the peak"
    check_plan(scenario, peaked)
    assert not [w for w in peaked.warnings if "could not be routed" in w], "no stop dropped"
    assert not [u for u in peaked.unassigned if u.kind in ("home", "replenish")]
    volume = {p.id: p.volume_liters for p in scenario.products}
    storage = {s.id: s.storage_liters for s in scenario.shops}
    for day in peaked.days:
        for route in day.routes:
            assert max(v.load_liters for v in route.visits) <= VAN_LITERS + 1e-6
        for hub in peaked.hubs:
            held = sum(
                (s.opening_units + s.delivered_units) * volume[s.product_id]
                for s in day.stock
                if s.shop_id == hub.shop_id
            )
            assert held <= storage[hub.shop_id] + 1e-6, f"{hub.shop_id} on {day.date} in storage"


def test_build_up_is_said_on_the_terminal_and_the_shop_files(
    plans: dict[bool, tuple[Scenario, Plan]],
) -> None:
    """The plan with the promotion prints a build-up line naming it and its eve, and a hub's
    shop file asks to keep units ready by the peak's weekday; the plan without prints none."""
    (scenario, peaked), (_, ordinary) = plans[True], plans[False]
    lines = build_up_lines(peaked)
    assert len(lines) == 1 and lines[0].startswith("Build-up for Promo (Monday"), lines
    assert "by Sunday evening" in lines[0]
    assert build_up_lines(ordinary) == []
    files = plan_files(peaked, scenario)
    messages = [
        peak["message"]
        for hub in peaked.hubs
        for peak in json.loads(files[f"shops/{hub.shop_id}.json"])["peaks"]
    ]
    assert messages and all("units ready by Monday (Promo" in m for m in messages), messages


def test_trips_the_shift_cannot_hold_are_planned_again() -> None:
    """A van allowed three trips but working three hours makes one: the days whose routing left
    stops out are planned again at what was routed, so every stop is routed and the peak's stock
    comes on the days before."""
    scenario = _scenario(True, max_trips_per_van=3)
    short = [
        v.model_copy(update={"capacity_liters": 200.0, "shift_end": time(10)})
        for v in scenario.vehicle_types
    ]
    scenario = scenario.model_copy(update={"vehicle_types": short})
    result = plan(plan_inputs(scenario))
    check_plan(scenario, result)
    assert not [w for w in result.warnings if "could not be routed" in w], "no stop dropped"
    assert not [u for u in result.unassigned if u.kind in ("home", "replenish")]
    assert build_up_lines(result)[0].startswith("Build-up for Promo")


def test_plan_command_prints_the_build_up(tmp_path: Path) -> None:
    """`pickup-net plan` on the scenario with the promotion prints its build-up line."""
    path = write_scenario(_scenario(True), tmp_path / "s")
    result = CliRunner().invoke(app, ["plan", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Build-up for Promo (Monday 2026-03-09)" in " ".join(result.output.split())
