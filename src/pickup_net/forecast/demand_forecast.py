"""Forecast daily demand per zone x product and give the cycle demand of any set of zones.

Series with enough recent demand get their own model, chosen by cross-validation. Very sparse
series (most zones of a corner-shop network) are summed per product into one group series, which
is forecast the same way and shared back to its zones by their recency-weighted history; this is
top-down for the sparse part and bottom-up for everything above zones, so a catchment's forecast
is always the sum of its zones'.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from pickup_net.forecast.calendar import Calendar
from pickup_net.forecast.calendar_effects import calendar_effects
from pickup_net.forecast.candidates import SEASON_DAYS, SEASONAL_NAIVE
from pickup_net.forecast.distribution import CycleDemand, cycle_quantiles
from pickup_net.forecast.effect_table import EFFECT_COLUMNS, effect_notes, effect_table
from pickup_net.forecast.panel import Panel, build_panel
from pickup_net.forecast.selection import Selection, select_and_forecast

RECENT_DAYS = 84
MIN_RECENT_DEMAND_DAYS = 12
SHARE_HALF_LIFE_DAYS = 56.0
PRIOR_UNITS = 10.0
FIT_DAYS = 210
"""Days of history the models see (the last 30 weeks): enough for 3 weekly CV origins on 27 weeks
of training, and it keeps a fit's cost independent of how long the history is."""
TABLE_COLUMNS = [
    "zone_id",
    "product_id",
    "model",
    "mean_per_day",
    "cycle_mean",
    "cycle_var",
    "cycle_p90",
    "cycle_p95",
    "dispersion",
    "group",
    "calendar",
]


