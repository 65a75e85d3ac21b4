"""The honest rolling backtest: held-out weeks replayed as the operation would have run them.

Each held-out week is planned on the eve of its first day from what was known then: the orders
before it (plus the day's bookings), hubs and catchments chosen on that history alone, and the
shelves as the previous week left them (`inventory`). The week's deliveries then run as planned
and the pickups as they really happened: each hub's catchment customers take what they ordered,
as far as the shelf holds it; what is left carries over to the next week. With `replan_every`
D, the operator re-plans the rest of the week every D evenings on the owners' counts (the shelves
as replayed), as the service does with stock reports (`count_replan`): the days already run stay
as they ran. The same weeks are replayed with the old daily-reload policy (`visit_rule:
daily_reload`: every hub refilled to its whole level each day, leftovers taken back), planned
once a week. Parcels are the hubs' pickups served plus the units really ordered that day by the
customers not at a hub (delivered home).
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from pickup_net.domain import Budget, Scenario
from pickup_net.network import StreetNetwork
from pickup_net.planning.count_replan import plan_on_counts

WEEK_DAYS = 7
RULE_OF = {"irp": "irp", "irp_replan": "irp", "daily_reload": "daily_reload"}
"""The policies a backtest may replay and the visit rule each plans with: inventory routing as
planned on the week's eve, the same re-planned on the owners' counts, and the old daily reload."""


@dataclass(frozen=True)
class ReplayedDay:
    """One replayed day: the plan in force (its first date), what arrived, the most litres a
    hub's shelf held (after the deliveries) and the shelves at night."""

    date: date
    plan_date: date
    delivered: dict[tuple[str, str], float]
    peak_liters: dict[str, float]
    closing: dict[tuple[str, str], float]


@dataclass(frozen=True)
class OperationWeek:
    """One policy's held-out week: hub demand and pickups, shelves, deliveries and vans."""

    policy: str
    week_start: date
    hubs: list[str]
    demand_units: float
    expected_units: float
    """Pickups the plans in force expected to serve at the hubs (E[min(demand, shelf)] a day)."""
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
    plans: int
    """Plans the week ran on: 1, or more when the rest of the week was re-planned on counts."""
    replans_refused: int = 0
    """Re-plans not run because they could not keep the week's hubs (a hub closed that day)."""
    days: tuple[ReplayedDay, ...] = field(default=(), repr=False)
    """The week day by day (not part of the reports)."""

    @property
    def fill_rate(self) -> float:
        """Share of the hubs' real demand served from their shelves (1 without demand)."""
        return self.served_units / self.demand_units if self.demand_units > 0 else 1.0


