"""Replenishment, not a full refill: per hub and product an order-up-to (maximum) level and a
safety level from the same target, and what a visit brings: at most the maximum minus what is on
the shelf, within the hub's storage and one van.

Both levels come from the stock stage (`plan_stock`: the fill-rate target or newsvendor ratio,
cut to storage and pickup capacity) applied to the catchment's demand over a window of days:
- the order-up-to level covers the days until the next possible visit plus `lead_time_days`;
- the safety level covers the days until the next possible visit: a hub whose shelf holds at
  least that much of every product can skip today's visit.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pickup_net.domain import Product, Shop, StockLine
from pickup_net.domain.opening_hours import windows_on
from pickup_net.forecast import CycleDemand
from pickup_net.stock import HubDemand, StockPlan, plan_stock

DemandOf = Callable[[str, int, int], dict[str, CycleDemand]]
"""(hub id, first plan day, days) -> product -> the catchment's demand over those days."""


@dataclass(frozen=True)
class HubLevels:
    """One hub's levels on one day: order-up-to and safety units per product."""

    hub_id: str
    max_units: dict[str, int]
    safety_units: dict[str, int]


def delivery_days(
    shop: Shop,
    plan_date: date,
    horizon_days: int,
    lead_time_days: int,
    country: str | None = None,
    vans_work: Callable[[date], bool] | None = None,
) -> list[bool]:
    """Per day of the horizon, whether a van may deliver: the shop is open (`PH` rules on
    `country`'s public holidays), a van works (`vans_work`, default always) and the lead time
    has passed (lead time 1: the first day's stock must already be on the shelf)."""
    dates = [plan_date + timedelta(day) for day in range(horizon_days)]
    return [
        day >= lead_time_days
        and bool(windows_on(shop.opening_hours, when, country))
        and (vans_work is None or vans_work(when))
        for day, when in enumerate(dates)
    ]


def days_to_next_visit(possible: Sequence[bool], day: int) -> int:
    """Days from `day` to the next day after it when a van may deliver (the horizon's end
    counts as one: the next plan takes over there)."""
    for later in range(day + 1, len(possible)):
        if possible[later]:
            return later - day
    return max(1, len(possible) - day)


def hub_levels(
    hubs: Sequence[Shop],
    products: Sequence[Product],
    service_level: float | None,
    demand_of: DemandOf,
    day: int,
    possible: Mapping[str, Sequence[bool]],
    lead_time_days: int,
) -> tuple[StockPlan, dict[str, HubLevels]]:
    """Order-up-to and safety levels of every hub on `day`; also the order-up-to stock plan (its
    lines carry the reasons shown to owners)."""
    horizon = len(next(iter(possible.values()), []))

    def plan_for(extra: int) -> StockPlan:
        """The stock stage over the days until the next possible visit, plus `extra` days."""
        demands = []
        for shop in hubs:
            days = min(days_to_next_visit(possible[shop.id], day) + extra, horizon - day)
            demands.append(
                HubDemand(
                    hub_id=shop.id,
                    storage_liters=shop.storage_liters,
                    max_pickups_per_day=shop.max_pickups_per_day,
                    demand=demand_of(shop.id, day, days),
                    cycle_days=days,
                )
            )
        return plan_stock(demands, products, service_level)

    maximum = plan_for(lead_time_days)
    safety = maximum if lead_time_days == 0 else plan_for(0)
    levels = {
        shop.id: HubLevels(
            shop.id,
            _units(maximum.lines, shop.id),
            _units(safety.lines, shop.id),
        )
        for shop in hubs
    }
    return maximum, levels


VISIT_SHORTFALL_UNITS = 0.5
"""A product this far below its safety level calls a van (expected pickups leave fractions)."""


def needs_visit(levels: HubLevels, on_hand: Mapping[str, float]) -> bool:
    """Whether some product's shelf is at least half a unit below its safety level."""
    return any(
        units - on_hand.get(product, 0.0) >= VISIT_SHORTFALL_UNITS - 1e-9
        for product, units in levels.safety_units.items()
    )


def delivery(
    levels: HubLevels,
    on_hand: Mapping[str, float],
    products: Sequence[Product],
    storage_liters: float,
    van_liters: float,
    van_kg: float,
) -> dict[str, int]:
    """Whole units per product a visit brings: what is missing of the order-up-to level, rounded
    up (the shelf ends at the level, or less than a unit above it), scaled down so the shelf
    stays within storage and the delivery fits the largest van."""
    by_id = {p.id: p for p in products}
    wanted = {
        product: max(0, math.ceil(units - on_hand.get(product, 0.0) - 1e-9))
        for product, units in levels.max_units.items()
    }
    held = sum(units * by_id[p].volume_liters for p, units in on_hand.items() if p in by_id)
    liters = sum(units * by_id[p].volume_liters for p, units in wanted.items())
    kg = sum(units * by_id[p].weight_kg for p, units in wanted.items())
    ratio = min(
        1.0,
        max(0.0, storage_liters - held) / liters if liters > 0 else 1.0,
        van_liters / liters if liters > 0 else 1.0,
        van_kg / kg if kg > 0 else 1.0,
    )
    if ratio >= 1.0:
        return wanted
    return {p: math.floor(units * ratio) for p, units in wanted.items()}


def _units(lines: Sequence[StockLine], hub_id: str) -> dict[str, int]:
    return {line.product_id: line.units for line in lines if line.hub_id == hub_id}
