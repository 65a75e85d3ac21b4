"""Backtest the forecast and stock stages on a planner's own history.

The last `weeks` weeks are held out one at a time: the forecast is made from the days before the
week only, stock is planned for each replenishment cycle of the week, and the real orders of the
week are replayed against it. Reported per week: fill rate (demand served from hub stock), units
left over at cycle ends, and zone-level forecast errors (MASE, RMSSE) of the chosen models, of
every candidate, and of seasonal naive.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pickup_net.domain import Product
from pickup_net.forecast import SEASONAL_NAIVE, DemandForecast, forecast_demand
from pickup_net.stock import HubDemand, plan_stock

WEEK_DAYS = 7
CHOSEN = "chosen"


@dataclass(frozen=True)
class BacktestHub:
    """A hub replayed in the backtest: its limits and the zones of its catchment.

    `zone_ids` may map zone -> share of the zone's orders served by this hub (zones split
    between hubs); a plain sequence means whole zones.
    """

    hub_id: str
    storage_liters: float
    max_pickups_per_day: int
    zone_ids: Sequence[str] | Mapping[str, float]


@dataclass(frozen=True)
class WeekResult:
    """One held-out week: what was stocked, asked, served and left, and the forecast errors.

    `stock` maps (hub_id, product_id) to units stocked per cycle of the week, in cycle order.
    `errors` maps a model name (or "chosen") to {"mase": ..., "rmsse": ...} over the zone series.
    """

    week_start: date
    demand_units: float
    served_units: float
    leftover_units: float
    stock_units: int
    expected_fill_rate: float
    stock: dict[tuple[str, str], list[int]]
    errors: dict[str, dict[str, float]]
    models: dict[str, int]

    @property
    def fill_rate(self) -> float:
        """Share of the week's hub demand served from hub stock (1 if there was none)."""
        return self.served_units / self.demand_units if self.demand_units > 0 else 1.0


