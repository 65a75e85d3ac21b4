"""Plans over several days: stock carries over, vans bring only what hubs miss."""

from datetime import timedelta
from pathlib import Path

import pytest
from builders import small_scenario, with_inventory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_checks import check_plan
from typer.testing import CliRunner

from pickup_net.cli import app
from pickup_net.domain import Parameters, Plan, Scenario
from pickup_net.domain.scenario import MAX_FORECAST_GAP_DAYS
from pickup_net.io.scenario_loader import ScenarioError, load_scenario
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.planning import plan, plan_inputs

TINY = {"routing_time_limit_s": 0.6, "location_time_limit_s": 1.0}


def _delivered(result: Plan, day: int = 0) -> dict[tuple[str, str], float]:
    return {(s.shop_id, s.product_id): s.delivered_units for s in result.days[day].stock}


def _hub_scenario(seed: int = 2, **parameters: object) -> Scenario:
    """A small scenario that opens two hubs (60 customers, 4 shops): hubs need not pay at this
    density, so the count is fixed."""
    return small_scenario(seed, n_customers=60, n_shops=4, **{**TINY, "n_hubs": 2, **parameters})


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    horizon=st.integers(2, 3),
    lead=st.integers(0, 1),
    stocked=st.floats(0.0, 1.0),
    rule=st.sampled_from(["below_safety_level", "irp"]),
)
def test_days_balance_and_fit_on_generated_scenarios(
    seed: int, horizon: int, lead: int, stocked: float, rule: str
) -> None:
    """Opening + delivered - pickups = closing each day, never negative or above storage, and
    every day's deliveries fit its vans, with or without counted stock, with either rule."""
    base = _hub_scenario(seed, horizon_days=horizon, lead_time_days=lead, visit_rule=rule)
    counts = {
        (shop.id, product.id): int(stocked * shop.storage_liters / product.volume_liters / 4)
        for shop in base.shops
        for product in base.products
    }
    scenario = with_inventory(base, counts)
    result = plan(plan_inputs(scenario))
    check_plan(scenario, result)
    if lead:
        assert not any(_delivered(result).values()), "lead time 1: nothing delivered on day one"


def test_counted_stock_cuts_the_deliveries() -> None:
    """Units reported on the shelf are not brought again: day one delivers the level minus them."""
    scenario = _hub_scenario()
    empty = plan(plan_inputs(scenario))
    full = {(line.hub_id, line.product_id): line.units for line in empty.stock if line.units}
    assert full, "the scenario opens a hub with stock"
    half = {key: units // 2 for key, units in full.items()}
    stocked = with_inventory(scenario, half)
    counted = plan(plan_inputs(stocked))
    check_plan(stocked, counted)
    assert [h.shop_id for h in counted.hubs] == [h.shop_id for h in empty.hubs]
    before, after = _delivered(empty), _delivered(counted)
    for key, units in half.items():
        assert after[key] == max(0, before[key] - units)
    assert sum(after.values()) < sum(before.values())


@pytest.mark.parametrize("rule", ["below_safety_level", "irp"])
def test_hub_whose_stock_covers_the_horizon_is_not_visited(rule: str) -> None:
    """A hub whose shelf holds ten times its first day's level of every product, well within
    its storage, gets no van on any day of the horizon (with either visit rule)."""
    base = _hub_scenario(horizon_days=3, visit_rule=rule)
    roomy = [shop.model_copy(update={"storage_liters": 100_000.0}) for shop in base.shops]
    scenario = Scenario.model_validate({**base.model_dump(), "shops": roomy})
    probe = plan(plan_inputs(scenario))
    assert probe.hubs, "the scenario opens a hub"
    covered = probe.hubs[0].shop_id
    units = {
        (covered, line.product_id): 10 * line.units + 10
        for line in probe.stock
        if line.hub_id == covered
    }
    params = scenario.parameters.model_copy(update={"open_shops": [covered]})
    stocked = with_inventory(scenario.model_copy(update={"parameters": params}), units)
    result = plan(plan_inputs(stocked))
    check_plan(stocked, result)
    assert covered in {h.shop_id for h in result.hubs}
    for day in result.days:
        assert all(s.delivered_units == 0 for s in day.stock if s.shop_id == covered)
        visits = {v.ref.id for r in day.routes for v in r.visits if v.kind == "replenish"}
        assert covered not in visits, f"{covered} visited on {day.date}"
    others = {h.shop_id for h in result.hubs} - {covered}
    if others:
        assert any(s.delivered_units > 0 for s in result.days[0].stock if s.shop_id in others), (
            "hubs without stock are still visited"
        )


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("shop_id", "NOPE", "shop_id: 'NOPE' is not a shop id"),
        ("product_id", "ghost", "product_id: 'ghost' is not a product id"),
        ("units", "-4", "units: -4 must not be negative"),
    ],
)
def test_bad_inventory_names_file_line_field_and_value(
    tmp_path: Path, column: str, value: str, expected: str
) -> None:
    """A bad inventory.csv row is reported with file, line, field and value; nothing is written."""
    scenario = with_inventory(small_scenario(3), {("S0", "P01"): 2, ("S1", "P02"): 3})
    path = write_scenario(scenario, tmp_path / "s")
    table = tmp_path / "s" / "inventory.csv"
    lines = table.read_text().splitlines()
    cells = dict(zip(lines[0].split(","), lines[2].split(","), strict=True))
    cells[column] = value
    lines[2] = ",".join(cells.values())
    table.write_text("\n".join(lines) + "\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = "\n".join(caught.value.messages)
    assert "inventory.csv line 3" in message and expected in message, message
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["plan", str(path), "--out", str(out)])
    assert result.exit_code == 1 and expected in result.output
    assert not out.exists()


