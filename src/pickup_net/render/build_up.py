"""The build-up before a peak, for the terminal and the shop view: on a day whose forecast an
event raised, how much stock the hubs (or one shop) hold ready for it against an ordinary day.

A peak day is a day of the plan with an event whose calendar forecast is above the forecast
without the calendar (plan.json's forecast `calendar` details). "Usually" is the median over the
plan's days before the peak's eve, so a build-up spread over the last day or two still shows.
"""

from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Any

from pickup_net.domain import Day, Plan

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Peak:
    """A day of the plan raised by an event: its index in the plan's days, date and name."""

    index: int
    date: date
    name: str

    @property
    def weekday(self) -> str:
        """The peak's weekday name."""
        return WEEKDAYS[self.date.weekday()]

    @property
    def eve(self) -> str:
        """The weekday name of the day before the peak."""
        return WEEKDAYS[(self.date.weekday() - 1) % 7]


def peaks(plan: Plan) -> list[Peak]:
    """The plan's days (after its first) with an event that raised the forecast."""
    calendar: dict[str, Any] = plan.stages["forecast"].details.get("calendar") or {}
    index = {day.date.isoformat(): n for n, day in enumerate(plan.days)}
    found = []
    for day in calendar.get("days", []):
        n = index.get(day["date"])
        if n and day["events"] and day["forecast_units"] > day["units_without_calendar"]:
            found.append(Peak(n, plan.days[n].date, ", ".join(day["events"])))
    return found


def closing_units(day: Day, shop_id: str | None = None) -> float:
    """Units on the hubs' shelves (or one shop's) at the end of `day`."""
    return sum(s.closing_units for s in day.stock if shop_id is None or s.shop_id == shop_id)


def ready_units(day: Day, shop_id: str) -> float:
    """Units one shop keeps ready on `day`: its opening stock plus that day's delivery."""
    return sum(s.opening_units + s.delivered_units for s in day.stock if s.shop_id == shop_id)


def usual(values: list[float]) -> float:
    """The ordinary level: the median of `values` (0 when there are none)."""
    return float(median(values)) if values else 0.0


def build_up_lines(plan: Plan) -> list[str]:
    """One sentence per peak: the hubs' stock on the peak's eve against the usual evening."""
    lines = []
    for peak in peaks(plan):
        held = closing_units(plan.days[peak.index - 1])
        ordinary = usual([closing_units(day) for day in plan.days[: peak.index - 1]])
        when = f"{peak.name} ({peak.weekday} {peak.date.isoformat()})"
        if held > ordinary:
            lines.append(
                f"Build-up for {when}: the hubs hold {held:,.0f} units by {peak.eve} evening "
                f"against {ordinary:,.0f} usually"
            )
        else:
            lines.append(
                f"No build-up for {when}: the vans bring its stock on the day (the hubs hold "
                f"{held:,.0f} units by {peak.eve} evening, {ordinary:,.0f} usually)"
            )
    return lines
