"""Independent checks of a plan's invariants, recomputed from the scenario and the plan alone."""

import math

import pandas as pd

from pickup_net.domain import Plan, Ref, Scenario, StopVisit
from pickup_net.domain.opening_hours import windows_on

TOLERANCE_S = 1.0


def check_plan(scenario: Scenario, plan: Plan) -> None:
    """Assert every invariant a planner relies on; the message says which one broke."""
    assert plan.timezone == scenario.timezone, "the plan states the scenario's time zone"
    _every_customer_served_or_explained(scenario, plan)
    _hub_capacities(scenario, plan)
    _routes_feasible(scenario, plan)
    _days_balance(scenario, plan)
    _kpis_recomputed(scenario, plan)


def _every_customer_served_or_explained(scenario: Scenario, plan: Plan) -> None:
    params = scenario.parameters
    hubs = {hub.shop_id: hub for hub in plan.hubs}
    seen = {c.customer_id for c in plan.customers}
    assert seen == {o.customer_id for o in scenario.orders}, "every customer appears once"
    assert len(seen) == len(plan.customers), "no customer twice"
    for customer in plan.customers:
        if customer.mode == "pickup":
            assert customer.hub_id in hubs, f"{customer.customer_id} at an open hub"
            assert customer.customer_id in hubs[customer.hub_id].customers
            assert customer.walk_m is not None and customer.walk_m <= params.max_walk_m + 1e-6
        else:
            assert customer.reason, f"{customer.customer_id} home/unassigned without a reason"
    home = {c.customer_id for c in plan.customers if c.mode == "home"}
    day = pd.Timestamp(scenario.plan_date).date()
    booked = {o.customer_id for o in scenario.orders if o.timestamp.date() == day}
    routed = {(v.kind, v.ref.id) for r in plan.routes for v in r.visits}
    dropped = {(u.kind, u.id): u for u in plan.unassigned}
    for customer_id in booked & home:
        stop = ("home", customer_id)
        assert stop in routed or (stop in dropped and dropped[stop].reason), (
            f"{stop} neither routed nor unassigned with a reason"
        )
    brought = {s.shop_id for s in plan.days[0].stock if s.delivered_units > 0}
    for hub in plan.hubs:
        stop = ("replenish", hub.shop_id)
        if hub.shop_id in brought:
            assert stop in routed, f"{stop} delivers but is not routed"


def _hub_capacities(scenario: Scenario, plan: Plan) -> None:
    shops = {shop.id: shop for shop in scenario.shops}
    volume = {p.id: p.volume_liters for p in scenario.products}
    for hub in plan.hubs:
        shop = shops[hub.shop_id]
        liters = sum(x.units * volume[x.product_id] for x in plan.stock if x.hub_id == hub.shop_id)
        assert liters <= shop.storage_liters + 1e-6, f"{hub.shop_id} stock within storage"
        assert math.isclose(liters, hub.stock_liters, abs_tol=1e-2)
        assert hub.expected_pickups_per_day <= shop.max_pickups_per_day + 1e-6
        assert all(x.units >= 0 for x in plan.stock)


