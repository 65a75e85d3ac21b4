"""The demand of each day: the booked orders on day one, then one seeded draw from the forecast."""

import math

import pandas as pd
from builders import small_scenario

from pickup_net.forecast import forecast_demand
from pickup_net.planning import order_history
from pickup_net.planning.demand_days import day_orders, forecast_window


def _days(seed: int, draw_seed: int) -> tuple[list[pd.DataFrame], float, int]:
    """Each day's orders of a small scenario, the forecast units of day two, and its offset."""
    scenario = small_scenario(seed, n_customers=40, horizon_days=3)
    history = order_history(scenario)
    window = forecast_window(history, scenario.plan_date, 3)
    forecast = forecast_demand(history.demand, window.start, window.days, cycle_days=1)
    expected = float(forecast.daily_mean[:, window.offset(1)].sum())
    return day_orders(history, forecast, window, draw_seed), expected, window.gap_days


def test_day_one_is_the_booked_orders_and_later_days_are_reproducible() -> None:
    """Day one holds exactly the orders booked for the plan date; the same seed draws the same
    later days, another seed other ones."""
    scenario = small_scenario(4, n_customers=40, horizon_days=3)
    booked = sum(o.quantity for o in scenario.orders if o.timestamp.date() == scenario.plan_date)
    days, _, _ = _days(4, 7)
    again, _, _ = _days(4, 7)
    other, _, _ = _days(4, 8)
    assert len(days) == 3
    assert days[0]["quantity"].sum() == booked
    for mine, same in zip(days, again, strict=True):
        pd.testing.assert_frame_equal(mine, same)
    assert not all(a.equals(b) for a, b in zip(days[1:], other[1:], strict=True))


def test_drawn_days_follow_the_forecast() -> None:
    """A drawn day's units are within five Poisson deviations of the forecast's daily total."""
    days, expected, gap = _days(5, 0)
    assert gap == 0 and expected > 0
    drawn = days[1]["quantity"].sum()
    assert abs(drawn - expected) <= 5 * math.sqrt(expected) + 1
