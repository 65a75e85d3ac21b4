"""forecast_demand: model choice, sparse groups, catchment sums and input checks."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pickup_net.forecast import CycleDemand, forecast_demand

START = date(2024, 4, 1)  # 91 days after 2024-01-01
DAYS = 91


def test_smooth_series_forecast_near_true_rate(make_history) -> None:
    """A steady Poisson(4) series gets its own model and a forecast close to 4 units a day."""
    forecast = forecast_demand(make_history({("z1", "p1"): 4.0}, DAYS), START, horizon_days=7)
    row = forecast.table.iloc[0]
    assert not row["model"].startswith("group:")
    assert row["mean_per_day"] == pytest.approx(4.0, abs=0.8)
    assert row["cycle_mean"] == pytest.approx(7 * row["mean_per_day"], rel=0.2)


def test_weekly_pattern_is_won_by_a_seasonal_model() -> None:
    """Demand only on weekends is forecast by a seasonal model, weekends high and weekdays low."""
    days = pd.date_range("2024-01-01", periods=DAYS)
    weekend = days.dayofweek >= 5
    history = pd.DataFrame(
        {"zone_id": "z", "product_id": "p", "date": days[weekend], "quantity": 10.0}
    )
    forecast = forecast_demand(history, START, horizon_days=7)
    assert forecast.table["model"].iloc[0] in {"SeasonalNaive", "SeasonalES", "SeasonalWindowAvg"}
    daily = forecast.daily_mean[0]
    forecast_days = pd.date_range(START, periods=7)
    assert daily[forecast_days.dayofweek >= 5].min() > 8.0
    assert daily[forecast_days.dayofweek < 5].max() < 2.0


def test_sparse_zones_share_their_group_forecast(make_history) -> None:
    """Very sparse zones are forecast through their product's group, and the shares add up."""
    rates = {(f"z{i}", "p"): 0.03 for i in range(30)}
    forecast = forecast_demand(make_history(rates, DAYS, seed=3), START, horizon_days=1)
    table = forecast.table
    assert table["model"].str.startswith("group:").all()
    group_total = forecast.group_daily_mean[0, 0]
    assert table["cycle_mean"].sum() == pytest.approx(group_total)
    assert group_total == pytest.approx(30 * 0.03, rel=0.6)


def test_catchment_is_the_sum_of_its_zones(make_history) -> None:
    """A catchment's mean per product is the sum of its zones' cycle means (bottom-up)."""
    rates = {("a", "p"): 3.0, ("b", "p"): 2.0, ("c", "q"): 1.0}
    rates |= {(f"s{i}", "p"): 0.05 for i in range(10)}
    forecast = forecast_demand(make_history(rates, DAYS, seed=1), START, horizon_days=2)
    zones = ["a", "b", "c", "s1", "s2", "unknown"]
    demand = forecast.catchment(zones)
    table = forecast.table[forecast.table["zone_id"].isin(zones)]
    for product, cycle in demand.items():
        expected = table.loc[table["product_id"] == product, "cycle_mean"].sum()
        assert cycle.mean == pytest.approx(expected)
        assert cycle.variance >= cycle.mean - 1e-9
    assert set(demand) == {"p", "q"}


def test_zone_without_history_has_no_demand(make_history) -> None:
    """A zone absent from the history has an empty catchment and zero mean per day."""
    forecast = forecast_demand(make_history({("z", "p"): 1.0}, DAYS), START)
    assert forecast.catchment(["nowhere"]) == {}
    assert forecast.zone_mean_per_day("nowhere") == 0.0


def test_short_history_uses_the_historic_mean(make_history) -> None:
    """A history too short for cross-validation is forecast by its mean."""
    history = make_history({("z", "p"): 2.0}, 20)
    forecast = forecast_demand(history, date(2024, 1, 21))
    expected = history["quantity"].sum() / 20
    assert forecast.table["model"].iloc[0] == "HistoricMean"
    assert forecast.table["mean_per_day"].iloc[0] == pytest.approx(expected)


def test_empty_history_gives_an_empty_forecast() -> None:
    """No history at all is not an error: nothing is forecast."""
    empty = pd.DataFrame(columns=["zone_id", "product_id", "date", "quantity"])
    forecast = forecast_demand(empty, START)
    assert forecast.table.empty
    assert forecast.catchment(["z"]) == {}