def _routes_feasible(scenario: Scenario, plan: Plan) -> None:
    """Every day's routes keep shifts, windows, van litres and kilograms; loads recompute from
    what each stop takes (home orders are known for day one; hubs every day); costs recompute."""
    fleet = {v.id: v for v in scenario.vehicle_types}
    shops = {shop.id: shop for shop in scenario.shops}
    for index, day in enumerate(plan.days):
        home_windows = windows_on(scenario.parameters.home_window, day.date)
        liters = _stop_liters(scenario, plan, index)
        seen_stops: set[Ref] = set()
        for route in day.routes:
            vtype = fleet[route.vehicle_type_id]
            shift_start = vtype.shift_start.hour * 3600 + vtype.shift_start.minute * 60
            shift_end = vtype.shift_end.hour * 3600 + vtype.shift_end.minute * 60
            assert route.start_s >= shift_start - TOLERANCE_S, f"{route.vehicle_id} leaves in shift"
            assert route.end_s <= shift_end + TOLERANCE_S, f"{route.vehicle_id} back within shift"
            trips = [v.trip for v in route.visits]
            assert trips == sorted(trips) and set(trips) == set(range(1, max(trips) + 1))
            assert max(trips) <= scenario.parameters.max_trips_per_van, "trips within the limit"
            trip, load = 0, 0.0
            for visit in route.visits:
                if visit.trip != trip:  # back from the depot, loaded again
                    trip = visit.trip
                    load = _trip_load(route.visits, trip, liters, index == 0)
                    assert load <= vtype.capacity_liters + 1e-6, (
                        f"{route.vehicle_id} leaves for trip {trip} within litres"
                    )
                drop = liters.get((visit.kind, visit.ref.id))
                if drop is None:
                    drop = load - visit.load_liters
                    assert drop >= -1e-3, f"{visit.ref} on {day.date}: a home stop adds load"
                load -= drop
                assert math.isclose(visit.load_liters, load, abs_tol=1e-3), (
                    f"{visit.ref} on {day.date}: load after stop {visit.load_liters} "
                    f"recomputes to {load}"
                )
                assert 0 <= visit.load_kg <= vtype.capacity_kg + 1e-6
                assert visit.ref not in seen_stops, f"{visit.ref} visited twice on {day.date}"
                seen_stops.add(visit.ref)
                if visit.kind == "replenish":
                    windows = windows_on(shops[visit.ref.id].opening_hours, day.date)
                else:
                    windows = home_windows
                assert any(
                    a - TOLERANCE_S <= visit.start_s <= b + TOLERANCE_S for a, b in windows
                ), f"{visit.ref} served on {day.date} at {visit.start_s} outside {windows}"
                assert visit.arrival_s <= visit.start_s + TOLERANCE_S
            assert route.distance_m + 1e-6 >= sum(v.distance_m for v in route.visits)
            expected = vtype.fixed_cost + vtype.cost_per_km * route.distance_m / 1000
            expected += vtype.cost_per_hour * route.duration_s / 3600
            assert math.isclose(route.cost, expected, rel_tol=1e-6, abs_tol=0.01), (
                f"{route.vehicle_id} cost {route.cost} recomputes to {expected}"
            )


def _trip_load(
    visits: list[StopVisit], trip: int, liters: dict[tuple[str, str], float], all_known: bool
) -> float:
    """Litres a van leaves with for one trip: the sum of its stops' drops where all are known
    (day one), else the first stop's load after it plus its known drop."""
    stops = [v for v in visits if v.trip == trip]
    if all_known:
        return sum(liters[v.kind, v.ref.id] for v in stops)
    return stops[0].load_liters + liters.get((stops[0].kind, stops[0].ref.id), 0.0)


def _stop_liters(scenario: Scenario, plan: Plan, day: int) -> dict[tuple[str, str], float]:
    """Litres delivered at each stop of day `day`: the day's deliveries to hubs, and on day one
    the booked home orders."""
    volume = {p.id: p.volume_liters for p in scenario.products}
    liters: dict[tuple[str, str], float] = {}
    for line in plan.days[day].stock:
        key = ("replenish", line.shop_id)
        liters[key] = liters.get(key, 0.0) + line.delivered_units * volume[line.product_id]
    if day > 0:
        return liters
    for order in scenario.orders:
        if order.timestamp.date() == scenario.plan_date:
            key = ("home", order.customer_id)
            liters[key] = liters.get(key, 0.0) + order.quantity * volume[order.product_id]
    return liters


def _days_balance(scenario: Scenario, plan: Plan) -> None:
    """Stock balances day by day: opening + delivered - pickups = closing, never negative; day
    one opens with the inventory table, each later day with the previous closing; deliveries are
    whole units, reach only visited hubs and keep the shelf within storage; day one's routes
    are the plan's routes."""
    assert plan.days and plan.days[0].date == plan.plan_date
    assert len(plan.days) == plan.horizon_days == scenario.parameters.horizon_days
    assert plan.days[0].routes == plan.routes
    volume = {p.id: p.volume_liters for p in scenario.products}
    storage = {s.id: s.storage_liters for s in scenario.shops}
    counted = {(i.shop_id, i.product_id): float(i.units) for i in scenario.inventory}
    before = {(s.shop_id, s.product_id): counted.get((s.shop_id, s.product_id), 0.0)
              for s in plan.days[0].stock}  # fmt: skip
    for index, day in enumerate(plan.days):
        assert day.date.toordinal() == plan.plan_date.toordinal() + index, "days follow each other"
        visited = {v.ref.id for r in day.routes for v in r.visits if v.kind == "replenish"}
        shelf: dict[str, float] = {}
        for s in day.stock:
            key = (s.shop_id, s.product_id)
            assert math.isclose(s.opening_units, before[key], abs_tol=1e-3), (
                f"{key} opens {day.date} with {s.opening_units}, closed with {before[key]}"
            )
            assert math.isclose(
                s.opening_units + s.delivered_units - s.expected_pickups, s.closing_units,
                abs_tol=1e-3,
            ), f"{s.shop_id}/{s.product_id} balances on {day.date}"  # fmt: skip
            assert s.closing_units >= -1e-6 and s.expected_pickups >= 0
            assert s.delivered_units >= 0 and float(s.delivered_units).is_integer()
            assert s.delivered_units == 0 or s.shop_id in visited, "delivered only if visited"
            before[key] = s.closing_units
            on_shelf = (s.opening_units + s.delivered_units) * volume[s.product_id]
            shelf[s.shop_id] = shelf.get(s.shop_id, 0.0) + on_shelf
        for hub, liters in shelf.items():
            opened = sum(n * volume[p] for (h, p), n in counted.items() if h == hub)
            assert liters <= max(storage[hub], opened) + 1e-3, f"{hub} over storage on {day.date}"