@dataclass(frozen=True)
class BacktestResult:
    """Every held-out week, in date order, and how stock was set."""

    target_service_level: float | None
    method: str
    cycle_days: int
    weeks: list[WeekResult] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The report as plain JSON-ready data (see `pickup-net backtest --json`)."""
        demand = sum(week.demand_units for week in self.weeks)
        served = sum(week.served_units for week in self.weeks)
        errors = _mean_errors(self.weeks)
        counts: dict[str, int] = {}
        for week in self.weeks:
            for name, count in week.models.items():
                counts[name] = counts.get(name, 0) + count
        return {
            "target_service_level": self.target_service_level,
            "method": self.method,
            "cycle_days": self.cycle_days,
            "fill_rate": served / demand if demand > 0 else 1.0,
            "leftover_units": sum(week.leftover_units for week in self.weeks),
            "weeks": [
                {
                    "week_start": week.week_start.isoformat(),
                    "fill_rate": week.fill_rate,
                    "leftover_units": week.leftover_units,
                    "demand_units": week.demand_units,
                    "served_units": week.served_units,
                    "stock_units": week.stock_units,
                    "expected_fill_rate": week.expected_fill_rate,
                    "error": {
                        "metric": "mase",
                        "chosen": week.errors[CHOSEN]["mase"],
                        "seasonal_naive": week.errors[SEASONAL_NAIVE]["mase"],
                    },
                }
                for week in self.weeks
            ],
            "error": {
                "metric": "mase",
                "chosen": errors[CHOSEN]["mase"],
                "seasonal_naive": errors[SEASONAL_NAIVE]["mase"],
                "rmsse": {
                    "chosen": errors[CHOSEN]["rmsse"],
                    "seasonal_naive": errors[SEASONAL_NAIVE]["rmsse"],
                },
            },
            "models": {
                name: {**values, "series_chosen": counts.get(name, 0)}
                for name, values in errors.items()
                if name != CHOSEN
            },
        }


def backtest(
    history: pd.DataFrame,
    hubs: Sequence[BacktestHub],
    products: Sequence[Product],
    service_level: float | None,
    weeks: int,
    cycle_days: int = 1,
    end: date | None = None,
    n_jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Hold out the last `weeks` weeks before `end` and replay each against stock planned from
    the forecast made before it.

    Parameters
    ----------
    history
        Zone-level daily history (zone_id, product_id, date, quantity), as for `forecast_demand`.
    hubs
        Hubs with storage, pickup capacity and catchment zones.
    products
        Product volumes and costs.
    service_level
        Target fill rate, or None for each product's newsvendor ratio.
    weeks
        Number of held-out weeks (>= 1).
    cycle_days
        Days per replenishment cycle; a week is replayed as consecutive cycles.
    end
        The first day after the held-out weeks (default: the day after the last history day).
    n_jobs
        Processes for statsforecast.
    progress
        Called as ``progress(done_weeks, weeks)``.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ValueError
        When `weeks` < 1, `cycle_days` is outside 1..7, or the history does not cover the weeks.
    """
    if weeks < 1:
        raise ValueError(f"weeks: {weeks} must be >= 1")
    if not 1 <= cycle_days <= WEEK_DAYS:
        raise ValueError(f"cycle_days: {cycle_days} must be between 1 and {WEEK_DAYS}")
    if history.empty:
        raise ValueError("history: empty, nothing to backtest")
    days = pd.to_datetime(history["date"]).dt.normalize()
    end = end or (days.max() + pd.Timedelta(days=1)).date()
    first_week = end - timedelta(days=WEEK_DAYS * weeks)
    if days.min().date() >= first_week:
        raise ValueError(
            f"weeks: {weeks} held-out weeks start {first_week}, but the history starts "
            f"{days.min().date()}: nothing left to forecast from"
        )
    replayed: list[WeekResult] = []
    method = ""
    for index in range(weeks):
        week_start = first_week + timedelta(days=WEEK_DAYS * index)
        past = history[days < pd.Timestamp(week_start)]
        in_week = (days >= pd.Timestamp(week_start)) & (
            days < pd.Timestamp(week_start + timedelta(days=WEEK_DAYS))
        )
        week, method = _replay_week(
            past, history[in_week], week_start, hubs, products, service_level, cycle_days, n_jobs
        )
        replayed.append(week)
        if progress is not None:
            progress(index + 1, weeks)
    return BacktestResult(service_level, method, cycle_days, replayed)


def _replay_week(
    past: pd.DataFrame,
    actual: pd.DataFrame,
    week_start: date,
    hubs: Sequence[BacktestHub],
    products: Sequence[Product],
    service_level: float | None,
    cycle_days: int,
    n_jobs: int,
) -> tuple[WeekResult, str]:
    """Forecast from `past`, stock every cycle of the week, and serve the `actual` orders."""
    forecast = forecast_demand(
        past,
        week_start,
        horizon_days=WEEK_DAYS,
        cycle_days=cycle_days,
        n_jobs=n_jobs,
        all_candidates=True,
    )
    offsets = (
        pd.to_datetime(actual["date"]).dt.normalize() - pd.Timestamp(week_start)
    ).dt.days.to_numpy()
    actual = actual.assign(offset=offsets, zone_id=actual["zone_id"].astype(str))
    demand_units = served_units = leftover_units = expected_demand = expected_served = 0.0
    stock: dict[tuple[str, str], list[int]] = {}
    method = ""
    for first_day in range(0, WEEK_DAYS, cycle_days):
        length = min(cycle_days, WEEK_DAYS - first_day)
        hub_demands = [
            HubDemand(
                hub.hub_id,
                hub.storage_liters,
                hub.max_pickups_per_day,
                forecast.catchment(hub.zone_ids, first_day, length),
                cycle_days=length,
            )
            for hub in hubs
        ]
        plan = plan_stock(hub_demands, products, service_level)
        method = plan.method
        plan_units = {(line.hub_id, line.product_id): line.units for line in plan.lines}
        in_cycle = actual[(actual["offset"] >= first_day) & (actual["offset"] < first_day + length)]
        asked = _hub_demand(in_cycle, hubs)
        for hub in hub_demands:
            for product_id, cycle in hub.demand.items():
                units = plan_units[hub.hub_id, product_id]
                expected_demand += cycle.mean
                expected_served += cycle.mean - cycle.expected_shortfall(units)
        for line in plan.lines:
            wanted = asked.get((line.hub_id, line.product_id), 0.0)
            served = min(float(line.units), wanted)
            demand_units += wanted
            served_units += served
            leftover_units += line.units - served
            stock.setdefault((line.hub_id, line.product_id), []).append(line.units)
    week = WeekResult(
        week_start=week_start,
        demand_units=demand_units,
        served_units=served_units,
        leftover_units=leftover_units,
        stock_units=sum(sum(units) for units in stock.values()),
        expected_fill_rate=expected_served / expected_demand if expected_demand > 0 else 1.0,
        stock=stock,
        errors=_errors(forecast, actual),
        models=_model_counts(forecast),
    )
    return week, method


