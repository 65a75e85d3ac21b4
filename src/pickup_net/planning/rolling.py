"""The honest rolling backtest: held-out weeks replayed as the operation would have run them.

Each held-out week is planned on the eve of its first day from what was known then: the orders
before it (plus the day's bookings), hubs and catchments chosen on that history alone, and the
shelves as the previous week left them (`inventory`). The week's deliveries then run as planned
and the pickups as they really happened: each hub's catchment customers take what they ordered,
as far as the shelf holds it; what is left carries over to the next week. The same weeks are
replayed with the old daily-reload policy (`visit_rule: daily_reload`: every hub refilled to its
whole level each day, leftovers taken back), routed with the same home deliveries.
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd

from pickup_net.domain import Budget, Plan, Scenario
from pickup_net.domain.scenario import InventoryLine
from pickup_net.network import StreetNetwork
from pickup_net.planning.inputs import plan_inputs
from pickup_net.planning.plan import plan

WEEK_DAYS = 7
POLICIES = ("irp", "daily_reload")
"""The policies replayed: the plan's inventory routing, and the old daily reload."""


@dataclass(frozen=True)
class OperationWeek:
    """One policy's held-out week: hub demand and pickups, shelves, deliveries and vans."""

    policy: str
    week_start: date
    hubs: list[str]
    demand_units: float
    served_units: float
    start_on_hand_units: float
    stranded_units: float
    """Units last week left at shops that are no longer hubs this week (not counted on hand)."""
    average_on_hand_units: float
    end_on_hand_units: float
    units_delivered: float
    liters_delivered: float
    liters_picked_up: float
    hub_visits: int
    van_km: float
    van_cost: float
    parcels: float

    @property
    def fill_rate(self) -> float:
        """Share of the hubs' real demand served from their shelves (1 without demand)."""
        return self.served_units / self.demand_units if self.demand_units > 0 else 1.0


@dataclass
class OperationResult:
    """Every policy's weeks, in date order, and the totals a planner compares."""

    target_service_level: float | None
    weeks: list[OperationWeek] = field(default_factory=list)

    def totals(self, policy: str) -> dict[str, float]:
        """One policy over all its weeks (fill rate, litres ratio, km and cost per parcel)."""
        rows = [w for w in self.weeks if w.policy == policy]
        demand = sum(w.demand_units for w in rows)
        served = sum(w.served_units for w in rows)
        parcels = sum(w.parcels for w in rows)
        picked = sum(w.liters_picked_up for w in rows)
        delivered = sum(w.liters_delivered for w in rows)
        return {
            "weeks": len(rows),
            "fill_rate": round(served / demand, 4) if demand else 1.0,
            "demand_units": round(demand, 1),
            "served_units": round(served, 1),
            "average_on_hand_units": round(
                sum(w.average_on_hand_units for w in rows) / max(1, len(rows)), 1
            ),
            "end_on_hand_units": rows[-1].end_on_hand_units if rows else 0.0,
            "stranded_units": sum(w.stranded_units for w in rows),
            "liters_delivered": round(delivered, 1),
            "liters_picked_up": round(picked, 1),
            "delivered_per_picked_up": round(delivered / picked, 3) if picked else 0.0,
            "hub_visits": sum(w.hub_visits for w in rows),
            "van_km": round(sum(w.van_km for w in rows), 1),
            "van_cost": round(sum(w.van_cost for w in rows), 0),
            "parcels": round(parcels, 1),
            "km_per_parcel": round(sum(w.van_km for w in rows) / parcels, 4) if parcels else 0.0,
            "cost_per_parcel": round(sum(w.van_cost for w in rows) / parcels, 1)
            if parcels
            else 0.0,
        }

    def to_dict(self) -> dict:
        """The report as plain JSON-ready data."""
        return {
            "target_service_level": self.target_service_level,
            "policies": {policy: self.totals(policy) for policy in POLICIES},
            "weeks": [
                {**asdict(w), "week_start": w.week_start.isoformat(), "fill_rate": w.fill_rate}
                for w in self.weeks
            ],
        }