def _kpis_recomputed(scenario: Scenario, plan: Plan) -> None:
    k = plan.kpis
    pickup = [c for c in plan.customers if c.mode == "pickup"]
    assert k.hubs_opened == len(plan.hubs)
    assert k.customers == len(plan.customers)
    assert k.customers_pickup == len(pickup)
    assert k.units_prepositioned == sum(x.units for x in plan.stock)
    assert k.vans_used == len([r for r in plan.routes if r.visits])
    assert math.isclose(k.km_driven, sum(r.distance_m for r in plan.routes) / 1000, abs_tol=1e-2)
    assert math.isclose(
        k.driving_hours, sum(r.duration_s for r in plan.routes) / 3600, abs_tol=1e-2
    )
    days = len(plan.days)
    routing_cost = sum(r.cost for day in plan.days for r in day.routes)
    hub_cost = days * sum(
        scenario.parameters.hub_fixed_cost + h.expected_pickups_per_day * h.handling_fee
        for h in plan.hubs
    )
    holding = {p.id: p.holding_cost for p in scenario.products}
    holding_cost = sum(
        s.closing_units * holding[s.product_id] for day in plan.days for s in day.stock
    )
    assert plan.costs is not None
    assert math.isclose(k.routing_cost, routing_cost, abs_tol=0.01)
    assert math.isclose(k.hub_cost, hub_cost, abs_tol=0.05)
    assert math.isclose(plan.costs.holding, holding_cost, abs_tol=0.05)
    assert plan.costs.shortage >= 0
    expected_total = routing_cost + hub_cost + holding_cost + plan.costs.shortage
    assert math.isclose(k.total_cost, expected_total, abs_tol=0.1)
    assert k.unassigned == sum(1 for u in plan.unassigned if u.kind != "stock")
    assert k.stock_not_planned == sum(1 for u in plan.unassigned if u.kind == "stock")
    if pickup:
        assert math.isclose(k.mean_walk_m, sum(c.walk_m for c in pickup) / len(pickup), abs_tol=0.1)


TIMING_FIELDS = frozenset({"seconds", "time_limit_s", "horizon_time_limits_s"})
"""Fields of a plan's `stages` that measure or budget wall-clock time, so differ run to run."""


def without_timing(plan_json: dict) -> dict:
    """A plan.json document without its timing fields (`stages.*.seconds`, the routing stats'
    seconds and time limits), for comparing two runs of the same scenario and seed."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in TIMING_FIELDS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {**plan_json, "stages": strip(plan_json["stages"])}


def check_baselines(scenario: Scenario, plan: Plan) -> None:
    """Each baseline's costs add up to its total, its hub fees follow its hubs, and its cost per
    parcel is its total over its parcels."""
    days = len(plan.days)
    for base in plan.baselines:
        c = base.costs
        parts = c.routing + c.hub_fees + c.handling + c.holding + c.shortage
        assert math.isclose(c.total, parts, abs_tol=0.05), f"{base.name} costs add up"
        assert base.total_cost == c.total
        fee = scenario.parameters.hub_fixed_cost * base.hubs_opened * days
        assert math.isclose(c.hub_fees, fee, abs_tol=0.01), f"{base.name} hub fees"
        if base.parcels:
            per = base.total_cost / base.parcels
            assert math.isclose(base.cost_per_parcel, per, abs_tol=0.01)
        assert base.hubs_opened == 0 or base.name == "greedy"
