"""The LightGBM candidate with calendar features: tried only on long histories, chosen per series
only where it wins the rolling-origin comparison."""

import sys
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pickup_net.forecast import Calendar, forecast_demand
from pickup_net.forecast.boosting import BOOSTED, MIN_BOOST_DAYS, boosting_fits
from pickup_net.forecast.candidates import SEASON_DAYS
from pickup_net.forecast.selection import SWITCH_MARGIN, select_and_forecast, with_candidate

PAYDAYS = Calendar(rules={"quincena"})


def _month_start_history(n_days: int, seed: int) -> pd.DataFrame:
    """16 zones: the first 8 at 4x demand on the 1st-3rd of each month (a pattern the calendar
    does not name), the other 8 flat; Poisson at 10-30 units a day, ending 2024-02-09."""
    days = pd.date_range(end="2024-02-09", periods=n_days)
    rng = np.random.default_rng(seed)
    frames = []
    for zone in range(16):
        bump = np.where(days.day <= 3, 4.0 if zone < 8 else 1.0, 1.0)
        counts = rng.poisson(rng.uniform(10, 30) * bump)
        frames.append(
            pd.DataFrame(
                {"zone_id": f"z{zone:02d}", "product_id": "p", "date": days, "quantity": counts}
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_boosted_candidate_wins_only_the_series_with_a_pattern_it_can_learn() -> None:
    """On 405 days, LightGBM is chosen for exactly the zones with a month-start peak."""
    history = _month_start_history(405, seed=0)
    forecast = forecast_demand(
        history, date(2024, 2, 10), 7, cycle_days=1, calendar=PAYDAYS, boosting=True
    )
    is_boosted = (forecast.table["model"] == BOOSTED).to_numpy()
    assert is_boosted.tolist() == [True] * 8 + [False] * 8


def test_short_history_or_no_option_never_tries_the_boosted_candidate() -> None:
    """Below `MIN_BOOST_DAYS`, or without `boosting`, no series gets a LightGBM forecast."""
    short = _month_start_history(MIN_BOOST_DAYS - 1, seed=1)
    start = date(2024, 2, 10)
    tried = forecast_demand(short, start, 7, calendar=PAYDAYS, boosting=True, all_candidates=True)
    assert BOOSTED not in tried.candidates
    long = _month_start_history(MIN_BOOST_DAYS + 60, seed=1)
    default = forecast_demand(long, start, 7, calendar=PAYDAYS, all_candidates=True)
    assert BOOSTED not in default.candidates
    assert not boosting_fits(10_000, 365)


def test_boosting_without_its_extra_names_the_install_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without LightGBM installed, asking for the boosted candidate names the extra to install."""
    monkeypatch.setitem(sys.modules, "lightgbm", None)
    monkeypatch.delitem(sys.modules, "pickup_net.forecast.boosting", raising=False)
    history = _month_start_history(MIN_BOOST_DAYS + 60, seed=1)
    with pytest.raises(ImportError, match=r"pip install 'pickup-net\[boost\]'"):
        forecast_demand(history, date(2024, 2, 10), 7, calendar=PAYDAYS, boosting=True)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(
    seed=st.integers(0, 2**16),
    scale=arrays(float, 6, elements=st.floats(0.0, 2.0)),
)
def test_candidate_is_chosen_where_its_cv_error_is_clearly_lower(
    seed: int, scale: np.ndarray
) -> None:
    """A series switches to the added candidate iff its CV error is `SWITCH_MARGIN` below that of
    its current choice; the others keep their model and forecast."""
    rng = np.random.default_rng(seed)
    values = rng.poisson(8.0, (6, 70)).astype(float)
    selection = select_and_forecast(values, 7, 1)
    shape = (6, selection.n_windows, SEASON_DAYS)
    actual = values[:, -selection.n_windows * SEASON_DAYS :].reshape(shape)
    noise = rng.normal(0.0, 1.0, shape)
    candidate_cv = actual + scale[:, None, None] * noise * 3.0
    forecast = rng.uniform(0.0, 10.0, (6, 7))
    updated, won = with_candidate(
        selection, "New", candidate_cv, forecast, actual, selection.cv_forecast, 1
    )
    own = ((candidate_cv - actual) ** 2).mean(axis=(1, 2))
    current = ((selection.cv_forecast - actual) ** 2).mean(axis=(1, 2))
    assert won.tolist() == (own < (1 - SWITCH_MARGIN) * current).tolist()
    assert updated.model_names == [*selection.model_names, "New"]
    assert (updated.chosen[won] == len(selection.model_names)).all()
    assert (updated.chosen[~won] == selection.chosen[~won]).all()
    np.testing.assert_array_equal(updated.forecasts[-1], forecast)
