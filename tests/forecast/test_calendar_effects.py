"""Calendar effects in forecast_demand: learned where they recur, declared where they never did."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pickup_net.forecast import Calendar, Event, forecast_demand
from pickup_net.forecast.calendar_effects import calendar_effects

PAYDAYS = Calendar(rules={"quincena"})


def _history(rate: np.ndarray, days: pd.DatetimeIndex, seed: int, zone: str = "z") -> pd.DataFrame:
    """Poisson daily counts at `rate` for one zone x product."""
    counts = np.random.default_rng(seed).poisson(rate)
    return pd.DataFrame({"zone_id": zone, "product_id": "p", "date": days, "quantity": counts})


@settings(max_examples=8, deadline=None, derandomize=True, database=None)
@given(
    base=st.floats(10.0, 40.0),
    effect=st.floats(2.0, 4.0),
    seed=st.integers(0, 2**16),
)
def test_payday_effect_is_recovered(base: float, effect: float, seed: int) -> None:
    """Paydays at `effect` x demand for 354 days: the next payday's factor is within 20% of it,
    applied to that day's baseline; the other days average within 25% of the base rate (the
    baseline models' own error: CrostonSBA alone runs up to ~15% low on smooth series)."""
    days = pd.date_range("2024-01-01", "2024-12-19")
    payday = (days.day == 15) | days.is_month_end
    history = _history(np.where(payday, effect * base, base), days, seed)
    forecast = forecast_demand(history, date(2024, 12, 20), horizon_days=14, calendar=PAYDAYS)
    effects = forecast.calendar_effects
    assert effects["label"].tolist() == ["payday"]
    assert effects["date"].tolist() == [date(2024, 12, 31)]
    assert effects["source"].iloc[0].startswith("learned from")
    factor = effects["factor"].iloc[0]
    assert factor == pytest.approx(effect, rel=0.2)
    december_31 = 11
    assert forecast.daily_mean[0, december_31] == pytest.approx(
        factor * effects["units_without"].iloc[0]
    )
    assert np.delete(forecast.daily_mean[0], december_31).mean() == pytest.approx(base, rel=0.25)


