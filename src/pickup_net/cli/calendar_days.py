"""The plan's days on the terminal when the scenario has a calendar: each day's holiday, payday
and events, its forecast with and without the calendar, the units vans bring to the hubs and the
hubs' stock at closing (a peak and the build-up before it), then what each event changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from pickup_net.domain import Plan

CHANGES_SHOWN = 12
"""Calendar changes listed on the terminal (all of them are in plan.json)."""


def calendar_tables(result: Plan) -> list[Table]:
    """The days table and the changes table (none without a calendar)."""
    calendar: dict[str, Any] = result.stages["forecast"].details.get("calendar") or {}
    if not calendar:
        return []
    days = Table(title="forecast calendar and hub stock per day")
    columns = ("date", "calendar", "forecast units", "without calendar", "to hubs", "hub stock")
    for column in columns:
        days.add_column(column, justify="left" if column in ("date", "calendar") else "right")
    stock_of = {day.date.isoformat(): day.stock for day in result.days}
    for day in calendar["days"]:
        lines = stock_of.get(day["date"], [])
        labels = [*day["events"], *([day["holiday"]] if day["holiday"] else [])]
        labels += ["payday"] if day["payday"] else []
        days.add_row(
            day["date"],
            escape(", ".join(labels)),
            f"{day['forecast_units']:,.1f}",
            f"{day['units_without_calendar']:,.1f}",
            f"{sum(line.delivered_units for line in lines):,.0f}",
            f"{sum(line.closing_units for line in lines):,.0f}",
        )
    tables = [days]
    changes = calendar["changes"]
    if changes:
        shown = Table(title=f"forecast lines the calendar changed ({len(changes)} in plan.json)")
        for column in ("date", "label", "product", "factor", "units", "source"):
            shown.add_column(column, justify="right" if column in ("factor", "units") else "left")
        for change in changes[:CHANGES_SHOWN]:
            shown.add_row(
                change["date"],
                escape(change["label"]),
                escape(change["product_id"]),
                f"x{change['factor']:.2f}",
                f"{change['units_without']:,.1f} -> {change['units']:,.1f}",
                escape(f"{change['source']}, {change['zones']} zones"),
            )
        tables.append(shown)
    return tables