@dataclass(frozen=True, eq=False)
class DemandForecast:
    """Daily demand forecasts per zone x product, and the cycle demand of sets of zones.

    Attributes
    ----------
    table
        One row per (zone_id, product_id) with any history: the model used (``group:<model>`` for
        sparse zones forecast through their product's group), mean units per day over the horizon,
        the mean, variance and 90% / 95% quantiles of the first cycle's units (negative binomial
        or Poisson, see `CycleDemand`), the variance-to-mean ratio, and the group (``""`` for
        own-model series), and the calendar days that changed the forecast (``""`` if none).
    start, horizon_days, cycle_days
        First forecast day, days forecast, days in one replenishment cycle.
    daily_mean
        Forecast units per series (rows of `table`) and day of the horizon.
    candidates
        Model name -> the same for that candidate (all of them only with ``all_candidates``;
        seasonal naive, the series' own last week, always).
    mase_scale, rmsse_scale
        In-sample mean absolute / squared error of seasonal naive per series (error scales).
    calendar_sd
        Standard deviation (units) of each series' daily forecast due to the uncertainty of its
        calendar effect (None without a calendar).
    calendar_effects
        One row per series and forecast day that a calendar label changed: the label (``event:``,
        ``holiday:``, the kind of holiday or ``payday``), where its factor came from (learned from
        past days or a declared uplift), the factor, and the units per day without and with it.
    """

    table: pd.DataFrame
    start: date
    horizon_days: int
    cycle_days: int
    daily_mean: np.ndarray = field(repr=False)
    dispersion: np.ndarray = field(repr=False)
    group_of: np.ndarray = field(repr=False)
    group_daily_mean: np.ndarray = field(repr=False)
    group_dispersion: np.ndarray = field(repr=False)
    group_batch: np.ndarray = field(repr=False)
    candidates: dict[str, np.ndarray] = field(repr=False)
    mase_scale: np.ndarray = field(repr=False)
    rmsse_scale: np.ndarray = field(repr=False)
    rows_of_zone: dict[str, np.ndarray] = field(repr=False)
    calendar_sd: np.ndarray | None = field(default=None, repr=False)
    calendar_effects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=EFFECT_COLUMNS), repr=False
    )

    def catchment(
        self,
        zone_ids: Iterable[str] | Mapping[str, float],
        day_offset: int = 0,
        days: int | None = None,
    ) -> dict[str, CycleDemand]:
        """Demand of the sum of `zone_ids` per product over `days` days from `day_offset`.

        A mapping zone -> share takes that share of each zone's orders (zones split between hubs):
        the mean scales by the share, the variance of an own-model zone by the share too (an upper
        bound for a thinned count). Own-model zones are taken as independent. For sparse zones of
        one group, the group's variance-to-mean ratio phi_g splits into a local part b_g (units
        per order line, the compound-Poisson index sum(y**2) / sum(y) of their days) and a common
        part shared in proportion to the catchment's share:
        ``b_g * M + (phi_g - b_g)+ * M**2 / G`` for zone mean M out of group mean G. The
        uncertainty of calendar effects (`calendar_sd`) is common to the zones of a day: their
        standard deviations add up per product and day, and the days' variances add up.

        Parameters
        ----------
        zone_ids
            Zones of the catchment, or zone -> share in [0, 1]; unknown zones add nothing.
        day_offset, days
            The window of forecast days (default: the first cycle).

        Returns
        -------
        dict[str, CycleDemand]
            product_id -> demand; products without history in these zones are absent.
        """
        days = self.cycle_days if days is None else days
        if day_offset < 0 or days < 1 or day_offset + days > self.horizon_days:
            raise ValueError(
                f"days: window [{day_offset}, {day_offset + days}) is outside the "
                f"{self.horizon_days}-day horizon"
            )
        shares = _zone_shares(zone_ids)
        parts = [(self.rows_of_zone[z], a) for z, a in shares.items() if z in self.rows_of_zone]
        if not parts:
            return {}
        rows = np.concatenate([zone_rows for zone_rows, _ in parts])
        thinning = np.concatenate([np.full(len(zone_rows), a) for zone_rows, a in parts])
        window = slice(day_offset, day_offset + days)
        mean = thinning * self.daily_mean[rows, window].sum(axis=1)
        products = self.table["product_id"].to_numpy()[rows]
        groups = self.group_of[rows]
        own = groups < 0
        frame = pd.DataFrame({"product": products, "mean": mean, "group": groups})
        frame["own_var"] = np.where(own, self.dispersion[rows] * mean, 0.0)
        totals = frame.groupby("product")[["mean", "own_var"]].sum()
        if self.calendar_sd is not None:
            sd = pd.DataFrame(thinning[:, None] * self.calendar_sd[rows, window])
            totals["own_var"] += (sd.groupby(products).sum() ** 2).sum(axis=1)
        sparse = frame[~own].groupby(["product", "group"])["mean"].sum()
        group_var = pd.Series(0.0, index=totals.index)
        for (product, group), zone_mean in sparse.items():
            group_mean = self.group_daily_mean[group, window].sum()
            share = zone_mean / group_mean if group_mean > 0 else 0.0
            group_var[product] += _thinned_variance(
                zone_mean, share, self.group_dispersion[group], self.group_batch[group]
            )
        return {
            str(product): CycleDemand(
                float(row["mean"]), float(row["own_var"] + group_var[product])
            )
            for product, row in totals.iterrows()
        }

    def describe(self, zone_ids: Iterable[str]) -> dict[str, str]:
        """Per product, which models forecast these zones, e.g. ``12 zones: SeasonalES x9 ...``."""
        table = self.table[self.table["zone_id"].isin(set(zone_ids))]
        notes = {}
        for product, rows in table.groupby("product_id"):
            counts = (
                rows["model"].str.replace("group:", "sparse-group ", regex=False).value_counts()
            )
            models = ", ".join(f"{name} x{count}" for name, count in counts.items())
            notes[str(product)] = f"{len(rows)} zones with history: {models}"
        return notes

    def zone_mean_per_day(self, zone_id: str) -> float:
        """Expected units per day of all products in `zone_id` (0 if it has no history)."""
        rows = self.rows_of_zone.get(zone_id)
        if rows is None:
            return 0.0
        return float(self.daily_mean[rows].sum() / self.horizon_days)