def test_recurring_holidays_are_learned_as_a_kind_of_day() -> None:
    """Colombian holidays at 3x demand: June 2024's Monday festivos are forecast near 3x."""
    days = pd.date_range("2023-01-01", "2024-05-31")
    holiday = Calendar(country="CO").features(days)["is_holiday"].to_numpy()
    history = _history(np.where(holiday, 18.0, 6.0), days, seed=5)
    forecast = forecast_demand(
        history, date(2024, 6, 1), horizon_days=14, calendar=Calendar(country="CO")
    )
    festivos = [2, 9]  # 2024-06-03 and 2024-06-10
    assert forecast.daily_mean[0, festivos] == pytest.approx([18.0, 18.0], rel=0.25)
    assert forecast.calendar_effects["day_offset"].tolist() == festivos
    assert "kind:public holiday x" in forecast.table["calendar"].iloc[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_history_without_events_gives_the_same_forecast(seed: int) -> None:
    """Without calendar effects in the data, switching the calendar on changes little (20%)."""
    days = pd.date_range("2023-06-01", "2024-05-31")
    weekly = np.array([1.0, 1.0, 1.1, 1.2, 1.5, 1.3, 0.6])[days.dayofweek]
    history = pd.concat(
        [_history(8.0 * weekly, days, seed, "a"), _history(3.0 * weekly, days, seed + 9, "b")]
    )
    calendar = Calendar(country="CO", rules={"quincena"})
    without = forecast_demand(history, date(2024, 6, 1), horizon_days=14)
    with_calendar = forecast_demand(history, date(2024, 6, 1), horizon_days=14, calendar=calendar)
    assert with_calendar.daily_mean == pytest.approx(without.daily_mean, rel=0.2)


def test_declared_uplift_changes_only_its_dates_and_products(make_history) -> None:
    """An uplift on product q for two days scales q's forecast there, sparse zones included."""
    rates = {("a", "p"): 4.0, ("a", "q"): 3.0, ("b", "q"): 2.0}
    rates |= {(f"s{i}", "q"): 0.05 for i in range(6)}
    history = make_history(rates, 91, seed=3)
    start = date(2024, 4, 1)
    promo = Event(
        date(2024, 4, 3), "promo", uplift=1.5, product_ids={"q"}, end_date=date(2024, 4, 4)
    )
    without = forecast_demand(history, start, horizon_days=7)
    with_promo = forecast_demand(history, start, horizon_days=7, calendar=Calendar(events=(promo,)))
    expected = without.daily_mean.copy()
    is_q = (without.table["product_id"] == "q").to_numpy()
    expected[np.ix_(is_q, [2, 3])] *= 1.5
    assert with_promo.daily_mean == pytest.approx(expected, rel=1e-12)
    effects = with_promo.calendar_effects
    assert set(effects["product_id"]) == {"q"}
    assert set(effects["date"]) == {date(2024, 4, 3), date(2024, 4, 4)}
    assert (effects["source"] == "declared uplift").all()
    assert effects["units"].to_numpy() == pytest.approx(1.5 * effects["units_without"].to_numpy())
    assert len(effects) == 2 * is_q.sum()


def test_learned_effect_wins_over_a_declared_uplift() -> None:
    """An event seen on earlier dates is forecast from its learned effect, not its uplift."""
    days = pd.date_range("2024-01-01", periods=180)
    fair_days = pd.DatetimeIndex(["2024-02-10", "2024-03-16", "2024-04-13", "2024-05-18"])
    history = _history(np.where(days.isin(fair_days), 20.0, 5.0), days, seed=2)
    events = tuple(Event(day.date(), "fair", uplift=1.2) for day in fair_days)
    events += (Event(date(2024, 7, 3), "fair", uplift=1.2),)
    forecast = forecast_demand(
        history, date(2024, 6, 29), horizon_days=7, calendar=Calendar(events=events)
    )
    assert forecast.daily_mean[0, 4] == pytest.approx(20.0, rel=0.3)
    assert forecast.calendar_effects["source"].iloc[0] == "learned from 4 past days"


def test_uncertain_effect_widens_the_event_day_distribution() -> None:
    """A payday effect that varies between paydays adds its spread to that day's variance only."""
    days = pd.date_range("2024-01-01", periods=200)
    payday = (days.day == 15) | days.is_month_end
    spread = np.random.default_rng(4).uniform(1.5, 4.5, len(days))
    history = _history(np.where(payday, 20.0 * spread, 20.0), days, seed=4)
    forecast = forecast_demand(history, date(2024, 7, 19), horizon_days=14, calendar=PAYDAYS)
    july_31 = 12
    sd = forecast.calendar_sd[0]
    assert sd[july_31] > 0.1 * forecast.daily_mean[0, july_31]
    assert (np.delete(sd, july_31) == 0).all()
    demand = forecast.catchment(["z"], day_offset=july_31, days=1)["p"]
    poisson_part = forecast.dispersion[0] * forecast.daily_mean[0, july_31]
    assert demand.variance == pytest.approx(poisson_part + sd[july_31] ** 2)


def test_no_calendar_leaves_no_trace(make_history) -> None:
    """Without a calendar nothing is explained and no calendar uncertainty is added."""
    forecast = forecast_demand(make_history({("z", "p"): 3.0}, 91), date(2024, 4, 1))
    assert forecast.calendar_effects.empty
    assert forecast.calendar_sd is None
    assert (forecast.table["calendar"] == "").all()


def _payday_panel(
    base: np.ndarray, effect: float, n_days: int, seed: int
) -> tuple[np.ndarray, pd.Timestamp]:
    """Poisson counts (series x days from 2024-01-01) at `base` per series, x `effect` on payday."""
    first = pd.Timestamp("2024-01-01")
    days = pd.date_range(first, periods=n_days)
    payday = (days.day == 15) | days.is_month_end
    rate = base[:, None] * np.where(payday, effect, 1.0)[None, :]
    return np.random.default_rng(seed).poisson(rate).astype(float), first


@settings(max_examples=10, deadline=None, derandomize=True, database=None)
@given(
    rates=st.lists(st.floats(0.2, 6.0), min_size=4, max_size=30),
    n_days=st.integers(90, 240),
    seed=st.integers(0, 2**16),
)
def test_no_effect_is_learned_from_noise(rates: list[float], n_days: int, seed: int) -> None:
    """Small Poisson series without calendar effects: no holiday or payday effect is learned, so
    the history is not cleaned and no forecast day is changed."""
    values, first = _payday_panel(np.array(rates), 1.0, n_days, seed)
    products = np.array(["p"] * len(rates))
    effects = calendar_effects(
        values, products, first, 14, Calendar(country="CO", rules={"quincena"})
    )
    assert (effects.factors == 1.0).all()
    assert (effects.labels == "").all()
    np.testing.assert_array_equal(effects.cleaned, values)


@settings(max_examples=10, deadline=None, derandomize=True, database=None)
@given(
    base=st.floats(15.0, 40.0),
    effect=st.floats(1.8, 3.0),
    n_series=st.integers(1, 12),
    seed=st.integers(0, 2**16),
)
def test_injected_payday_effect_is_recovered(
    base: float, effect: float, n_series: int, seed: int
) -> None:
    """Paydays at `effect` x a base of 15-40 units a day over 240 days: every series' factor on the
    next payday is within 20% of `effect` (the ratio's own noise is ~6% at 15 units) and only
    that day is changed."""
    values, first = _payday_panel(np.full(n_series, base), effect, 240, seed)
    effects = calendar_effects(
        values, np.array(["p"] * n_series), first, 14, Calendar(rules={"quincena"})
    )
    horizon = pd.date_range(first + pd.Timedelta(days=240), periods=14)
    paydays = np.nonzero((horizon.day == 15) | horizon.is_month_end)[0]
    assert paydays.size == 1
    assert effects.factors[:, paydays[0]] == pytest.approx(effect, rel=0.2)
    assert (effects.labels[:, paydays[0]] == "payday").all()
    assert (np.delete(effects.factors, paydays[0], axis=1) == 1.0).all()
