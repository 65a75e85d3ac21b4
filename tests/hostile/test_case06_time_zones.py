"""Issue 19 case 6: mixed, foreign and epoch timestamps follow the scenario's `timezone` rule."""

from datetime import datetime, timedelta
from pathlib import Path

import httpx
import yaml
from builders import edit_csv, small_scenario
from service.api_helpers import wait_for
from typer.testing import CliRunner

from hostile.files import errors
from pickup_net.cli import app
from pickup_net.io.scenario_loader import load_scenario
from pickup_net.planning import plan, plan_inputs


def _set_timezone(path: Path, zone: str) -> None:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["timezone"] = zone
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")


def test_case06_mixed_offsets_are_converted_to_the_scenario_zone_and_plan(folder: Path) -> None:
    """Case 6: orders mixing `+05:00` and `Z` load as naive Bogotá times, and the plan runs and
    states its zone."""
    _set_timezone(folder, "America/Bogota")
    orders = folder.parent / "orders.csv"
    edit_csv(orders, 0, "timestamp", "2026-02-21T10:00:00+05:00")
    edit_csv(orders, 1, "timestamp", "2026-02-21T10:00:00Z")
    scenario = load_scenario(folder)
    assert scenario.timezone == "America/Bogota"
    assert scenario.orders[0].timestamp == datetime(2026, 2, 21, 0, 0)
    assert scenario.orders[1].timestamp == datetime(2026, 2, 21, 5, 0)
    assert all(order.timestamp.tzinfo is None for order in scenario.orders)
    quick = scenario.parameters.model_copy(
        update={"location_time_limit_s": 2.0, "routing_time_limit_s": 2.0}
    )
    result = plan(plan_inputs(scenario.model_copy(update={"parameters": quick})))
    assert result.kpis.customers > 0
    assert result.timezone == "America/Bogota", "the plan states the zone of its times"


def test_case06_all_orders_at_minus_five_build_the_history(folder: Path) -> None:
    """Case 6: every order at `-05:00` in a UTC scenario becomes UTC wall time, history builds."""
    orders = folder.parent / "orders.csv"
    scenario = load_scenario(folder)
    for row, order in enumerate(scenario.orders):
        edit_csv(orders, row, "timestamp", order.timestamp.isoformat() + "-05:00")
    shifted = load_scenario(folder)
    assert shifted.timezone == "UTC"
    assert shifted.orders[0].timestamp - scenario.orders[0].timestamp == timedelta(hours=5)
    history = plan_inputs(shifted).history
    assert len(history.orders) == len(shifted.orders)


def test_case06_epoch_seconds_are_utc_instants(folder: Path) -> None:
    """Case 6: an epoch-seconds timestamp is read as a UTC instant and shown in the zone."""
    _set_timezone(folder, "Asia/Kolkata")
    edit_csv(folder.parent / "orders.csv", 0, "timestamp", "1771668000")
    scenario = load_scenario(folder)
    assert scenario.orders[0].timestamp == datetime(2026, 2, 21, 15, 30)
    assert len(plan_inputs(scenario).history.orders) == len(scenario.orders)


def test_case06_unknown_zone_is_refused_by_validate(folder: Path) -> None:
    """Case 6: a `timezone` that is not an IANA name is refused by `validate` naming it."""
    _set_timezone(folder, "Mars/Olympus_Mons")
    assert any("timezone" in m and "'Mars/Olympus_Mons'" in m for m in errors(folder))
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1 and "Mars/Olympus_Mons" in result.output


def test_case06_validate_states_the_zone(folder: Path) -> None:
    """Case 6: `validate` says which zone the order times are in (UTC by default)."""
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0 and "times in UTC" in result.output


def test_case06_api_plans_mixed_offsets_and_refuses_a_bad_zone(client: httpx.Client) -> None:
    """Case 6: through the API mixed offsets are planned; a bad zone is a 422 naming it."""
    body = small_scenario(seed=6, n_customers=10, n_shops=3, days=14).model_dump(mode="json")
    body["orders"][0]["timestamp"] = "2026-02-21T10:00:00+05:00"
    body["orders"][1]["timestamp"] = "2026-02-21T10:00:00Z"
    body["orders"][2]["timestamp"] = 1771668000
    created = client.post("/scenarios", json=body)
    assert created.status_code == 201, created.text
    job = client.post(f"/scenarios/{created.json()['id']}/plans")
    assert job.status_code in (201, 202), job.text
    assert wait_for(client, job.json()["id"])["status"] == "done"
    body["timezone"] = "Europe/Atlantis"
    refused = client.post("/scenarios", json=body)
    assert refused.status_code == 422
    assert any(
        item["loc"][-1] == "timezone" and "Europe/Atlantis" in item["msg"]
        for item in refused.json()["detail"]
    ), refused.text


def test_case06_times_beyond_pandas_range_are_refused_with_line(folder: Path) -> None:
    """Case 6: an order in year 9999 (or epoch milliseconds read as year 5138) names its line."""
    orders = folder.parent / "orders.csv"
    edit_csv(orders, 0, "timestamp", "9999-12-31T23:00:00")
    edit_csv(orders, 1, "timestamp", "99999999999999")
    messages = errors(folder)
    assert any(m.startswith("orders.csv line 2 (") and "not in the years 1900-2199" in m
               for m in messages), messages  # fmt: skip
    assert any(m.startswith("orders.csv line 3 (") and "5138-11-16" in m for m in messages)