def forecast_demand(
    history: pd.DataFrame,
    start: date,
    horizon_days: int = 1,
    seed: int = 0,
    cycle_days: int | None = None,
    n_jobs: int = 1,
    all_candidates: bool = False,
    calendar: Calendar | None = None,
    boosting: bool = False,
) -> DemandForecast:
    """Forecast each zone x product series from `start` for `horizon_days` days.

    Parameters
    ----------
    history
        One row per (zone_id, product_id, date) with ``quantity >= 0``; missing days are zero
        demand; every date must be before `start`.
    start
        The first day forecast.
    horizon_days
        Days forecast; at least `cycle_days`.
    seed
        Kept for the stage interface; every model here is deterministic.
    cycle_days
        Days in one replenishment cycle (default `horizon_days`): the variance is calibrated on
        cycle totals of this length (capped at a week).
    n_jobs
        Processes statsforecast may use.
    all_candidates
        Also forecast with every candidate, not only the chosen one, to score them (`candidates`).
    calendar
        Public holidays, paydays and declared events (default: none, no calendar effects). Their
        effects are learned per series from the past days with the same label where that helps
        (see `calendar_effects`); a declared uplift is used where the event never occurred.
    boosting
        With a calendar, also try the global LightGBM candidate with calendar features (see
        `boosting`) where the history is long enough; off by default (not better on Favorita,
        see ``benchmarks/results/events.md``).

    Returns
    -------
    DemandForecast

    Raises
    ------
    ValueError
        On a missing column, a negative quantity, a date on or after `start`, a bad horizon, or
        a calendar event naming a product absent from the history.
    """
    del seed
    cycle_days = horizon_days if cycle_days is None else cycle_days
    if horizon_days < 1 or not 1 <= cycle_days <= horizon_days:
        raise ValueError(
            f"horizon_days: {horizon_days} must be >= 1 and >= cycle_days ({cycle_days})"
        )
    panel = build_panel(history, start)
    values = panel.values
    n_series = values.shape[0]
    recent = values[:, -RECENT_DAYS:]
    own = (recent > 0).sum(axis=1) >= MIN_RECENT_DEMAND_DAYS
    sparse = ~own & (values.sum(axis=1) > 0)
    group_products = np.unique(panel.product_ids[sparse]) if sparse.any() else np.array([])
    group_index = {product: i for i, product in enumerate(group_products)}
    group_of = np.full(n_series, -1)
    group_of[sparse] = [group_index[p] for p in panel.product_ids[sparse]]
    group_values = np.zeros((len(group_products), panel.n_days))
    np.add.at(group_values, group_of[sparse], values[sparse])
    own_rows = np.nonzero(own)[0]
    group_batch = _batch_index(values, group_of, len(group_products))
    fit_values = np.vstack([values[own_rows], group_values])
    products_of_fit = np.concatenate([panel.product_ids[own_rows], group_products])
    effects = None
    if calendar is not None and n_series:
        calendar.check_products(panel.product_ids)
        effects = calendar_effects(
            fit_values, products_of_fit, panel.first_day, horizon_days, calendar
        )
        raw_fit_values, fit_values = fit_values, effects.cleaned
    selection = select_and_forecast(
        fit_values[:, -FIT_DAYS:], horizon_days, cycle_days, n_jobs, all_candidates
    )
    base_forecast = selection.forecasts[selection.chosen, np.arange(len(selection.chosen))]
    if effects is not None:
        selection = replace(selection, forecasts=selection.forecasts * effects.factors[None])
        if boosting:
            try:
                from pickup_net.forecast.boosting import add_boosted  # LightGBM only when asked
            except ImportError as error:
                raise ImportError(
                    "boosting=True needs the 'boost' extra (mlforecast, lightgbm): "
                    "pip install 'pickup-net[boost]'"
                ) from error

            selection, effects = add_boosted(
                selection,
                effects,
                raw_fit_values,
                products_of_fit,
                panel.first_day,
                horizon_days,
                calendar,
                cycle_days,
            )
    n_own = len(own_rows)
    fit_dispersion = _dispersion(selection, products_of_fit)
    chosen_forecast = selection.forecasts[selection.chosen, np.arange(len(selection.chosen))]
    share = _sparse_shares(values, group_of)
    daily_mean = np.zeros((n_series, horizon_days))
    daily_mean[own_rows] = chosen_forecast[:n_own]
    daily_mean[sparse] = share[sparse, None] * chosen_forecast[n_own:][group_of[sparse]]
    dispersion = np.ones(n_series)
    dispersion[own_rows] = fit_dispersion[:n_own]
    dispersion[sparse] = fit_dispersion[n_own:][group_of[sparse]]
    model = np.full(n_series, "zero history", dtype=object)
    names = np.array(selection.model_names, dtype=object)
    model[own_rows] = names[selection.chosen[:n_own]]
    model[sparse] = "group:" + names[selection.chosen[n_own:]][group_of[sparse]]
    cycle_mean = daily_mean[:, :cycle_days].sum(axis=1)
    cycle_var = _cycle_variance(
        cycle_mean, dispersion, group_of, share, fit_dispersion[n_own:], group_batch
    )
    fit_row = np.full(n_series, -1)
    fit_row[own_rows] = np.arange(n_own)
    fit_row[sparse] = n_own + group_of[sparse]
    calendar_sd = None
    if effects is not None:
        calendar_sd = np.where(
            fit_row[:, None] >= 0, daily_mean * effects.relative_sd[fit_row], 0.0
        )
        cycle_var = cycle_var + (calendar_sd[:, :cycle_days] ** 2).sum(axis=1)
    changes = effect_table(panel, start, effects, fit_row, group_of, share, base_forecast)
    table = pd.DataFrame(
        {
            "zone_id": panel.zone_ids,
            "product_id": panel.product_ids,
            "model": model,
            "mean_per_day": daily_mean.mean(axis=1) if n_series else np.zeros(0),
            "cycle_mean": cycle_mean,
            "cycle_var": cycle_var,
            "cycle_p90": cycle_quantiles(cycle_mean, cycle_var, 0.90),
            "cycle_p95": cycle_quantiles(cycle_mean, cycle_var, 0.95),
            "dispersion": dispersion,
            "group": [
                f"{p}/sparse" if g >= 0 else ""
                for p, g in zip(panel.product_ids, group_of, strict=True)
            ],
            "calendar": effect_notes(changes, n_series),
        },
        columns=TABLE_COLUMNS,
    )
    return DemandForecast(
        table=table,
        start=start,
        horizon_days=horizon_days,
        cycle_days=cycle_days,
        daily_mean=daily_mean,
        dispersion=dispersion,
        group_of=group_of,
        group_daily_mean=chosen_forecast[n_own:],
        group_dispersion=fit_dispersion[n_own:],
        group_batch=group_batch,
        candidates=_candidate_forecasts(
            selection, panel, own_rows, sparse, group_of, share, all_candidates
        ),
        mase_scale=_seasonal_scale(values, np.abs),
        rmsse_scale=_seasonal_scale(values, np.square),
        rows_of_zone=_rows_of_zone(panel),
        calendar_sd=calendar_sd,
        calendar_effects=changes,
    )