def _hub_demand(orders: pd.DataFrame, hubs: Sequence[BacktestHub]) -> dict[tuple[str, str], float]:
    """Units asked per (hub, product) by the hubs' catchment zones (split zones by share)."""
    links = pd.DataFrame(
        [
            (hub.hub_id, zone, share)
            for hub in hubs
            for zone, share in (
                hub.zone_ids.items()
                if isinstance(hub.zone_ids, Mapping)
                else ((zone, 1.0) for zone in hub.zone_ids)
            )
        ],
        columns=["hub_id", "zone_id", "share"],
    )
    served = orders.merge(links, on="zone_id")
    served["units"] = served["quantity"] * served["share"]
    totals = served.groupby(["hub_id", "product_id"])["units"].sum()
    return {(str(hub), str(product)): float(units) for (hub, product), units in totals.items()}


def _errors(forecast: DemandForecast, actual: pd.DataFrame) -> dict[str, dict[str, float]]:
    """MASE and RMSSE of every model over the zone series that had history and a scale."""
    table = forecast.table
    row_of = pd.Series(
        np.arange(len(table)),
        index=pd.MultiIndex.from_frame(table[["zone_id", "product_id"]].astype(str)),
    )
    observed = np.zeros((len(table), WEEK_DAYS))
    if len(table):
        keys = pd.MultiIndex.from_frame(actual[["zone_id", "product_id"]].astype(str))
        rows = row_of.reindex(keys).to_numpy()
        known = ~np.isnan(rows)
        np.add.at(
            observed,
            (rows[known].astype(int), actual["offset"].to_numpy()[known]),
            actual["quantity"].to_numpy(dtype=float)[known],
        )
    usable = (forecast.mase_scale > 0) & (forecast.rmsse_scale > 0)
    models = {CHOSEN: forecast.daily_mean, **forecast.candidates}
    result = {}
    for name, predicted in models.items():
        error = predicted[usable] - observed[usable]
        mase = np.abs(error).mean(axis=1) / forecast.mase_scale[usable]
        rmsse = np.sqrt((error**2).mean(axis=1) / forecast.rmsse_scale[usable])
        result[name] = {
            "mase": float(mase.mean()) if mase.size else float("nan"),
            "rmsse": float(rmsse.mean()) if rmsse.size else float("nan"),
            "series": int(usable.sum()),
        }
    return result


def _model_counts(forecast: DemandForecast) -> dict[str, int]:
    """How many zone series used each model (directly or through their sparse group)."""
    names = forecast.table["model"].str.removeprefix("group:")
    return {str(name): int(count) for name, count in names.value_counts().items()}


def _mean_errors(weeks: Sequence[WeekResult]) -> dict[str, dict[str, float]]:
    """Series-weighted mean of each model's weekly errors."""
    names = weeks[0].errors.keys() if weeks else []
    result = {}
    for name in names:
        scored = [week.errors[name] for week in weeks if week.errors[name]["series"] > 0]
        weights = [errors["series"] for errors in scored]
        result[name] = {
            metric: float(np.average([errors[metric] for errors in scored], weights=weights))
            if scored
            else float("nan")
            for metric in ("mase", "rmsse")
        }
    return result
