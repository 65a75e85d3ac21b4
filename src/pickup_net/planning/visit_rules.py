"""Visit rules of the day loop: which hubs the vans visit each day and what each visit brings.

- `inventory_routing` (the default, `parameters.visit_rule: irp`): every morning the schedule MIP
  (`visit_schedule`) decides the visits and quantities of all the remaining days at once from the
  shelves as they are, priced by route-cost estimates (`visit_prices`); that day's part is kept
  (a rolling horizon), so a hub is visited only when a visit pays for itself, and stock for a
  day the vans cannot fully supply arrives on the days before it.
- `below_safety_level` (`visit_rule: below_safety_level`): a hub is visited on a delivery day when
  a shelf is below its safety level and brought up to its order-up-to level (a heuristic).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from pickup_net.domain import Scenario, Shop
from pickup_net.planning.replenishment import DemandOf, HubLevels, delivery, needs_visit
from pickup_net.planning.van_routes import DriveMatrix, HomeDelivery
from pickup_net.planning.visit_prices import visit_prices
from pickup_net.planning.visit_schedule import ScheduleProblem, solve_schedule
from pickup_net.stock import HubDemand, plan_stock

OnHand = Mapping[str, Mapping[str, float]]
"""hub id -> product id -> units on the shelf this morning."""
Deliveries = dict[str, dict[str, int]]
"""hub id -> product id -> units a visit brings (only visited hubs)."""


@dataclass
class DayLoop:
    """What a visit rule sees: the hubs, each day's levels and delivery days, the catchments'
    demand, each day's home deliveries and the driving matrix they are routed on."""

    scenario: Scenario
    hubs: Sequence[Shop]
    levels: list[dict[str, HubLevels]]
    possible: Mapping[str, Sequence[bool]]
    demand_of: DemandOf
    homes: list[list[HomeDelivery]]
    drive: DriveMatrix

    @property
    def days(self) -> int:
        """Days of the horizon."""
        return len(self.levels)


class VisitRule(Protocol):
    """Deliveries of `day` given every hub's shelf that morning."""

    def __call__(self, day: int, on_hand: OnHand) -> Deliveries: ...


@dataclass
class BelowSafetyLevel:
    """Visit a hub a van may reach when some shelf is below its safety level; bring it up to the
    order-up-to level, within storage and the largest van."""

    loop: DayLoop

    def __call__(self, day: int, on_hand: OnHand) -> Deliveries:
        """Deliveries of the hubs below their safety level today."""
        vans = self.loop.scenario.vehicle_types
        liters, kg = max(v.capacity_liters for v in vans), max(v.capacity_kg for v in vans)
        products = self.loop.scenario.products
        out = {}
        for hub in self.loop.hubs:
            level = self.loop.levels[day][hub.id]
            if self.loop.possible[hub.id][day] and needs_visit(level, on_hand[hub.id]):
                out[hub.id] = delivery(
                    level, on_hand[hub.id], products, hub.storage_liters, liters, kg
                )
        return out


