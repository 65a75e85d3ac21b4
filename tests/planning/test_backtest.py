"""backtest: held-out weeks replayed against stock planned from the past only."""

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from builders import small_scenario
from typer.testing import CliRunner

from pickup_net.cli import app
from pickup_net.domain import Product
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.planning.backtest import BacktestHub, backtest

N_DAYS = 84  # 2024-01-01 .. 2024-03-24, twelve weeks
END = date(2024, 3, 25)
PRODUCTS = [
    Product(id="milk", volume_liters=1.0, weight_kg=1.0, stockout_cost=4.0, holding_cost=1.0),
    Product(id="soap", volume_liters=0.5, weight_kg=0.5, stockout_cost=2.0, holding_cost=0.5),
]
HUBS = [
    BacktestHub("north", 1e6, 10_000, [f"z{i}" for i in range(0, 10)]),
    BacktestHub("south", 1e6, 10_000, [f"z{i}" for i in range(10, 20)]),
]


def _history(seed: int = 0) -> pd.DataFrame:
    """Poisson demand of 20 zones x 2 products with a weekly pattern."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=N_DAYS)
    weekly = 1.0 + 0.5 * (days.dayofweek >= 5)
    frames = []
    for zone in range(20):
        for product, base in (("milk", 0.8), ("soap", 0.3)):
            counts = rng.poisson(base * (1 + zone % 3) * weekly)
            frames.append(
                pd.DataFrame(
                    {"zone_id": f"z{zone}", "product_id": product, "date": days, "quantity": counts}
                )[counts > 0]
            )
    return pd.concat(frames, ignore_index=True)


def test_each_week_uses_only_data_from_before_it() -> None:
    """Changing the orders of a held-out week and later changes none of that week's stock."""
    history = _history()
    base = backtest(history, HUBS, PRODUCTS, 0.9, weeks=2, end=END)
    altered = history.copy()
    later = pd.to_datetime(altered["date"]) >= pd.Timestamp(base.weeks[0].week_start)
    altered.loc[later, "quantity"] *= 5
    changed = backtest(altered, HUBS, PRODUCTS, 0.9, weeks=2, end=END)
    assert changed.weeks[0].stock == base.weeks[0].stock
    assert changed.weeks[0].demand_units > base.weeks[0].demand_units
    assert changed.weeks[1].stock != base.weeks[1].stock


def test_fill_rate_is_near_the_target_with_room_to_spare() -> None:
    """With unlimited storage the realised fill rate is close to the 90% target."""
    report = backtest(_history(seed=1), HUBS, PRODUCTS, 0.9, weeks=3).to_dict()
    assert report["fill_rate"] == pytest.approx(0.9, abs=0.04)
    for week in report["weeks"]:
        assert week["expected_fill_rate"] >= 0.9 - 1e-9


def test_report_has_weeks_errors_and_models() -> None:
    """The JSON report lists each week, the chosen vs seasonal-naive error and every model."""
    report = backtest(_history(), HUBS, PRODUCTS, 0.95, weeks=2).to_dict()
    assert report["target_service_level"] == 0.95
    assert [w["week_start"] for w in report["weeks"]] == ["2024-03-11", "2024-03-18"]
    for week in report["weeks"]:
        assert 0.0 <= week["fill_rate"] <= 1.0
        assert week["leftover_units"] == week["stock_units"] - week["served_units"]
    assert report["error"]["metric"] == "mase"
    assert report["error"]["chosen"] > 0 and report["error"]["seasonal_naive"] > 0
    assert "SeasonalNaive" in report["models"] and "CrostonSBA" in report["models"]
    assert report["error"]["chosen"] < report["error"]["seasonal_naive"]


def test_tight_storage_lowers_fill_rate_and_leftovers() -> None:
    """A hub with little storage serves less and leaves fewer units than one with plenty."""
    history = _history()
    small = [BacktestHub(h.hub_id, 3.0, 10_000, h.zone_ids) for h in HUBS]
    roomy = backtest(history, HUBS, PRODUCTS, 0.95, weeks=1).weeks[0]
    tight = backtest(history, small, PRODUCTS, 0.95, weeks=1).weeks[0]
    assert tight.fill_rate < roomy.fill_rate
    assert tight.leftover_units <= roomy.leftover_units


def test_too_many_weeks_is_rejected() -> None:
    """Holding out the whole history is an error naming weeks."""
    with pytest.raises(ValueError, match="weeks: 12 held-out weeks"):
        backtest(_history(), HUBS, PRODUCTS, 0.9, weeks=12)


def test_split_zone_demand_is_shared_not_doubled() -> None:
    """A zone shared by two hubs at half each adds its demand once to the week's total."""
    history = _history()
    whole = [BacktestHub("north", 1e6, 10_000, ["z0", "z1"])]
    split = [
        BacktestHub("north", 1e6, 10_000, {"z0": 1.0, "z1": 0.5}),
        BacktestHub("south", 1e6, 10_000, {"z1": 0.5}),
    ]
    one = backtest(history, whole, PRODUCTS, 0.9, weeks=1, end=END).weeks[0]
    two = backtest(history, split, PRODUCTS, 0.9, weeks=1, end=END).weeks[0]
    assert two.demand_units == pytest.approx(one.demand_units)


def test_cli_prints_the_report_as_json(tmp_path) -> None:
    """`backtest SCENARIO --weeks 2 --json --forecast-only` prints one JSON object, every week."""
    path = write_scenario(small_scenario(seed=3, n_customers=40, days=56), tmp_path)
    result = CliRunner().invoke(
        app, ["backtest", str(path), "--weeks", "2", "--json", "--forecast-only"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["target_service_level"] == 0.95
    assert [week["week_start"] for week in report["weeks"]] == ["2026-02-20", "2026-02-27"]
    assert {"week_start", "fill_rate", "leftover_units"} <= set(report["weeks"][0])
    assert report["error"]["metric"] == "mase"
    assert set(report["models"]) >= {"CrostonSBA", "TSB", "ADIDA", "IMAPA", "ETS", "SeasonalNaive"}
