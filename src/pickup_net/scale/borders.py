"""The round after the first district plans: border homes to the cheaper neighbour, idle vans to
districts that left stops out.

A home customer with no candidate shop within walking reach (so moving it costs the location model
nothing) moves to the neighbouring district whose day-one route stops are nearer than its own
district's. A district that left stops out for a heuristic reason (not a certain one such as a
closed window) gets the vans other districts held but never used on any day. The changed
districts are planned again; the round is kept only when it leaves fewer stops out, or as many
at a lower total cost (else the first plans stand).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.spatial import cKDTree

from pickup_net.domain import Plan, Scenario
from pickup_net.network.projection import to_metric_xy, utm_epsg
from pickup_net.scale.areas import District


@dataclass(frozen=True)
class BorderRound:
    """The districts of the second round and which of them changed (to be planned again)."""

    districts: list[District]
    changed: list[str]
    moved_customers: int
    moved_vans: int


def border_round(
    city: Scenario, districts: Sequence[District], plans: Sequence[Plan], move_homes: bool
) -> BorderRound:
    """Move idle vans, and border homes when `move_homes`, between `districts` given their first
    `plans` (same order)."""
    area_of = (
        _moves(city, districts, plans)
        if move_homes
        else {c: d.id for d in districts for c in d.customer_ids}
    )
    vans = _rebalanced_vans(city, districts, plans)
    moved_customers = sum(area_of[c] != d.id for d in districts for c in d.customer_ids)
    before = {d.id: {v.id: v.count for v in d.scenario.vehicle_types} for d in districts}
    moved_vans = sum(max(0, vans[d][t] - before[d].get(t, 0)) for d in vans for t in vans[d])
    rebuilt, changed = [], []
    first_van = {v.id: 0 for v in city.vehicle_types}
    for district in districts:
        orders = [o for o in city.orders if area_of[o.customer_id] == district.id]
        fleet = [v.model_copy(update={"count": vans[district.id][v.id]})
                 for v in city.vehicle_types if vans[district.id][v.id] > 0]  # fmt: skip
        customers = tuple(dict.fromkeys(o.customer_id for o in orders))
        if customers != district.customer_ids or vans[district.id] != {
            v.id: before[district.id].get(v.id, 0) for v in city.vehicle_types
        }:
            changed.append(district.id)
        scenario = district.scenario.model_copy(update={"orders": orders, "vehicle_types": fleet})
        rebuilt.append(replace(district, scenario=scenario, customer_ids=customers,
                               first_van=dict(first_van)))  # fmt: skip
        first_van = {t: n + vans[district.id][t] for t, n in first_van.items()}
    return BorderRound(rebuilt, changed, moved_customers, moved_vans)


def better_round(first: Sequence[Plan], second: Sequence[Plan]) -> bool:
    """Whether the second round's plans leave fewer stops out, or as many at a lower total."""
    left_out = (sum(p.kpis.unassigned for p in first), sum(p.kpis.unassigned for p in second))
    cost = (sum(p.kpis.total_cost for p in first), sum(p.kpis.total_cost for p in second))
    return left_out[1] < left_out[0] or (left_out[1] == left_out[0] and cost[1] < cost[0] - 1e-6)


def _moves(city: Scenario, districts: Sequence[District], plans: Sequence[Plan]) -> dict[str, str]:
    """Each customer's district after moving border homes without a walkable shop."""
    area_of = {c: d.id for d in districts for c in d.customer_ids}
    homes = {c.customer_id: (c.lon, c.lat) for p in plans for c in p.customers if c.mode == "home"}
    stops = [(d.id, v.lon, v.lat) for d, p in zip(districts, plans, strict=True)
             for r in p.routes for v in r.visits]  # fmt: skip
    shops = [(s.lon, s.lat) for s in city.shops if s.is_candidate]
    if not homes or not stops or len({a for a, _, _ in stops}) < 2:
        return area_of
    ids = list(homes)
    home_ll = np.array([homes[c] for c in ids])
    epsg = utm_epsg(*home_ll.mean(axis=0))
    home_xy = to_metric_xy(home_ll, epsg)
    stop_xy = to_metric_xy(np.array([(x, y) for _, x, y in stops]), epsg)
    stop_area = np.array([a for a, _, _ in stops])
    walk_m, _ = cKDTree(to_metric_xy(np.array(shops), epsg)).query(home_xy) if shops else (
        np.full(len(ids), np.inf), None)  # fmt: skip
    nearest = cKDTree(stop_xy).query(home_xy)[1]
    for customer, far, stop in zip(ids, walk_m > city.parameters.max_walk_m, nearest, strict=True):
        if far:
            area_of[customer] = str(stop_area[stop])
    return area_of


def _left_out(plan: Plan) -> bool:
    """Whether `plan` left a stop out for a reason that more vans might remove."""
    return any(not u.certain and u.kind in ("home", "replenish") for u in plan.unassigned)


def _rebalanced_vans(
    city: Scenario, districts: Sequence[District], plans: Sequence[Plan]
) -> dict[str, dict[str, int]]:
    """Vans per district and type after idle vans go to districts that left stops out."""
    held = {d.id: {v.id: 0 for v in city.vehicle_types} for d in districts}
    used = {d.id: {v.id: 0 for v in city.vehicle_types} for d in districts}
    for district, plan in zip(districts, plans, strict=True):
        for vehicle in district.scenario.vehicle_types:
            held[district.id][vehicle.id] = vehicle.count
        for route in (r for day in plan.days for r in day.routes):
            used[district.id][route.vehicle_type_id] = max(
                used[district.id][route.vehicle_type_id],
                int(route.vehicle_id.removeprefix(f"{route.vehicle_type_id}-")),
            )
    short = [d.id for d, p in zip(districts, plans, strict=True) if _left_out(p)]
    if not short:
        return held
    for vehicle in city.vehicle_types:
        idle = sum(held[d][vehicle.id] - used[d][vehicle.id] for d in held if d not in short)
        for d in held:
            if d not in short:
                held[d][vehicle.id] = used[d][vehicle.id]
        for k in range(idle):
            held[short[k % len(short)]][vehicle.id] += 1
    return held