def _zone_shares(zone_ids: Iterable[str] | Mapping[str, float]) -> dict[str, float]:
    """Zone -> share of its orders, checked (a plain iterable means whole zones)."""
    if not isinstance(zone_ids, Mapping):
        return dict.fromkeys(zone_ids, 1.0)
    for zone, share in zone_ids.items():
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"zone_ids[{zone!r}]: share {share} must be in [0, 1]")
    return {str(zone): float(share) for zone, share in zone_ids.items()}


def _dispersion(selection: Selection, products: np.ndarray) -> np.ndarray:
    """Variance-to-mean ratio of cycle totals per fitted series, shrunk to its product's pool."""
    frame = pd.DataFrame(
        {"product": products, "sse": selection.block_sse, "mean": selection.block_mean}
    )
    pooled = frame.groupby("product")[["sse", "mean"]].transform("sum")
    pool_ratio = np.where(pooled["mean"] > 0, pooled["sse"] / pooled["mean"].clip(lower=1e-12), 1.0)
    pool_ratio = np.maximum(pool_ratio, 1.0)
    ratio = (frame["sse"] + PRIOR_UNITS * pool_ratio) / (frame["mean"] + PRIOR_UNITS)
    return np.maximum(ratio.to_numpy(dtype=float), 1.0)


