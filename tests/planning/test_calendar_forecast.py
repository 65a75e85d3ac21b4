"""The plan's forecast takes the scenario's calendar: a declared uplift changes only its dates and
products, a history without calendar effects forecasts the same with the calendar on, and the plan
reports each day's calendar and every change."""

from datetime import date, timedelta
from functools import cache

import numpy as np
from builders import small_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from pickup_net.domain import Budget, Scenario
from pickup_net.forecast import DemandForecast, forecast_demand
from pickup_net.planning import order_history, plan, plan_inputs
from pickup_net.planning.demand_days import forecast_window, scenario_calendar

HORIZON_DAYS = 4
PRODUCTS = ("P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08")


def _with(scenario: Scenario, **fields: object) -> Scenario:
    """`scenario` with top-level fields or parameters replaced (validated again)."""
    data = scenario.model_dump(mode="json")
    for key, value in fields.items():
        if key in data["parameters"] or key in ("country", "paydays"):
            data["parameters"][key] = value
        else:
            data[key] = value
    return Scenario.model_validate(data)


def _forecast(scenario: Scenario) -> tuple[DemandForecast, int]:
    """The plan's forecast of `scenario` (as `planning.priced.locate` makes it) and the offset of
    the plan date in it."""
    history = order_history(scenario)
    window = forecast_window(history, scenario.plan_date, scenario.parameters.horizon_days)
    calendar = scenario_calendar(scenario, history.demand["product_id"].unique())
    forecast = forecast_demand(
        history.demand, window.start, window.days, cycle_days=1, calendar=calendar
    )
    return forecast, window.gap_days


@cache
def _base() -> tuple[Scenario, np.ndarray]:
    """A small scenario and its forecast without calendar (series x days)."""
    scenario = small_scenario(11, n_customers=40, horizon_days=HORIZON_DAYS)
    forecast, _ = _forecast(scenario)
    return scenario, forecast.daily_mean


@settings(max_examples=8, deadline=None)
@given(
    first=st.integers(0, HORIZON_DAYS - 1),
    length=st.integers(0, 2),
    products=st.sets(st.sampled_from(PRODUCTS), max_size=3),
    uplift=st.floats(0.25, 6.0),
)
def test_declared_uplift_changes_only_its_dates_and_products(
    first: int, length: int, products: set[str], uplift: float
) -> None:
    """An event's uplift multiplies the forecast of its products on its dates, nothing else."""
    scenario, without = _base()
    start = scenario.plan_date + timedelta(first)
    event = {"date": start.isoformat(), "name": "promo", "uplift": uplift}
    event["end_date"] = (start + timedelta(length)).isoformat()
    event["products"] = sorted(products) or None
    forecast, gap = _forecast(_with(scenario, events=[event]))
    days = np.arange(without.shape[1]) - gap
    on_day = (days >= first) & (days <= first + length)
    of_product = forecast.table["product_id"].isin(products or PRODUCTS).to_numpy()
    changed = of_product[:, None] & on_day[None, :]
    np.testing.assert_allclose(forecast.daily_mean[changed], uplift * without[changed], rtol=1e-9)
    np.testing.assert_allclose(forecast.daily_mean[~changed], without[~changed], rtol=1e-9)


@settings(max_examples=12, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000))
def test_history_without_calendar_effects_forecasts_the_same_with_the_calendar_on(
    seed: int,
) -> None:
    """120 days of demand without holiday or payday effects: Colombia's holidays and quincena
    switched on change no day's total forecast by more than 1% (chance dips of a few units a day
    fail the significance test of `calendar_effects`; 0.0% measured over 52 seeds)."""
    scenario = small_scenario(seed, n_customers=40, days=120, horizon_days=7)
    without, _ = _forecast(scenario)
    calendar_on = _with(scenario, country="CO", paydays=["quincena"])
    assert scenario_calendar(calendar_on, PRODUCTS) is not None
    with_calendar, _ = _forecast(calendar_on)
    np.testing.assert_allclose(
        with_calendar.daily_mean.sum(axis=0), without.daily_mean.sum(axis=0), rtol=0.01
    )


def test_plan_shows_a_four_times_day_and_only_that_day() -> None:
    """A declared 4x promotion on the plan's second day raises that day's forecast four times in
    plan.json's calendar details, names the event on that day alone, and lists its changes."""
    scenario = small_scenario(13, n_customers=40, horizon_days=3, search_work=200, country="CO")
    peak = scenario.plan_date + timedelta(1)
    event = {"date": peak.isoformat(), "name": "Black Friday", "uplift": 4}
    result = plan(plan_inputs(_with(scenario, events=[event])), Budget(work=200))
    calendar = result.stages["forecast"].details["calendar"]
    days = {day["date"]: day for day in calendar["days"]}
    assert list(days) == [(scenario.plan_date + timedelta(d)).isoformat() for d in range(3)]
    for when, day in days.items():
        ratio = day["forecast_units"] / day["units_without_calendar"]
        expected = 4.0 if when == peak.isoformat() else 1.0
        assert abs(ratio - expected) < 0.01, (when, day)
        assert day["events"] == (["Black Friday"] if when == peak.isoformat() else [])
    changes = calendar["changes"]
    assert changes and {c["date"] for c in changes} == {peak.isoformat()}
    assert all(c["label"] == "event:Black Friday" and c["factor"] == 4.0 for c in changes)
    assert all(c["source"] == "declared uplift" for c in changes)
    assert date.fromisoformat(calendar["events"][0]["date"]) == peak
