"""The demand of each day of a horizon: which days the forecast must cover, and the orders of
each day (day one: the booked orders; later days: one seeded draw from the forecast), shared by
the plan and its baselines so that both are priced on the same days."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pickup_net.domain import Scenario
from pickup_net.domain.scenario import MAX_FORECAST_GAP_DAYS
from pickup_net.forecast import Calendar, DemandForecast, Event, forecast_demand
from pickup_net.planning.history import OrderHistory

ORDER_COLUMNS = ["customer_id", "product_id", "quantity"]


@dataclass(frozen=True)
class ForecastWindow:
    """Where the forecast starts (the day after the last order) and the plan's offset in it."""

    start: date
    gap_days: int
    horizon_days: int

    @property
    def days(self) -> int:
        """Days forecast: the gap before the plan date and the plan's horizon."""
        return self.gap_days + self.horizon_days

    def offset(self, day: int) -> int:
        """Index in the forecast of day `day` of the plan (0: the plan date)."""
        return self.gap_days + day


def forecast_window(history: OrderHistory, plan_date: date, horizon_days: int) -> ForecastWindow:
    """The forecast covers every day from the end of the history to the end of the horizon.

    Raises
    ------
    ValueError
        When the plan date is more than `MAX_FORECAST_GAP_DAYS` days after the last order.
    """
    past = history.orders.loc[history.orders["day"] < pd.Timestamp(plan_date), "day"]
    if past.empty:
        raise ValueError(f"parameters.plan_date: {plan_date} is not after any order")
    start = past.max().date() + timedelta(days=1)
    gap = (plan_date - start).days
    if gap > MAX_FORECAST_GAP_DAYS:
        raise ValueError(
            f"parameters.plan_date: {plan_date} is {gap} days after the day after the last order "
            f"({start - timedelta(days=1)}); at most {MAX_FORECAST_GAP_DAYS} days between "
            "history and plan can be forecast honestly: add recent orders or move plan_date closer"
        )
    return ForecastWindow(start, gap, horizon_days)


def horizon_forecast(
    scenario: Scenario, history: OrderHistory
) -> tuple[ForecastWindow, DemandForecast]:
    """The plan's forecast from the end of the history to the end of its horizon (calendar
    included), and its window: one place for the plan and the city model to build it."""
    params = scenario.parameters
    window = forecast_window(history, scenario.plan_date, params.horizon_days)
    forecast = forecast_demand(
        history.demand,
        window.start,
        window.days,
        params.seed,
        cycle_days=1,
        calendar=scenario_calendar(scenario, history.demand["product_id"].unique()),
    )
    return window, forecast


def scenario_calendar(scenario: Scenario, history_products: Collection[str]) -> Calendar | None:
    """The forecast's calendar: the country's public holidays, the payday rules switched on and
    the declared events (None when the scenario has none of them: no calendar effects).

    An event's products without history have no forecast to change and are left out of it (an
    event left with none is dropped)."""
    params = scenario.parameters
    if params.country is None and not params.paydays and not scenario.events:
        return None
    known = set(history_products)
    events = []
    for event in scenario.events:
        products = None
        if event.products is not None:
            products = frozenset(event.products) & known
            if not products:
                continue
        events.append(Event(event.date, event.name, event.uplift, products, event.end_date))
    return Calendar(country=params.country, events=tuple(events), rules=frozenset(params.paydays))


def day_orders(
    history: OrderHistory, forecast: DemandForecast, window: ForecastWindow, seed: int
) -> list[pd.DataFrame]:
    """Orders (customer_id, product_id, quantity) of every day of the horizon, every customer.

    Day one is the booked orders of the plan date. On later days each customer orders each
    product a Poisson number of units with mean its share of its zone's forecast for that day
    (its share of the zone's history); the draw depends only on `seed` and the day, so the plan
    and its baselines see the same demand whatever hubs they open.
    """
    days = [history.day_orders[ORDER_COLUMNS].reset_index(drop=True)]
    means = _customer_means(history, forecast)
    for day in range(1, window.horizon_days):
        rng = np.random.default_rng([seed, day])
        rate = (
            means["share"].to_numpy()
            * forecast.daily_mean[means["row"].to_numpy(), window.offset(day)]
        )
        drawn = rng.poisson(np.maximum(rate, 0.0))
        keep = drawn > 0
        days.append(
            pd.DataFrame(
                {
                    "customer_id": means["customer_id"].to_numpy()[keep],
                    "product_id": means["product_id"].to_numpy()[keep],
                    "quantity": drawn[keep].astype(float),
                },
                columns=ORDER_COLUMNS,
            )
        )
    return days


def _customer_means(history: OrderHistory, forecast: DemandForecast) -> pd.DataFrame:
    """One row per customer and forecast series of its zone: the series row and the customer's
    share of the zone's history units."""
    people = pd.DataFrame(
        {
            "customer_id": [c.id for c in history.customers],
            "zone_id": [c.zone_id for c in history.customers],
            "units": [c.units for c in history.customers],
        }
    )
    people["share"] = people["units"] / people.groupby("zone_id")["units"].transform("sum")
    people["share"] = people["share"].fillna(0.0)
    series = forecast.table[["zone_id", "product_id"]].assign(row=np.arange(len(forecast.table)))
    return people.merge(series, on="zone_id", how="inner").sort_values(
        ["customer_id", "product_id"], kind="stable"
    )