@dataclass
class OperationResult:
    """Every policy's weeks, in date order, and the totals a planner compares."""

    target_service_level: float | None
    replan_every: int = 0
    policies: tuple[str, ...] = ("irp", "daily_reload")
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
            "expected_units": round(sum(w.expected_units for w in rows), 1),
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
            "plans": sum(w.plans for w in rows),
            "replans_refused": sum(w.replans_refused for w in rows),
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
            "replan_every": self.replan_every,
            "policies": {policy: self.totals(policy) for policy in self.policies},
            "weeks": [
                {**_fields(w), "week_start": w.week_start.isoformat(), "fill_rate": w.fill_rate}
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
    replan_every: int = 0,
    policies: Sequence[str] = (),
) -> OperationResult:
    """Replay the last `weeks` weeks before the scenario's plan date with inventory routing
    and the daily reload (and inventory routing re-planned on counts, `irp_replan`), stock
    carried over from week to week (see the module docstring).

    `keep_hubs`: the hubs the first week chose (from the history before it) stay the hubs of
    every later week and of the other policy, so stock is not stranded at a shop that stops
    being a hub; the catchments are still chosen each week from that week's past.

    `replan_every`: with D >= 1, the policy `irp_replan` is inventory routing that re-plans the
    rest of the week every D days, on the evening after the day, from the shelves as replayed
    (the owners' counts), keeping the week's hubs; 0 leaves it out.

    `policies`: replay only these (keys of `RULE_OF`, in this order); default all that apply.

    Raises
    ------
    ValueError
        When `weeks` < 1, `replan_every` < 0, a policy is unknown (or `irp_replan` without
        `replan_every`), or the orders do not start before the first held-out week.
    """
    if weeks < 1:
        raise ValueError(f"weeks: {weeks} must be >= 1")
    if replan_every < 0:
        raise ValueError(f"replan_every: {replan_every} must be >= 0 (0: no re-plan)")
    first = scenario.plan_date - timedelta(days=WEEK_DAYS * weeks)
    earliest = min(order.timestamp for order in scenario.orders).date()
    if earliest >= first:
        raise ValueError(
            f"weeks: {weeks} held-out weeks start {first}, but the orders start {earliest}: "
            "nothing left to plan from"
        )
    policies = tuple(policies) or tuple(p for p in RULE_OF if replan_every or p != "irp_replan")
    for policy in policies:
        if policy not in RULE_OF or (policy == "irp_replan" and not replan_every):
            raise ValueError(
                f"policies: {policy!r} is not one of {', '.join(RULE_OF)} "
                "(irp_replan needs replan_every >= 1)"
            )
    result = OperationResult(scenario.parameters.service_level, replan_every, policies)
    for policy in policies:
        shelves: dict[tuple[str, str], float] = {}
        every = replan_every if policy == "irp_replan" else 0
        for index in range(weeks):
            start = first + timedelta(days=WEEK_DAYS * index)
            if progress is not None:
                progress(f"{policy}: week {index + 1} of {weeks} ({start})")
            week, shelves = _replay_week(scenario, network, budget, policy, start, shelves, every)
            result.weeks.append(week)
            if keep_hubs and not scenario.parameters.open_shops and week.hubs:
                scenario = _with_hubs(scenario, week.hubs)
    return result


def _with_hubs(scenario: Scenario, hubs: Sequence[str]) -> Scenario:
    """`scenario` with `hubs` forced open and no others (the first week's choice kept)."""
    params = scenario.parameters.model_copy(update={"open_shops": list(hubs), "n_hubs": len(hubs)})
    return scenario.model_copy(update={"parameters": params})


