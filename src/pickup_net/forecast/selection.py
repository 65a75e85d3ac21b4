"""Model choice per series by rolling-origin cross-validation, then the chosen forecasts.

Every candidate is fitted on each origin (refit), forecasts `SEASON_DAYS` days, and is scored by
mean squared error over the windows: squared error is minimised by the mean, which is what stock
levels need (absolute error would favour forecasting zero for intermittent series).
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from statsforecast import StatsForecast

from pickup_net.forecast.candidates import (
    SEASON_DAYS,
    SEASONAL_NAIVE,
    candidate_models,
    candidate_names,
    forward_models,
    refit_models,
)

MAX_WINDOWS = 3
SWITCH_MARGIN = 0.2
MIN_TRAIN_DAYS = 28


@dataclass(frozen=True, eq=False)
class Selection:
    """Per series: the chosen model, each candidate's CV error and forecast, and the CV residuals.

    `block_sse` and `block_mean` sum, over CV blocks of `cycle_days` days, the squared error of the
    chosen model's block totals and its block forecasts: their ratio estimates the variance-to-mean
    ratio of a cycle's demand around its forecast.
    """

    model_names: list[str]
    chosen: np.ndarray
    cv_mse: np.ndarray
    forecasts: np.ndarray
    block_sse: np.ndarray
    block_mean: np.ndarray
    n_windows: int
    cv_forecast: np.ndarray | None = None
    """The chosen model's CV forecasts (series x windows x `SEASON_DAYS`; None without CV)."""


def cv_windows(n_days: int) -> int:
    """How many weekly CV origins a history of `n_days` days supports (0: too short)."""
    return int(max(0, min(MAX_WINDOWS, (n_days - MIN_TRAIN_DAYS) // SEASON_DAYS)))


def select_and_forecast(
    values: np.ndarray,
    horizon_days: int,
    cycle_days: int,
    n_jobs: int = 1,
    all_candidates: bool = False,
) -> Selection:
    """Choose a model per row of `values` (series x days) by CV and forecast `horizon_days` ahead.

    Only the chosen model is refitted on the whole history unless `all_candidates` (then every
    candidate's forecast is kept, NaN elsewhere otherwise), which the backtest needs to score them.

    Histories too short for one CV window get the historic mean (`model_names == ["HistoricMean"]`).
    """
    n_series, n_days = values.shape
    windows = cv_windows(n_days)
    if n_series == 0 or windows == 0:
        return _historic_mean(values, horizon_days)
    names = candidate_names()
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(n_series), n_days),
            "ds": np.tile(np.arange(n_days), n_series),
            "y": values.ravel(),
        }
    )
    cv = _cross_validation(frame, windows, n_jobs)
    shape = (n_series, windows, SEASON_DAYS)
    actual = cv["y"].to_numpy(dtype=float).reshape(shape)
    predicted = np.stack([cv[name].to_numpy(dtype=float).reshape(shape) for name in names])
    predicted = np.clip(predicted, 0.0, None)
    cv_mse = np.nanmean((predicted - actual[None]) ** 2, axis=(2, 3)).T
    cv_mse = np.where(np.isfinite(cv_mse), cv_mse, np.inf)
    chosen = _choose(cv_mse, names)
    cv_forecast = predicted[chosen, np.arange(n_series)]
    block_sse, block_mean = _block_residuals(actual, cv_forecast, cycle_days)
    fallback = values[:, -MIN_TRAIN_DAYS:].mean(axis=1, keepdims=True)
    forecasts = np.full((len(names), n_series, horizon_days), np.nan)
    models = candidate_models()
    for index, name in enumerate(names):
        rows = np.arange(n_series) if all_candidates else np.nonzero(chosen == index)[0]
        if rows.size == 0:
            continue
        subset = frame[frame["unique_id"].isin(rows)] if rows.size < n_series else frame
        future = (
            StatsForecast(models=[models[index]], freq=1, n_jobs=n_jobs)
            .forecast(h=horizon_days, df=subset)
            .sort_values(["unique_id", "ds"])
        )
        predicted = future[name].to_numpy(dtype=float).reshape(rows.size, horizon_days)
        forecasts[index, rows] = _fill(predicted, fallback[rows])
    return Selection(names, chosen, cv_mse, forecasts, block_sse, block_mean, windows, cv_forecast)