def replay_operation(
    scenario: Scenario,
    network: StreetNetwork | None,
    weeks: int,
    budget: Budget,
    progress: Callable[[str], None] | None = None,
    keep_hubs: bool = False,
) -> OperationResult:
    """Replay the last `weeks` weeks before the scenario's plan date with each policy of
    `POLICIES`, stock carried over from week to week (see the module docstring).

    `keep_hubs`: the hubs the first week chose (from the history before it) stay the hubs of
    every later week and of the other policy, so stock is not stranded at a shop that stops
    being a hub; the catchments are still chosen each week from that week's past.

    Raises
    ------
    ValueError
        When `weeks` < 1 or the orders do not start before the first held-out week.
    """
    if weeks < 1:
        raise ValueError(f"weeks: {weeks} must be >= 1")
    first = scenario.plan_date - timedelta(days=WEEK_DAYS * weeks)
    earliest = min(order.timestamp for order in scenario.orders).date()
    if earliest >= first:
        raise ValueError(
            f"weeks: {weeks} held-out weeks start {first}, but the orders start {earliest}: "
            "nothing left to plan from"
        )
    result = OperationResult(scenario.parameters.service_level)
    for policy in POLICIES:
        shelves: dict[tuple[str, str], float] = {}
        for index in range(weeks):
            start = first + timedelta(days=WEEK_DAYS * index)
            if progress is not None:
                progress(f"{policy}: week {index + 1} of {weeks} ({start})")
            week_scenario = _week_scenario(scenario, start, policy, shelves)
            planned = plan(plan_inputs(week_scenario, network), budget)
            week, shelves = _replay_week(scenario, planned, policy, start, shelves)
            result.weeks.append(week)
            if keep_hubs and not scenario.parameters.open_shops:
                scenario = _with_hubs(scenario, week.hubs)
    return result


def _with_hubs(scenario: Scenario, hubs: Sequence[str]) -> Scenario:
    """`scenario` with `hubs` forced open and no others (the first week's choice kept)."""
    params = scenario.parameters.model_copy(update={"open_shops": list(hubs), "n_hubs": len(hubs)})
    return scenario.model_copy(update={"parameters": params})


def _week_scenario(
    scenario: Scenario, start: date, policy: str, shelves: dict[tuple[str, str], float]
) -> Scenario:
    """The scenario as known on the eve of `start`: orders before it and that day's bookings,
    a one-week horizon, the policy, and the shelves the previous week left."""
    cutoff = datetime.combine(start + timedelta(days=1), time())
    known = [o for o in scenario.orders if o.timestamp.replace(tzinfo=None) < cutoff]
    params = scenario.parameters.model_copy(
        update={"plan_date": start, "horizon_days": WEEK_DAYS, "visit_rule": policy}
    )
    inventory = [
        InventoryLine(shop_id=shop, product_id=product, units=int(units))
        for (shop, product), units in sorted(shelves.items())
        if units >= 1
    ]
    return Scenario.model_validate(
        {**scenario.model_dump(), "orders": known, "parameters": params, "inventory": inventory}
    )


