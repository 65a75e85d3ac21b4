"""The rolling backtest: held-out weeks planned from the past, run against real pickups."""

import json
from pathlib import Path

import pytest
from builders import small_scenario
from typer.testing import CliRunner

from pickup_net.cli import app
from pickup_net.domain import Budget
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.planning.rolling import OperationResult, replay_operation

LIMITS = {"routing_time_limit_s": 0.6, "location_time_limit_s": 1.0}


@pytest.fixture(scope="module")
def replayed() -> OperationResult:
    """Two held-out weeks of a small scenario with two hubs (the first week's kept), both
    policies."""
    scenario = small_scenario(3, n_customers=60, n_shops=4, days=56, n_hubs=2, **LIMITS)
    return replay_operation(scenario, None, 2, Budget(work=30), keep_hubs=True)


def test_inventory_carries_over_from_week_to_week(replayed: OperationResult) -> None:
    """Inventory routing starts empty, each week starts with what the last one left (at hubs
    still open; the rest counted as stranded), and each week balances: start + delivered -
    picked up = end."""
    weeks = [w for w in replayed.weeks if w.policy == "irp"]
    assert weeks[0].start_on_hand_units == 0 and weeks[0].stranded_units == 0
    carried = weeks[1].start_on_hand_units + weeks[1].stranded_units
    assert carried == pytest.approx(weeks[0].end_on_hand_units)
    assert all(w.hubs == weeks[0].hubs for w in replayed.weeks), "the first week's hubs kept"
    assert weeks[1].stranded_units == 0
    assert weeks[0].end_on_hand_units > 0, "something is left on the shelves to carry over"
    for week in weeks:
        balance = week.start_on_hand_units + week.units_delivered - week.served_units
        assert balance == pytest.approx(week.end_on_hand_units)
        assert 0 <= week.served_units <= week.demand_units


def test_daily_reload_brings_full_levels_every_day(replayed: OperationResult) -> None:
    """The old policy starts every week empty and brings far more litres than inventory routing,
    with more hub visits, for the same real demand."""
    irp = replayed.totals("irp")
    reload = replayed.totals("daily_reload")
    assert all(w.start_on_hand_units == 0 for w in replayed.weeks if w.policy == "daily_reload")
    assert reload["liters_delivered"] > 2 * irp["liters_delivered"]
    assert reload["hub_visits"] > irp["hub_visits"]
    assert irp["liters_picked_up"] <= irp["liters_delivered"] + 1e-6


def test_too_many_weeks_is_refused() -> None:
    """Holding out more weeks than the orders cover says so, naming the field."""
    scenario = small_scenario(3, n_customers=20, days=14, **LIMITS)
    with pytest.raises(ValueError, match="weeks: 3 held-out weeks start"):
        replay_operation(scenario, None, 3, Budget(work=10))


def test_cli_writes_the_operation_csv_and_markdown(tmp_path: Path) -> None:
    """`backtest --hubs 2 --replan-every 0 --out DIR --json` reports the week as planned and the
    daily reload, and writes backtest.csv/.md."""
    scenario = small_scenario(3, n_customers=40, n_shops=4, days=42, **LIMITS)
    path = write_scenario(scenario, tmp_path / "s")
    out = tmp_path / "out"
    args = ["--weeks", "1", "--hubs", "2", "--work", "20", "--replan-every", "0"]
    args += ["--out", str(out), "--json"]
    result = CliRunner().invoke(app, ["backtest", str(path), *args])
    assert result.exit_code == 0, result.output
    operation = json.loads(result.stdout)["operation"]
    assert set(operation["policies"]) == {"irp", "daily_reload"}
    assert [w["policy"] for w in operation["weeks"]] == ["irp", "daily_reload"]
    assert (out / "backtest.csv").read_text().startswith("policy,week_start,hubs")
    assert "| fill_rate |" in (out / "backtest.md").read_text()


def test_cli_refuses_an_unknown_forced_shop(tmp_path: Path) -> None:
    """A forced hub that is not a shop is refused with its value, before any planning."""
    path = write_scenario(small_scenario(3, n_customers=20, days=28, **LIMITS), tmp_path / "s")
    result = CliRunner().invoke(app, ["backtest", str(path), "--open-shops", "NOPE"])
    assert result.exit_code == 1
    assert "NOPE" in result.output and "Traceback" not in result.output
