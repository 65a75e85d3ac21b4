"""A global gradient-boosting candidate with calendar features (mlforecast + LightGBM).

One LightGBM model (Poisson objective: demand effects are multiplicative) is fitted across all
series on their raw history, with weekly lags, rolling means, day of week / month / day of month,
and the calendar's features: holiday and payday flags, the holiday's and the event's name (as
categories, so that last year's Christmas teaches this year's) and the declared uplift. It is
scored at the same weekly rolling origins as the statistical candidates (refitted at each) and
only tried where the history is long enough (`MIN_BOOST_DAYS`) and the fit small enough for a
plan (`MAX_BOOST_CELLS` series x days).
"""

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd
from mlforecast import MLForecast
from mlforecast.lag_transforms import RollingMean

from pickup_net.forecast.calendar import Calendar
from pickup_net.forecast.calendar_effects import CalendarEffects
from pickup_net.forecast.candidates import SEASON_DAYS
from pickup_net.forecast.selection import Selection, with_candidate

BOOSTED = "LightGBM"
BOOST_DAYS = 730
"""Days of raw history the model sees: two years, so that yearly holidays recur in it."""
MIN_BOOST_DAYS = 182
"""Shortest history tried: the longest lag (28 days) plus about five months to learn from."""
MAX_BOOST_CELLS = 500_000
"""Most series x days fitted (a fit of 500,000 rows takes a few seconds on one core)."""
LAGS = (7, 14, 21, 28)
EXOGENOUS = ("is_holiday", "is_payday", "is_event", "uplift", "holiday_name", "event_name")
LIGHTGBM_PARAMS = {
    "objective": "poisson",
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 20,
    "subsample": 1.0,
    "n_jobs": 1,
    "random_state": 0,
    "verbosity": -1,
}


@dataclass(frozen=True, eq=False)
class BoostedForecast:
    """Per series: the rolling-origin forecasts (windows x `SEASON_DAYS`) and the horizon's."""

    cv: np.ndarray
    forecast: np.ndarray


def boosting_fits(n_series: int, n_days: int) -> bool:
    """Whether the boosted candidate is tried on `n_series` histories of `n_days` days."""
    return n_days >= MIN_BOOST_DAYS and n_series * min(n_days, BOOST_DAYS) <= MAX_BOOST_CELLS


def add_boosted(
    selection: Selection,
    effects: CalendarEffects,
    values: np.ndarray,
    products: np.ndarray,
    first_day: pd.Timestamp,
    horizon_days: int,
    calendar: Calendar,
    cycle_days: int,
) -> tuple[Selection, CalendarEffects]:
    """Try the boosted candidate on the raw `values` where it fits, against each series' chosen
    model times its calendar factors at the same origins; its series keep no calendar factor.

    The chosen model's factors on the CV days were learned from those days too, which favours
    the current choice: the boosted model wins only where it is clearly better.
    """
    n_series, n_days = values.shape
    windows = selection.n_windows
    if windows == 0 or selection.cv_forecast is None or not boosting_fits(n_series, n_days):
        return selection, effects
    seen = min(n_days, BOOST_DAYS)
    boosted = boosted_forecast(
        values[:, -seen:],
        products,
        first_day + pd.Timedelta(days=n_days - seen),
        horizon_days,
        calendar,
        windows,
    )
    cv_days = windows * SEASON_DAYS
    shape = (n_series, windows, SEASON_DAYS)
    actual = values[:, -cv_days:].reshape(shape)
    current = selection.cv_forecast * effects.past_factors[:, -cv_days:].reshape(shape)
    selection, won = with_candidate(
        selection, BOOSTED, boosted.cv, boosted.forecast, actual, current, cycle_days
    )
    return selection, effects.without(won)


def boosted_forecast(
    values: np.ndarray,
    products: np.ndarray,
    first_day: pd.Timestamp,
    horizon_days: int,
    calendar: Calendar,
    windows: int,
) -> BoostedForecast:
    """Fit the global model on `values` (series x days from `first_day`, product per row) at the
    last `windows` weekly origins and on the whole history, and forecast `horizon_days` days."""
    n_series, n_days = values.shape
    days = pd.date_range(first_day, periods=n_days + horizon_days)
    features = _features(calendar, days, products)
    frame = features[features["ds"] < days[n_days]].copy()
    frame["y"] = values.ravel()
    model = MLForecast(
        models={BOOSTED: lgb.LGBMRegressor(**LIGHTGBM_PARAMS)},
        freq="D",
        lags=list(LAGS),
        lag_transforms={SEASON_DAYS: [RollingMean(window_size=7), RollingMean(window_size=28)]},
        date_features=["dayofweek", "month", "day"],
    )
    cv = model.cross_validation(
        frame, n_windows=windows, h=SEASON_DAYS, step_size=SEASON_DAYS, static_features=[]
    ).sort_values(["unique_id", "cutoff", "ds"])
    model.fit(frame, static_features=[])
    future = features[features["ds"] >= days[n_days]]
    predicted = model.predict(horizon_days, X_df=future).sort_values(["unique_id", "ds"])
    return BoostedForecast(
        cv=_clean(cv[BOOSTED]).reshape(n_series, windows, SEASON_DAYS),
        forecast=_clean(predicted[BOOSTED]).reshape(n_series, horizon_days),
    )


def _clean(column: pd.Series) -> np.ndarray:
    """Forecasts as non-negative floats (NaN as 0)."""
    return np.clip(np.nan_to_num(column.to_numpy(dtype=float)), 0.0, None)


def _features(calendar: Calendar, days: pd.DatetimeIndex, products: np.ndarray) -> pd.DataFrame:
    """The long frame of calendar features per series (row index) and day."""
    per_product = {}
    for product in np.unique(products.astype(str)):
        table = calendar.features(days, product)
        per_product[product] = pd.DataFrame(
            {
                "is_holiday": table["is_holiday"].to_numpy(dtype=float),
                "is_payday": table["is_payday"].to_numpy(dtype=float),
                "is_event": (table["events"] != "").to_numpy(dtype=float),
                "uplift": table["uplift"].to_numpy(dtype=float),
                "holiday_name": table["holiday"].to_numpy(dtype=object),
                "event_name": table["events"].to_numpy(dtype=object),
            }
        )
    frame = pd.concat(
        [per_product[str(product)] for product in products], ignore_index=True
    ).astype({"holiday_name": "category", "event_name": "category"})
    frame.insert(0, "ds", np.tile(days, len(products)))
    frame.insert(0, "unique_id", np.repeat(np.arange(len(products)), len(days)))
    return frame[["unique_id", "ds", *EXOGENOUS]]