def test_inventory_round_trips_through_files(tmp_path: Path) -> None:
    """A scenario's inventory is written as inventory.csv and loads back equal."""
    scenario = with_inventory(small_scenario(3), {("S0", "P01"): 2})
    assert load_scenario(write_scenario(scenario, tmp_path / "s")).inventory == scenario.inventory


def test_cycle_days_is_refused_with_what_to_use() -> None:
    """A scenario still setting cycle_days is told to set horizon_days instead."""
    with pytest.raises(ValueError, match="set horizon_days instead"):
        Parameters.model_validate({"cycle_days": 2})


def test_days_between_history_and_plan_date_are_forecast() -> None:
    """A plan a week after the last order expects demand (forecast, not zero) and says so."""
    base = _hub_scenario()
    later = base.plan_date + timedelta(days=7)
    scenario = _hub_scenario(plan_date=later)
    result = plan(plan_inputs(scenario))
    near = plan(plan_inputs(base))
    pickups = sum(s.expected_pickups for s in result.days[0].stock)
    assert pickups > 0.5 * sum(s.expected_pickups for s in near.days[0].stock) > 0
    assert any("is forecast" in warning for warning in result.warnings)


def test_too_long_a_gap_is_refused_at_the_edge(tmp_path: Path) -> None:
    """A plan date more than the forecastable gap after the history is refused when the
    scenario is loaded, naming the parameter, the date and the limit; a gap at the limit is
    accepted."""
    base = small_scenario(2)
    last = max(o.timestamp.date() for o in base.orders)
    edge = last + timedelta(days=MAX_FORECAST_GAP_DAYS + 1)
    assert small_scenario(2, plan_date=edge).plan_date == edge
    path = write_scenario(base, tmp_path / "s")
    text = path.read_text().replace(str(base.plan_date), str(edge + timedelta(days=1)))
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = "\n".join(caught.value.messages)
    assert f"parameters.plan_date: {edge + timedelta(days=1)}" in message, message
    assert f"at most {MAX_FORECAST_GAP_DAYS} days" in message


@pytest.mark.parametrize("rule", ["irp", "daily_reload"])
def test_other_visit_rules_are_selectable(rule: str) -> None:
    """visit_rule picks inventory routing or the daily reload; the inventory-routing plan keeps
    every invariant, and the daily reload brings each open hub its whole level on day one."""
    scenario = _hub_scenario(visit_rule=rule, horizon_days=3)
    result = plan(plan_inputs(scenario))
    assert result.hubs
    if rule == "irp":
        check_plan(scenario, result)
    else:
        levels = {(s.hub_id, s.product_id): s.units for s in result.stock}
        assert _delivered(result) == {key: float(units) for key, units in levels.items()}