def test_future_rows_are_rejected(make_history) -> None:
    """A row dated on or after the forecast start is an error naming the date."""
    history = make_history({("z", "p"): 1.0}, DAYS)
    with pytest.raises(
        ValueError, match=r"history\.date: 2024-03-\d\d is not before start 2024-03-01"
    ):
        forecast_demand(history, date(2024, 3, 1))


def test_negative_quantity_is_rejected(make_history) -> None:
    """A negative quantity is an error naming the field and value."""
    history = make_history({("z", "p"): 1.0}, DAYS)
    history.loc[0, "quantity"] = -2
    with pytest.raises(ValueError, match=r"history\.quantity: -2"):
        forecast_demand(history, START)


def test_missing_column_is_rejected() -> None:
    """A history without a quantity column is an error naming the column."""
    history = pd.DataFrame({"zone_id": ["z"], "product_id": ["p"], "date": [pd.Timestamp(START)]})
    with pytest.raises(ValueError, match="quantity"):
        forecast_demand(history, START)


def test_horizon_shorter_than_cycle_is_rejected(make_history) -> None:
    """A cycle longer than the horizon is an error naming horizon_days."""
    with pytest.raises(ValueError, match="horizon_days: 1"):
        forecast_demand(make_history({("z", "p"): 1.0}, DAYS), START, horizon_days=1, cycle_days=3)


def test_dispersion_tracks_overdispersed_demand() -> None:
    """Bursty demand (negative binomial) gets a variance well above its mean; Poisson does not."""
    rng = np.random.default_rng(7)
    days = pd.date_range("2024-01-01", periods=DAYS)
    bursty = rng.negative_binomial(1, 1 / 6, DAYS)  # mean 5, variance 30
    steady = rng.poisson(5, DAYS)
    history = pd.concat(
        [
            pd.DataFrame({"zone_id": "b", "product_id": "p", "date": days, "quantity": bursty}),
            pd.DataFrame({"zone_id": "s", "product_id": "p", "date": days, "quantity": steady}),
        ]
    )
    table = forecast_demand(history, START).table.set_index("zone_id")
    assert table.loc["b", "dispersion"] > 3.0
    assert table.loc["s", "dispersion"] < 2.0


def test_zone_shares_thin_the_catchment(make_history) -> None:
    """A zone split between hubs contributes its share of the mean; whole zones match a list."""
    rates = {("a", "p"): 3.0, ("b", "p"): 2.0}
    forecast = forecast_demand(make_history(rates, DAYS, seed=2), START)
    whole = forecast.catchment(["a", "b"])["p"]
    as_map = forecast.catchment({"a": 1.0, "b": 1.0})["p"]
    half = forecast.catchment({"a": 0.5, "b": 1.0})["p"]
    zone_a = forecast.catchment(["a"])["p"]
    assert as_map == whole
    assert half.mean == pytest.approx(whole.mean - 0.5 * zone_a.mean)
    with pytest.raises(ValueError, match=r"zone_ids\['a'\]: share 1\.5"):
        forecast.catchment({"a": 1.5})


def test_table_quantiles_match_the_cycle_distribution(make_history) -> None:
    """The table's 90% and 95% cycle quantiles are those of CycleDemand(mean, var)."""
    rates = {("a", "p"): 3.0} | {(f"s{i}", "p"): 0.05 for i in range(8)}
    table = forecast_demand(make_history(rates, DAYS, seed=4), START, horizon_days=3).table
    for row in table.itertuples():
        demand = CycleDemand(row.cycle_mean, row.cycle_var)
        assert row.cycle_p90 == demand.quantile(0.90)
        assert row.cycle_p95 == demand.quantile(0.95)


def test_describe_names_the_models_per_product(make_history) -> None:
    """describe() says, per product, how many zones and which models forecast them."""
    rates = {("a", "p"): 3.0} | {(f"s{i}", "p"): 0.05 for i in range(8)}
    forecast = forecast_demand(make_history(rates, DAYS, seed=4), START)
    note = forecast.describe(["a", "s1", "s2"])["p"]
    assert note.startswith("3 zones with history") and "sparse-group" in note