def _sparse_shares(values: np.ndarray, group_of: np.ndarray) -> np.ndarray:
    """Each sparse series' share of its group, by history weighted with a half-life."""
    n_days = values.shape[1]
    weights = 0.5 ** (np.arange(n_days)[::-1] / SHARE_HALF_LIFE_DAYS)
    weighted = values @ weights if n_days else np.zeros(values.shape[0])
    share = np.zeros(values.shape[0])
    sparse = group_of >= 0
    if sparse.any():
        totals = np.bincount(group_of[sparse], weights=weighted[sparse])
        share[sparse] = weighted[sparse] / totals[group_of[sparse]]
    return share


def _cycle_variance(
    cycle_mean: np.ndarray,
    dispersion: np.ndarray,
    group_of: np.ndarray,
    share: np.ndarray,
    group_dispersion: np.ndarray,
    group_batch: np.ndarray,
) -> np.ndarray:
    """Variance of each series' first-cycle units (a thinned group count for sparse series)."""
    variance = dispersion * cycle_mean
    sparse = group_of >= 0
    if sparse.any():
        groups = group_of[sparse]
        variance[sparse] = _thinned_variance(
            cycle_mean[sparse], share[sparse], group_dispersion[groups], group_batch[groups]
        )
    return variance


def _thinned_variance(
    mean: np.ndarray | float,
    share: np.ndarray | float,
    dispersion: np.ndarray | float,
    batch: np.ndarray | float,
) -> np.ndarray | float:
    """Variance of a `share` of a group count: local batch part plus shared common part."""
    return batch * mean + np.maximum(dispersion - batch, 0.0) * share * mean


def _batch_index(values: np.ndarray, group_of: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, sum(y**2) / sum(y) over its zones' days: units per order line, at least 1."""
    sparse = group_of >= 0
    squares = np.bincount(group_of[sparse], (values[sparse] ** 2).sum(axis=1), n_groups)
    units = np.bincount(group_of[sparse], values[sparse].sum(axis=1), n_groups)
    return np.maximum(np.divide(squares, units, out=np.ones(n_groups), where=units > 0), 1.0)


def _candidate_forecasts(
    selection: Selection,
    panel: Panel,
    own_rows: np.ndarray,
    sparse: np.ndarray,
    group_of: np.ndarray,
    share: np.ndarray,
    all_candidates: bool,
) -> dict[str, np.ndarray]:
    """Each candidate's daily forecast per series (seasonal naive, the series' own, always)."""
    n_own = len(own_rows)
    horizon = selection.forecasts.shape[2]
    result = {}
    for index, name in enumerate(selection.model_names if all_candidates else []):
        forecast = np.zeros((panel.values.shape[0], horizon))
        forecast[own_rows] = selection.forecasts[index, :n_own]
        forecast[sparse] = (
            share[sparse, None] * selection.forecasts[index, n_own:][group_of[sparse]]
        )
        result[name] = forecast
    result[SEASONAL_NAIVE] = _seasonal_naive(panel.values, horizon)
    return result


def _seasonal_naive(values: np.ndarray, horizon_days: int) -> np.ndarray:
    """The same weekday of the last week seen, repeated."""
    n_series, n_days = values.shape
    if n_days < SEASON_DAYS:
        return np.repeat(
            values.mean(axis=1, keepdims=True) if n_days else np.zeros((n_series, 1)),
            horizon_days,
            axis=1,
        )
    last_week = values[:, -SEASON_DAYS:]
    return np.tile(last_week, (1, -(-horizon_days // SEASON_DAYS)))[:, :horizon_days]


def _seasonal_scale(values: np.ndarray, loss: np.ufunc) -> np.ndarray:
    """In-sample mean loss of the seasonal naive forecast: the MASE / RMSSE denominator."""
    if values.shape[1] <= SEASON_DAYS:
        return np.zeros(values.shape[0])
    return loss(values[:, SEASON_DAYS:] - values[:, :-SEASON_DAYS]).mean(axis=1)


def _rows_of_zone(panel: Panel) -> dict[str, np.ndarray]:
    """Row indices of each zone's series."""
    if len(panel.zone_ids) == 0:
        return {}
    frame = pd.Series(np.arange(len(panel.zone_ids))).groupby(panel.zone_ids)
    return {str(zone): rows.to_numpy() for zone, rows in frame}