def _replay_week(
    scenario: Scenario,
    network: StreetNetwork | None,
    budget: Budget,
    policy: str,
    start: date,
    shelves: dict[tuple[str, str], float],
    replan_every: int,
) -> tuple[OperationWeek, dict[tuple[str, str], float]]:
    """Plan the week on its eve, run each day's deliveries against that day's real pickups,
    re-plan the rest of the week every `replan_every` days (0: never) from the shelves as they
    are; the week's report and the shelves at its end."""
    products = {p.id: p for p in scenario.products}
    storage = {s.id: s.storage_liters for s in scenario.shops}
    rule = RULE_OF[policy]
    planned = plan_on_counts(scenario, network, budget, start, WEEK_DAYS, rule, shelves)
    hubs = sorted(h.shop_id for h in planned.hubs)
    shelf = {key: units for key, units in shelves.items() if key[0] in hubs}
    start_units = sum(shelf.values())
    stranded = sum(shelves.values()) - start_units
    demand = served = delivered = liters_in = liters_out = expected = home = 0.0
    on_hand_days, routes, replayed = [], [], []
    first_day = refused = 0
    for offset in range(WEEK_DAYS):
        if replan_every and offset % replan_every == 0 and offset > 0 and hubs:
            replanned = plan_on_counts(
                scenario,
                network,
                budget,
                start + timedelta(days=offset),
                WEEK_DAYS - offset,
                rule,
                shelf,
                hubs,
            )
            if sorted(h.shop_id for h in replanned.hubs) == hubs:
                planned, first_day = replanned, offset
            else:  # a forced hub closed on the re-plan's first day: the plan in force runs on
                refused += 1
        day = planned.days[offset - first_day]
        hub_of = {c.customer_id: c.hub_id for c in planned.customers if c.mode == "pickup"}
        asked = _pickups(scenario, hub_of, start + timedelta(days=offset))
        if rule == "daily_reload":
            shelf = {}
        arrived: dict[tuple[str, str], float] = {}
        for line in day.stock:
            key = (line.shop_id, line.product_id)
            room = storage[line.shop_id] - sum(
                units * products[p].volume_liters for (s, p), units in shelf.items() if s == key[0]
            )
            units = min(line.delivered_units, max(0.0, room) // products[key[1]].volume_liters)
            shelf[key] = shelf.get(key, 0.0) + units
            arrived[key] = units
            delivered += units
            liters_in += units * products[key[1]].volume_liters
            expected += line.expected_pickups
        peak = {
            hub: sum(u * products[p].volume_liters for (s, p), u in shelf.items() if s == hub)
            for hub in hubs
        }
        for hub in hubs:
            for product in products:
                wanted = asked.get((hub, product), 0.0)
                taken = min(wanted, shelf.get((hub, product), 0.0))
                shelf[(hub, product)] = shelf.get((hub, product), 0.0) - taken
                demand += wanted
                served += taken
                liters_out += taken * products[product].volume_liters
        home += _home_units(scenario, hub_of, start + timedelta(days=offset))
        on_hand_days.append(sum(shelf.values()))
        routes += day.routes
        replayed.append(
            ReplayedDay(
                day.date, planned.plan_date, arrived, peak, {k: v for k, v in shelf.items()}
            )
        )
    week = OperationWeek(
        policy=policy,
        week_start=start,
        hubs=hubs,
        demand_units=demand,
        expected_units=round(expected, 2),
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
        parcels=round(served + home, 2),
        plans=len({d.plan_date for d in replayed}),
        replans_refused=refused,
        days=tuple(replayed),
    )
    carried = {} if rule == "daily_reload" else {k: v for k, v in shelf.items() if v > 0}
    return week, carried


def _home_units(scenario: Scenario, hub_of: dict[str, str | None], day: date) -> float:
    """Units really ordered on `day` by customers not picking up at a hub (delivered home)."""
    return float(
        sum(
            o.quantity
            for o in scenario.orders
            if o.timestamp.date() == day and not hub_of.get(o.customer_id)
        )
    )


def _pickups(
    scenario: Scenario, hub_of: dict[str, str | None], day: date
) -> dict[tuple[str, str], float]:
    """Units the hubs' catchment customers really ordered on `day`, per (hub, product)."""
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for o in scenario.orders:
        hub = hub_of.get(o.customer_id)
        if hub and o.timestamp.date() == day:
            totals[(hub, o.product_id)] += o.quantity
    return dict(totals)


def markdown(result: OperationResult, note: str) -> str:
    """The report as a Markdown page: the policies side by side, then every week."""
    policies = result.policies
    totals = {policy: result.totals(policy) for policy in policies}
    keys = list(totals[policies[0]])
    lines = [
        "# Rolling backtest",
        "",
        note,
        "",
        "| measure | " + " | ".join(policies) + " |",
        "| --- |" + " --- |" * len(policies),
        *(f"| {k} | " + " | ".join(str(totals[p][k]) for p in policies) + " |" for k in keys),
        "",
        "| policy | week | hubs | plans | fill rate | pickups | expected | avg on hand "
        "| end on hand | litres in | litres out | visits | van km | van cost | parcels |",
        "|" + " --- |" * 15,
    ]
    lines += [
        f"| {w.policy} | {w.week_start} | {len(w.hubs)} | {w.plans} | {w.fill_rate:.3f} | "
        f"{w.demand_units} | {w.expected_units} | {w.average_on_hand_units} | "
        f"{w.end_on_hand_units} | {w.liters_delivered} | {w.liters_picked_up} | "
        f"{w.hub_visits} | {w.van_km} | {w.van_cost} | {w.parcels} |"
        for w in result.weeks
    ]
    return "\n".join(lines) + "\n"


def csv_rows(result: OperationResult) -> Sequence[dict[str, object]]:
    """One row per policy and week (hub ids joined by spaces)."""
    return [
        {**_fields(w), "hubs": " ".join(w.hubs), "fill_rate": round(w.fill_rate, 4)}
        for w in result.weeks
    ]


def _fields(week: OperationWeek) -> dict[str, object]:
    """The week's report fields (its day-by-day record left out)."""
    return {k: v for k, v in asdict(week).items() if k != "days"}
