"""Independent checks of a plan's invariants, recomputed from the scenario and the plan alone."""

import math

import pandas as pd

from pickup_net.domain import Plan, Ref, Scenario
from pickup_net.domain.opening_hours import windows_on

TOLERANCE_S = 1.0


def check_plan(scenario: Scenario, plan: Plan) -> None:
    """Assert every invariant a planner relies on; the message says which one broke."""
    _every_customer_served_or_explained(scenario, plan)
    _hub_capacities(scenario, plan)
    _routes_feasible(scenario, plan)
    _days_balance(plan)
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
    for hub in plan.hubs:
        stop = ("replenish", hub.shop_id)
        if any(line.hub_id == hub.shop_id and line.units > 0 for line in plan.stock):
            assert stop in routed or stop in dropped, f"{stop} neither routed nor unassigned"


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
    fleet = {v.id: v for v in scenario.vehicle_types}
    shops = {shop.id: shop for shop in scenario.shops}
    home_windows = windows_on(scenario.parameters.home_window, scenario.plan_date)
    liters = _stop_liters(scenario, plan)
    seen_stops: set[Ref] = set()
    for route in plan.routes:
        vtype = fleet[route.vehicle_type_id]
        shift_start = vtype.shift_start.hour * 3600 + vtype.shift_start.minute * 60
        shift_end = vtype.shift_end.hour * 3600 + vtype.shift_end.minute * 60
        assert route.start_s >= shift_start - TOLERANCE_S, f"{route.vehicle_id} leaves in shift"
        assert route.end_s <= shift_end + TOLERANCE_S, f"{route.vehicle_id} back within shift"
        load = sum(liters[v.kind, v.ref.id] for v in route.visits)
        assert load <= vtype.capacity_liters + 1e-6, f"{route.vehicle_id} leaves within litres"
        for visit in route.visits:
            load -= liters[visit.kind, visit.ref.id]
            assert math.isclose(visit.load_liters, load, abs_tol=1e-3), (
                f"{visit.ref}: load after stop {visit.load_liters} recomputes to {load}"
            )
            assert 0 <= visit.load_kg <= vtype.capacity_kg + 1e-6
            assert visit.ref not in seen_stops, f"{visit.ref} visited twice"
            seen_stops.add(visit.ref)
            if visit.kind == "replenish":
                shop = shops[visit.ref.id]
                windows = windows_on(shop.opening_hours, scenario.plan_date)
            else:
                windows = home_windows
            assert any(a - TOLERANCE_S <= visit.start_s <= b + TOLERANCE_S for a, b in windows), (
                f"{visit.ref} served at {visit.start_s} outside {windows}"
            )
            assert visit.arrival_s <= visit.start_s + TOLERANCE_S
        assert route.distance_m + 1e-6 >= sum(v.distance_m for v in route.visits)
        expected = vtype.fixed_cost + vtype.cost_per_km * route.distance_m / 1000
        expected += vtype.cost_per_hour * route.duration_s / 3600
        assert math.isclose(route.cost, expected, rel_tol=1e-6, abs_tol=0.01), (
            f"{route.vehicle_id} cost {route.cost} recomputes to {expected}"
        )


def _stop_liters(scenario: Scenario, plan: Plan) -> dict[tuple[str, str], float]:
    """Litres delivered at each possible stop, from the stock plan and the day's home orders."""
    volume = {p.id: p.volume_liters for p in scenario.products}
    liters: dict[tuple[str, str], float] = {}
    for line in plan.stock:
        key = ("replenish", line.hub_id)
        liters[key] = liters.get(key, 0.0) + line.units * volume[line.product_id]
    for order in scenario.orders:
        if order.timestamp.date() == scenario.plan_date:
            key = ("home", order.customer_id)
            liters[key] = liters.get(key, 0.0) + order.quantity * volume[order.product_id]
    return liters


def _days_balance(plan: Plan) -> None:
    """Each day's stock balances, never below zero; day one's routes are the plan's routes."""
    assert plan.days and plan.days[0].date == plan.plan_date
    assert plan.days[0].routes == plan.routes
    for day in plan.days:
        visited = {v.ref.id for r in day.routes for v in r.visits if v.kind == "replenish"}
        for s in day.stock:
            assert math.isclose(
                s.opening_units + s.delivered_units - s.expected_pickups, s.closing_units,
                abs_tol=1e-3,
            ), f"{s.shop_id}/{s.product_id} balances on {day.date}"  # fmt: skip
            assert s.closing_units >= -1e-6 and s.expected_pickups >= 0
            assert s.delivered_units == 0 or s.shop_id in visited, "delivered only if visited"


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
    assert k.unassigned == len(plan.unassigned)
    if pickup:
        assert math.isclose(k.mean_walk_m, sum(c.walk_m for c in pickup) / len(pickup), abs_tol=0.1)


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
