"""Prices for the location model read off a routed horizon: what one home delivery and one hub
visit really add to the vans' days.

A stop on a route is priced at its removal saving (the mean over the days it is routed), a place
off the routes at its cheapest insertion into any day's routes: the extra driving (per km) and
time (per hour, service included) of the detour; a van that reloads passes through its depot
between two trips. A van's fixed cost buys its shift, so a detour's hour is priced at
`cost_per_hour + fixed_cost / shift hours` (the shorter of its shift and maximum duration).
Without routes, a place is priced at a depot round trip with the cheapest vehicle type. A hub is
visited only when its shelf runs low, so its visit price per day is the price of one visit times
the share of days a van came; it also costs the holding and expected shortage of its stock
(mostly safety stock, which hardly shrinks with the catchment), and its shelf must hold what the
stock stage wants, not only the catchment's mean daily litres. Those three come from every
routed round that opened the hub (`hub_observations`), the mean of the hubs seen for the others.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pickup_net.domain import Ref, Scenario, VehicleType
from pickup_net.planning.hub_choice import LocationPrices
from pickup_net.planning.hub_observations import HubObservations
from pickup_net.planning.priced import Located, Priced

_UNREACHABLE = 1e9
"""Price of a place no van can reach: large enough that the location model never counts on it."""


@dataclass(frozen=True)
class _Leg:
    """One driven leg of a route (matrix indices) and the route's rates."""

    a: int
    b: int
    per_m: float
    per_s: float


def location_prices(
    scenario: Scenario, located: Located, priced: Priced, seen: HubObservations
) -> LocationPrices:
    """Routed price of one home delivery per walker and of one hub per day per shop (visits,
    holding and expected shortage), and each shop's shelf factor, from the routes of `priced`
    and the hubs `seen` in routed rounds."""
    params = scenario.parameters
    index = {ref: i for i, (ref, _, _) in enumerate(located.drive.places)}
    meters, seconds = located.drive.matrices.meters, located.drive.matrices.seconds
    legs, saving = _legs_and_savings(scenario, priced, index, meters, seconds)
    walkers = [index[Ref(kind="customer", id=c.id)] for c in located.walkers]
    shops = [index[Ref(kind="shop", id=s.id)] for s in located.shops]
    depots = [index[Ref(kind="depot", id=v.depot_id)] for v in scenario.vehicle_types]
    home = _price(walkers, legs, saving, meters, seconds, params.home_service_s, depots, scenario)
    visit = _price(shops, legs, saving, meters, seconds, params.hub_service_s, depots, scenario)
    stock, share, shelf = seen.arrays([s.id for s in located.shops])
    return LocationPrices(
        home_per_delivery=home, visit_per_day=visit * share + stock, shelf_factor=shelf
    )


def _legs_and_savings(
    scenario: Scenario,
    priced: Priced,
    index: dict[Ref, int],
    meters: np.ndarray,
    seconds: np.ndarray,
) -> tuple[list[_Leg], dict[int, float]]:
    """Every leg of every route of every day with its rates, and each routed stop's removal
    saving (the mean over the days it is routed)."""
    fleet = {v.id: v for v in scenario.vehicle_types}
    service = {"home": scenario.parameters.home_service_s,
               "replenish": scenario.parameters.hub_service_s}  # fmt: skip
    legs: list[_Leg] = []
    savings: dict[int, list[float]] = {}
    for route in (route for day in priced.days for route in day.routes):
        vtype = fleet[route.vehicle_type_id]
        depot = index[Ref(kind="depot", id=route.depot_id)]
        per_m = vtype.cost_per_km / 1000
        per_s = (vtype.cost_per_hour + vtype.fixed_cost / _shift_hours(vtype)) / 3600
        per_s /= vtype.speed_factor
        nodes, kinds = [depot], [None]
        for before, visit in zip([None, *route.visits], route.visits, strict=False):
            if before is not None and visit.trip != before.trip:
                nodes.append(depot)  # back to reload between two trips
                kinds.append(None)
            nodes.append(index[visit.ref])
            kinds.append(visit.kind)
        nodes.append(depot)
        legs += [_Leg(a, b, per_m, per_s) for a, b in itertools.pairwise(nodes)]
        for k in range(1, len(nodes) - 1):
            if kinds[k] is None:
                continue
            a, x, b = nodes[k - 1], nodes[k], nodes[k + 1]
            detour_m = meters[a, x] + meters[x, b] - meters[a, b]
            detour_s = seconds[a, x] + seconds[x, b] - seconds[a, b]
            savings.setdefault(x, []).append(
                float(
                    per_m * detour_m + per_s * (detour_s + service[kinds[k]] * vtype.speed_factor)
                )
            )
    return legs, {x: sum(v) / len(v) for x, v in savings.items()}


def _price(
    nodes: Sequence[int],
    legs: Sequence[_Leg],
    saving: dict[int, float],
    meters: np.ndarray,
    seconds: np.ndarray,
    service_s: float,
    depots: Sequence[int],
    scenario: Scenario,
) -> np.ndarray:
    """Removal saving of routed nodes, cheapest insertion of the others."""
    x = np.asarray(nodes, dtype=np.int64)
    if legs:
        a = np.array([leg.a for leg in legs])
        b = np.array([leg.b for leg in legs])
        per_m = np.array([leg.per_m for leg in legs])[:, None]
        per_s = np.array([leg.per_s for leg in legs])[:, None]
    else:
        cheapest = _cheapest(scenario.vehicle_types)
        a = b = np.asarray(depots, dtype=np.int64)
        per_m = np.full((len(a), 1), cheapest.cost_per_km / 1000)
        per_s = np.full((len(a), 1), cheapest.cost_per_hour / 3600 / cheapest.speed_factor)
    detour_m = meters[a[:, None], x[None, :]] + meters[x[None, :], b[:, None]]
    detour_m = detour_m - meters[a, b][:, None]
    detour_s = seconds[a[:, None], x[None, :]] + seconds[x[None, :], b[:, None]]
    detour_s = detour_s - seconds[a, b][:, None] + service_s
    with np.errstate(invalid="ignore"):
        insertion = np.nanmin(per_m * detour_m + per_s * detour_s, axis=0)
    price = np.array(
        [saving.get(int(node), float(cost)) for node, cost in zip(x, insertion, strict=True)]
    )
    return np.where(np.isfinite(price), np.maximum(price, 0.0), _UNREACHABLE)


def _cheapest(fleet: Sequence[VehicleType]) -> VehicleType:
    return min(fleet, key=lambda v: (v.cost_per_km, v.cost_per_hour))


def _shift_hours(vtype: VehicleType) -> float:
    """Hours a van of this type may work: its shift, or its maximum duration when shorter."""
    start = vtype.shift_start.hour * 3600 + vtype.shift_start.minute * 60
    end = vtype.shift_end.hour * 3600 + vtype.shift_end.minute * 60
    seconds = end - start
    if vtype.max_duration_s is not None:
        seconds = min(seconds, vtype.max_duration_s)
    return max(seconds / 3600, 1.0)