def _replay_week(
    scenario: Scenario,
    planned: Plan,
    policy: str,
    start: date,
    shelves: dict[tuple[str, str], float],
) -> tuple[OperationWeek, dict[tuple[str, str], float]]:
    """Run the plan's deliveries against the week's real pickups; the shelves at its end."""
    products = {p.id: p for p in scenario.products}
    storage = {s.id: s.storage_liters for s in scenario.shops}
    hub_of = {c.customer_id: c.hub_id for c in planned.customers if c.mode == "pickup"}
    asked = _pickups(scenario, hub_of, start)
    hubs = sorted(h.shop_id for h in planned.hubs)
    shelf = {key: units for key, units in shelves.items() if key[0] in hubs}
    start_units = sum(shelf.values())
    stranded = sum(shelves.values()) - start_units
    demand = served = delivered = liters_in = liters_out = 0.0
    on_hand_days = []
    for offset, day in enumerate(planned.days):
        if policy == "daily_reload":
            shelf = {}
        for line in day.stock:
            key = (line.shop_id, line.product_id)
            room = storage[line.shop_id] - sum(
                units * products[p].volume_liters for (s, p), units in shelf.items() if s == key[0]
            )
            units = min(line.delivered_units, max(0.0, room) // products[key[1]].volume_liters)
            shelf[key] = shelf.get(key, 0.0) + units
            delivered += units
            liters_in += units * products[key[1]].volume_liters
        for hub in hubs:
            for product in products:
                wanted = asked.get((hub, product, offset), 0.0)
                taken = min(wanted, shelf.get((hub, product), 0.0))
                shelf[(hub, product)] = shelf.get((hub, product), 0.0) - taken
                demand += wanted
                served += taken
                liters_out += taken * products[product].volume_liters
        on_hand_days.append(sum(shelf.values()))
    routes = [route for day in planned.days for route in day.routes]
    home_parcels = planned.stages["location"].details["parcels"] - sum(
        line.expected_pickups for day in planned.days for line in day.stock
    )
    week = OperationWeek(
        policy=policy,
        week_start=start,
        hubs=hubs,
        demand_units=demand,
        served_units=served,
        start_on_hand_units=start_units,
        stranded_units=stranded,
        average_on_hand_units=round(sum(on_hand_days) / max(1, len(on_hand_days)), 2),
        end_on_hand_units=round(on_hand_days[-1] if on_hand_days else 0.0, 2),
        units_delivered=delivered,
        liters_delivered=round(liters_in, 2),
        liters_picked_up=round(liters_out, 2),
        hub_visits=sum(v.kind == "replenish" for r in routes for v in r.visits),
        van_km=round(sum(r.distance_m for r in routes) / 1000, 3),
        van_cost=round(sum(r.cost for r in routes), 2),
        parcels=round(served + max(0.0, home_parcels), 2),
    )
    carried = {} if policy == "daily_reload" else {k: v for k, v in shelf.items() if v > 0}
    return week, carried


def _pickups(
    scenario: Scenario, hub_of: dict[str, str | None], start: date
) -> dict[tuple[str, str, int], float]:
    """Units the hubs' catchment customers really ordered, per (hub, product, day of the week)."""
    rows = [
        (hub_of[o.customer_id], o.product_id, (o.timestamp.date() - start).days, o.quantity)
        for o in scenario.orders
        if hub_of.get(o.customer_id) and 0 <= (o.timestamp.date() - start).days < WEEK_DAYS
    ]
    if not rows:
        return {}
    frame = pd.DataFrame(rows, columns=["hub", "product", "day", "units"])
    totals = frame.groupby(["hub", "product", "day"])["units"].sum()
    return {(str(h), str(p), int(d)): float(u) for (h, p, d), u in totals.items()}


def markdown(result: OperationResult, note: str) -> str:
    """The report as a Markdown page: the policies side by side, then every week."""
    totals = {policy: result.totals(policy) for policy in POLICIES}
    keys = list(totals[POLICIES[0]])
    lines = [
        "# Rolling backtest",
        "",
        note,
        "",
        "| measure | " + " | ".join(POLICIES) + " |",
        "| --- |" + " --- |" * len(POLICIES),
        *(f"| {k} | " + " | ".join(str(totals[p][k]) for p in POLICIES) + " |" for k in keys),
        "",
        "| policy | week | hubs | fill rate | avg on hand | end on hand | litres in | litres out "
        "| visits | van km | van cost | parcels |",
        "|" + " --- |" * 12,
    ]
    lines += [
        f"| {w.policy} | {w.week_start} | {len(w.hubs)} | {w.fill_rate:.3f} | "
        f"{w.average_on_hand_units} | {w.end_on_hand_units} | {w.liters_delivered} | "
        f"{w.liters_picked_up} | {w.hub_visits} | {w.van_km} | {w.van_cost} | {w.parcels} |"
        for w in result.weeks
    ]
    return "\n".join(lines) + "\n"


def csv_rows(result: OperationResult) -> Sequence[dict[str, object]]:
    """One row per policy and week (hub ids joined by spaces)."""
    return [
        {**asdict(w), "hubs": " ".join(w.hubs), "fill_rate": round(w.fill_rate, 4)}
        for w in result.weeks
    ]
