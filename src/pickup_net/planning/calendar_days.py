"""The calendar of a plan's days for plan.json and the terminal: each day's public holiday,
payday and events, its forecast with and without the calendar, and every forecast line a
calendar label changed (summed over zones per day, label and product: which, how much, why)."""

from typing import Any

import pandas as pd

from pickup_net.domain import Scenario
from pickup_net.forecast import Calendar, DemandForecast
from pickup_net.planning.demand_days import ForecastWindow, scenario_calendar
from pickup_net.planning.horizon import Horizon
from pickup_net.planning.inputs import PlanInputs

CHANGE_KEYS = ("date", "label", "product_id", "source")


def calendar_of(inputs: PlanInputs, horizon: Horizon) -> dict[str, Any]:
    """`calendar_details` of the plan's scenario, forecast and window."""
    scenario = inputs.scenario
    products = inputs.history.demand["product_id"].unique()
    calendar = scenario_calendar(scenario, products)
    return calendar_details(scenario, calendar, horizon.forecast, horizon.window)


def calendar_details(
    scenario: Scenario,
    calendar: Calendar | None,
    forecast: DemandForecast,
    window: ForecastWindow,
) -> dict[str, Any]:
    """The forecast stage's `calendar` details: what the calendar held and what it changed on
    each day of the plan (empty when the scenario declares no calendar)."""
    if calendar is None:
        return {}
    params = scenario.parameters
    dates = pd.date_range(scenario.plan_date, periods=window.horizon_days)
    features = calendar.features(dates)
    changes = _plan_changes(forecast, window)
    lift = changes.assign(lift=changes["units"] - changes["units_without"])
    lift_of_day = lift.groupby("day_offset")["lift"].sum()
    days = []
    for day, when in enumerate(dates):
        offset = window.offset(day)
        units = float(forecast.daily_mean[:, offset].sum())
        row = features.iloc[day]
        days.append(
            {
                "date": when.date().isoformat(),
                "holiday": row["holiday"],
                "payday": bool(row["is_payday"]),
                "events": [name for name in str(row["events"]).split("; ") if name],
                "forecast_units": round(units, 2),
                "units_without_calendar": round(units - float(lift_of_day.get(offset, 0.0)), 2),
            }
        )
    return {
        "country": params.country,
        "paydays": list(params.paydays),
        "events": [event.model_dump(mode="json") for event in scenario.events],
        "days": days,
        "changes": _summed(changes),
    }


def _plan_changes(forecast: DemandForecast, window: ForecastWindow) -> pd.DataFrame:
    """The forecast's calendar changes on the plan's days (not the days before plan_date)."""
    effects = forecast.calendar_effects
    return effects[effects["day_offset"] >= window.gap_days].reset_index(drop=True)


def _summed(changes: pd.DataFrame) -> list[dict[str, Any]]:
    """One line per day, label, product and source: zones changed, the factor over them (units
    with / without) and its range over zones, units without and with the calendar."""
    if changes.empty:
        return []
    groups = changes.groupby(list(CHANGE_KEYS), sort=True)
    table = groups.agg(
        zones=("zone_id", "nunique"),
        factor_min=("factor", "min"),
        factor_max=("factor", "max"),
        units_without=("units_without", "sum"),
        units=("units", "sum"),
    ).reset_index()
    return [
        {
            "date": str(row.date),
            "label": row.label,
            "product_id": row.product_id,
            "source": row.source,
            "zones": int(row.zones),
            "factor": round(
                float(row.units / row.units_without if row.units_without > 0 else row.factor_min),
                3,
            ),
            "factor_range": [round(float(row.factor_min), 3), round(float(row.factor_max), 3)],
            "units_without": round(float(row.units_without), 2),
            "units": round(float(row.units), 2),
        }
        for row in table.itertuples(index=False)
    ]