@dataclass
class InventoryRouting:
    """Rolling inventory routing: each morning the schedule MIP over the remaining days, today's
    visits and quantities kept."""

    loop: DayLoop
    _prices: dict[int, np.ndarray] = field(default_factory=dict)
    _arrays: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __call__(self, day: int, on_hand: OnHand) -> Deliveries:
        """Today's deliveries of the cheapest schedule from today's shelves to the horizon's end."""
        loop = self.loop
        if not loop.hubs:
            return {}
        problem = self.problem(day, on_hand)
        units = solve_schedule(problem, loop.scenario.parameters.seed)[:, :, 0]
        return {
            hub: {p: int(units[h, k]) for k, p in enumerate(problem.product_ids)}
            for h, hub in enumerate(problem.hub_ids)
            if units[h].sum() > 0
        }

    def problem(self, day: int, on_hand: OnHand) -> ScheduleProblem:
        """The schedule problem of days `day`..end from the shelves in `on_hand`."""
        loop, scenario = self.loop, self.loop.scenario
        products = scenario.products
        days = range(day, loop.days)
        mean, floor, ceiling = (
            np.stack(a, axis=2) for a in zip(*map(self._day, days), strict=True)
        )
        vans = scenario.vehicle_types
        trips = scenario.parameters.max_trips_per_van
        homes = [loop.homes[t] for t in days]
        return ScheduleProblem(
            hub_ids=[s.id for s in loop.hubs],
            product_ids=[p.id for p in products],
            liters=np.array([p.volume_liters for p in products]),
            kg=np.array([p.weight_kg for p in products]),
            holding=np.array([p.holding_cost for p in products]),
            stockout=np.array([p.stockout_cost for p in products]),
            opening=np.array([[on_hand[s.id].get(p.id, 0.0) for p in products] for s in loop.hubs]),
            mean=mean,
            floor=floor,
            ceiling=ceiling,
            storage_liters=np.array([s.storage_liters for s in loop.hubs]),
            visit_cost=np.stack([self._price(t) for t in days], axis=1),
            possible=np.array([[loop.possible[s.id][t] for t in days] for s in loop.hubs]),
            day_liters=np.array(
                [
                    sum(v.count * v.capacity_liters for v in vans) * trips
                    - sum(h.liters for h in home)
                    for home in homes
                ]
            ),
            day_kg=np.array(
                [
                    sum(v.count * v.capacity_kg for v in vans) * trips - sum(h.kg for h in home)
                    for home in homes
                ]
            ),
            trip_liters=max(v.capacity_liters for v in vans),
            trip_kg=max(v.capacity_kg for v in vans),
        )

    def _price(self, day: int) -> np.ndarray:
        """Route-cost estimate of each hub's visit on `day` (computed once per day)."""
        if day not in self._prices:
            loop = self.loop
            self._prices[day] = visit_prices(loop.scenario, loop.hubs, loop.homes[day], loop.drive)
        return self._prices[day]

    def _day(self, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(hub, product) arrays of `day`: expected demand, fill-rate floor and ceiling."""
        if day not in self._arrays:
            self._arrays[day] = day_levels(self.loop, day)
        return self._arrays[day]


def day_levels(loop: DayLoop, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per hub and product on `day`: expected demand; the floor, the stock that meets the fill-rate
    target of that day alone; the ceiling, the order-up-to level of the rest of the horizon (or
    the day's own order-up-to level when higher), cut to storage and pickup capacity."""
    scenario = loop.scenario
    products = scenario.products
    rest = loop.days - day

    def units(days: int) -> dict[tuple[str, str], int]:
        demands = [
            HubDemand(
                hub_id=s.id,
                storage_liters=s.storage_liters,
                max_pickups_per_day=s.max_pickups_per_day,
                demand=loop.demand_of(s.id, day, days),
                cycle_days=days,
            )
            for s in loop.hubs
        ]
        plan = plan_stock(demands, products, scenario.parameters.service_level)
        return {(line.hub_id, line.product_id): line.units for line in plan.lines}

    one, whole = units(1), units(rest)
    shape = (len(loop.hubs), len(products))
    mean, floor, ceiling = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for h, shop in enumerate(loop.hubs):
        today = loop.demand_of(shop.id, day, 1)
        level = loop.levels[day][shop.id].max_units
        for k, product in enumerate(products):
            law = today.get(product.id)
            mean[h, k] = law.mean if law is not None else 0.0
            floor[h, k] = one.get((shop.id, product.id), 0)
            ceiling[h, k] = max(whole.get((shop.id, product.id), 0), level.get(product.id, 0))
    return mean, floor, ceiling


RULES = {"irp": InventoryRouting, "below_safety_level": BelowSafetyLevel}
"""`parameters.visit_rule` -> the rule's class."""


def visit_rule(name: str, loop: DayLoop) -> VisitRule:
    """The visit rule called `name` (see `RULES`) over `loop`."""
    return RULES[name](loop)