def with_candidate(
    selection: Selection,
    name: str,
    cv_forecast: np.ndarray,
    forecast: np.ndarray,
    actual: np.ndarray,
    chosen_cv: np.ndarray,
    cycle_days: int,
) -> tuple[Selection, np.ndarray]:
    """Add a candidate scored at the same origins, chosen per series where its CV error is
    `SWITCH_MARGIN` below that of the series' current choice; return the rows it won.

    `actual` and `chosen_cv` (series x windows x `SEASON_DAYS`) are the CV days and the current
    choice's forecasts of them on the candidate's scale (e.g. with calendar effects applied);
    the candidate's `cv_mse` column is on that scale too.
    """
    own_mse = ((cv_forecast - actual) ** 2).mean(axis=(1, 2))
    current_mse = ((chosen_cv - actual) ** 2).mean(axis=(1, 2))
    won = own_mse < (1 - SWITCH_MARGIN) * current_mse
    index = len(selection.model_names)
    block_sse, block_mean = _block_residuals(actual, cv_forecast, cycle_days)
    updated = replace(
        selection,
        model_names=[*selection.model_names, name],
        chosen=np.where(won, index, selection.chosen),
        cv_mse=np.column_stack([selection.cv_mse, own_mse]),
        forecasts=np.concatenate([selection.forecasts, forecast[None]]),
        block_sse=np.where(won, block_sse, selection.block_sse),
        block_mean=np.where(won, block_mean, selection.block_mean),
        cv_forecast=np.where(won[:, None, None], cv_forecast, selection.cv_forecast),
    )
    return updated, won


def _choose(cv_mse: np.ndarray, names: list[str]) -> np.ndarray:
    """Per series, its best model if clearly better than the model best over all series.

    A few CV windows make per-series choice noisy; a series keeps the pooled winner (lowest mean
    CV error relative to seasonal naive) unless its own best beats it by `SWITCH_MARGIN`.
    """
    best = np.argmin(cv_mse, axis=1)
    scale = cv_mse[:, names.index(SEASONAL_NAIVE)]
    usable = np.isfinite(scale) & (scale > 0)
    if SWITCH_MARGIN <= 0 or not usable.any():
        return best
    relative = cv_mse[usable] / scale[usable, None]
    pooled = int(np.argmin(np.where(np.isfinite(relative), relative, np.inf).mean(axis=0)))
    rows = np.arange(len(best))
    clearly_better = cv_mse[rows, best] < (1 - SWITCH_MARGIN) * cv_mse[:, pooled]
    return np.where(clearly_better, best, pooled)


def _cross_validation(frame: pd.DataFrame, windows: int, n_jobs: int) -> pd.DataFrame:
    """Weekly rolling-origin forecasts of every candidate, refitting only where it pays."""
    keys = ["unique_id", "cutoff", "ds"]
    parts = [
        StatsForecast(models=models, freq=1, n_jobs=n_jobs)
        .cross_validation(
            h=SEASON_DAYS, df=frame, n_windows=windows, step_size=SEASON_DAYS, refit=refit
        )
        .sort_values(keys)
        .reset_index(drop=True)
        for models, refit in ((refit_models(), True), (forward_models(), False))
    ]
    return pd.concat([parts[0], parts[1].drop(columns=[*keys, "y"])], axis=1)


def _fill(forecast: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Negative forecasts become 0 and failed (NaN) ones the recent mean."""
    return np.clip(np.where(np.isfinite(forecast), forecast, fallback), 0.0, None)


def _block_residuals(
    actual: np.ndarray, predicted: np.ndarray, cycle_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Squared errors and forecasts of cycle totals, summed over the CV blocks of each series."""
    block = min(cycle_days, SEASON_DAYS)
    n_blocks = SEASON_DAYS // block
    cut = (slice(None), slice(None), slice(0, n_blocks * block))
    shape = (actual.shape[0], actual.shape[1], n_blocks, block)
    actual_sum = actual[cut].reshape(shape).sum(axis=3)
    predicted_sum = np.nan_to_num(predicted[cut]).reshape(shape).sum(axis=3)
    return ((actual_sum - predicted_sum) ** 2).sum(axis=(1, 2)), predicted_sum.sum(axis=(1, 2))


def _historic_mean(values: np.ndarray, horizon_days: int) -> Selection:
    """The fallback for histories shorter than one CV window: the mean of the days seen."""
    n_series, n_days = values.shape
    mean = values.mean(axis=1) if n_days else np.zeros(n_series)
    variance = values.var(axis=1) if n_days else np.zeros(n_series)
    return Selection(
        model_names=["HistoricMean"],
        chosen=np.zeros(n_series, dtype=int),
        cv_mse=variance[:, None],
        forecasts=np.repeat(mean[:, None], horizon_days, axis=1)[None],
        block_sse=variance * max(n_days, 1),
        block_mean=mean * max(n_days, 1),
        n_windows=0,
    )
