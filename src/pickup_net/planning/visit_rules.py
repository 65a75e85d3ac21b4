"""Visit rules of the day loop: which hubs the vans visit each day and what each visit brings.

- `inventory_routing` (the default, `parameters.visit_rule: irp`): every morning the schedule MIP
  (`visit_schedule`) decides the visits and quantities of all the remaining days at once from the
  shelves as they are, priced by route-cost estimates (`visit_prices`); that day's part is kept
  (a rolling horizon), so a hub is visited only when a visit pays for itself, and stock for a
  day the vans cannot fully supply arrives on the days before it.
- `below_safety_level` (`visit_rule: below_safety_level`): a hub is visited on a delivery day when
  a shelf is below its safety level and brought up to its order-up-to level (a heuristic).
- `daily_reload` (`visit_rule: daily_reload`): the policy before plans had days, kept as the
  backtest's reference: every hub gets its whole order-up-to level every delivery day as if its
  shelf were empty, and the van takes back what was left (no stock carries over).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy.stats import norm

from pickup_net.domain import Scenario, Shop
from pickup_net.forecast import CycleDemand, zero_demand
from pickup_net.planning.replenishment import DemandOf, HubLevels, delivery, needs_visit
from pickup_net.planning.van_routes import DriveMatrix, HomeDelivery
from pickup_net.planning.visit_prices import visit_prices
from pickup_net.planning.visit_schedule import ScheduleProblem, solve_schedule
from pickup_net.stock import stock_targets
from pickup_net.stock.quantity import hub_fill_rate_units
from pickup_net.stock.targets import DEFAULT_FILL_RATE

OnHand = Mapping[str, Mapping[str, float]]
"""hub id -> product id -> units on the shelf this morning."""
Deliveries = dict[str, dict[str, int]]
"""hub id -> product id -> units a visit brings (only visited hubs)."""


@dataclass
class DayLoop:
    """What a visit rule sees: the hubs, each day's levels and delivery days, the catchments'
    demand, each day's home deliveries, the driving matrix they are routed on and any day's cap
    on the litres brought to hubs."""

    scenario: Scenario
    hubs: Sequence[Shop]
    levels: list[dict[str, HubLevels]]
    possible: Mapping[str, Sequence[bool]]
    demand_of: DemandOf
    homes: list[list[HomeDelivery]]
    drive: DriveMatrix
    hub_liters: Mapping[int, float] = field(default_factory=dict)
    """Day -> the most litres the vans may bring to hubs that day, where routing showed the
    fleet's full trips to be out of reach (see `horizon.plan_days`)."""

    @property
    def days(self) -> int:
        """Days of the horizon."""
        return len(self.levels)


class VisitRule(Protocol):
    """Deliveries of `day` given every hub's shelf that morning; `keeps_stock` False: what is left
    on a shelf at night goes back to the depot."""

    keeps_stock: bool

    def __call__(self, day: int, on_hand: OnHand) -> Deliveries: ...


@dataclass
class BelowSafetyLevel:
    """Visit a hub a van may reach when some shelf is below its safety level; bring it up to the
    order-up-to level, within storage and the largest van."""

    loop: DayLoop
    keeps_stock: bool = True

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
    keeps_stock: bool = True
    _prices: dict[int, np.ndarray] = field(default_factory=dict)
    _means: dict[int, np.ndarray] = field(default_factory=dict)

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
        mean = np.stack([self._mean(t) for t in days], axis=2)
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
            cover=(cover := self._cover(day, mean)),
            ceiling=self._ceiling(day, cover, mean),
            storage_liters=np.array([s.storage_liters for s in loop.hubs]),
            visit_cost=np.stack([self._price(t) for t in days], axis=1),
            possible=np.array([[loop.possible[s.id][t] for t in days] for s in loop.hubs]),
            day_liters=np.array(
                [
                    min(
                        sum(v.count * v.capacity_liters for v in vans) * trips
                        - self._home_load([h.liters for h in home], t),
                        loop.hub_liters.get(t, np.inf),
                    )
                    for t, home in zip(days, homes, strict=True)
                ]
            ),
            day_kg=np.array(
                [
                    sum(v.count * v.capacity_kg for v in vans) * trips
                    - self._home_load([h.kg for h in home], t)
                    for t, home in zip(days, homes, strict=True)
                ]
            ),
            trip_liters=max(v.capacity_liters for v in vans),
            trip_kg=max(v.capacity_kg for v in vans),
        )

    def _home_load(self, loads: Sequence[float], day: int) -> float:
        """The vans' room a day's home parcels take: their load on the plan date (booked), and
        on a later day (one draw of the forecast) their load plus a margin at the plan's service
        level, each stop's load taken as the spread of a Poisson count of such stops, so that
        the hubs' stock leaves room for a busier day of homes than the one drawn."""
        total = float(sum(loads))
        if day == 0:
            return total
        level = self.loop.scenario.parameters.service_level or DEFAULT_FILL_RATE
        return total + float(norm.ppf(level)) * math.sqrt(sum(x * x for x in loads))

    def _price(self, day: int) -> np.ndarray:
        """Route-cost estimate of each hub's visit on `day` (computed once per day)."""
        if day not in self._prices:
            loop = self.loop
            self._prices[day] = visit_prices(loop.scenario, loop.hubs, loop.homes[day], loop.drive)
        return self._prices[day]

    def _mean(self, day: int) -> np.ndarray:
        """(hub, product) expected demand of `day`."""
        if day not in self._means:
            laws = [self.loop.demand_of(s.id, day, 1) for s in self.loop.hubs]
            self._means[day] = np.array(
                [[_law(law, p.id).mean for p in self.loop.scenario.products] for law in laws]
            )
        return self._means[day]

    def _ceiling(self, day: int, cover: np.ndarray, mean: np.ndarray) -> np.ndarray:
        """(hub, product) maximum level from `day` on: that day's order-up-to level (the demand
        until the next possible visit plus the lead time, at the target, within storage and
        pickup capacity), raised only where the `cover` needs a fuller shelf after some visit
        (its demand of that day plus the safety stock of the days since the plan's start)."""
        loop = self.loop
        level = np.array(
            [
                [loop.levels[day][s.id].max_units.get(p.id, 0) for p in loop.scenario.products]
                for s in loop.hubs
            ],
            dtype=float,
        )
        used = np.cumsum(mean, axis=2) - mean
        return np.maximum(level, (cover - used).max(axis=2, initial=0.0))

    def _cover(self, day: int, mean: np.ndarray) -> np.ndarray:
        """(hub, product, day) cover from `day` on: the stock that serves the demand from the
        plan's first day through each later day at the target, less the demand expected before
        `day` (this morning's shelf is the expected one: a plan run as planned carries the
        uncertainty of every day since its start, not only of the days from this morning).

        A plan-wide fill rate is met over each hub's products, as in the stock stage (every
        product stocked to the same stock-out risk, `hub_fill_rate_units`); otherwise each
        product meets its own target. The days' demands are taken as independent."""
        loop = self.loop
        products = loop.scenario.products
        level = loop.scenario.parameters.service_level
        targets = stock_targets(products, level)
        before = np.stack([self._mean(t) for t in range(day)], axis=2) if day else None
        laws = [self._variance(t) for t in range(loop.days)]
        variances = np.cumsum(np.stack(laws, axis=2), axis=2)
        means = np.cumsum(np.stack([self._mean(t) for t in range(loop.days)], axis=2), axis=2)
        cover = np.zeros(mean.shape)
        for h in range(len(loop.hubs)):
            for t in range(day, loop.days):
                cumulative = [
                    CycleDemand(float(means[h, k, t]), float(variances[h, k, t]))
                    for k in range(len(products))
                ]
                if level is not None:
                    cover[h, :, t - day] = hub_fill_rate_units(cumulative, level)
                    continue
                for k, law in enumerate(cumulative):
                    target = targets[products[k].id]
                    cover[h, k, t - day] = (
                        law.units_for_fill_rate(target.level)
                        if target.rule == "fill rate"
                        else law.quantile(target.level)
                    )
        if before is not None:
            cover = cover - before.sum(axis=2)[:, :, None]
        return np.maximum(cover, 0.0)

    def _variance(self, day: int) -> np.ndarray:
        """(hub, product) variance of the demand of `day`."""
        loop = self.loop
        return np.array(
            [
                [_law(loop.demand_of(s.id, day, 1), p.id).variance for p in loop.scenario.products]
                for s in loop.hubs
            ]
        )


def _law(laws: Mapping[str, CycleDemand], product_id: str) -> CycleDemand:
    """The demand of `product_id` in `laws`, none when absent."""
    return laws.get(product_id) or zero_demand()


@dataclass
class DailyReload:
    """Every hub its whole order-up-to level on each delivery day, whatever is on the shelf; the
    leftovers go back (the reference policy of the backtest)."""

    loop: DayLoop
    keeps_stock: bool = False

    def __call__(self, day: int, on_hand: OnHand) -> Deliveries:
        """Each hub's full order-up-to level, if a van may deliver today."""
        del on_hand
        return {
            hub.id: dict(self.loop.levels[day][hub.id].max_units)
            for hub in self.loop.hubs
            if self.loop.possible[hub.id][day]
        }


RULES = {
    "irp": InventoryRouting,
    "below_safety_level": BelowSafetyLevel,
    "daily_reload": DailyReload,
}
"""`parameters.visit_rule` -> the rule's class."""


def visit_rule(name: str, loop: DayLoop) -> VisitRule:
    """The visit rule called `name` (see `RULES`) over `loop`."""
    return RULES[name](loop)
