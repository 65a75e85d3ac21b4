"""Build the location problem from customers, forecast and walking distances, and solve it.

Costs are per operating day in the scenario's currency:
- serving customer i at shop j: expected pickups/day x (shop's handling fee + walk cost of the
  round trip at `walk_cost_per_km`); not allowed beyond `max_walk_m` or where unreachable;
- home delivery of customer i: expected deliveries/day x the home-delivery cost
  (`home_delivery_cost` when set; else the routed price of `LocationPrices` once a round has
  been routed; else the estimate of `home_delivery_estimate` from the nearest depot);
- opening shop j: `hub_fixed_cost` plus, once routed, the routed price of visiting it per day,
  or exactly `n_hubs` hubs when set.
Capacity dimensions: expected pickups per day against `max_pickups_per_day`, and expected
litres per cycle against `storage_liters` (once routed: divided by the shop's shelf factor, the
litres the stock stage wanted on the shelf per litre of mean daily demand, so that a catchment
leaves room for its safety stock instead of turning into expected shortage).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pickup_net.domain import Parameters, Shop, VehicleType
from pickup_net.location import LocationProblem
from pickup_net.network import Matrices
from pickup_net.planning.history import Customer

DELIVERIES_PER_TRIP = 10
"""Home deliveries assumed to share one van trip from the depot in the default cost estimate."""
DELIVERIES_PER_VAN_DAY = 40
"""Home deliveries one van is assumed to make in a day, to share its fixed cost."""
LOCAL_LEG_M = 1_000.0
"""Assumed drive from one home delivery to the next inside the neighbourhood."""


@dataclass(frozen=True)
class LocationPrices:
    """Prices taken from a routed solution: one home delivery per customer (in `customers`
    order), one hub per operating day per shop (visits and stock, in `shops` order), and each
    shop's shelf factor (litres of shelf per litre of its catchment's mean daily demand)."""

    home_per_delivery: np.ndarray
    visit_per_day: np.ndarray
    shelf_factor: np.ndarray


@dataclass(frozen=True)
class CustomerDemand:
    """Expected daily demand of one customer, from the forecast of its zone."""

    units_per_day: float
    pickups_per_day: float
    liters_per_cycle: float


def home_delivery_estimate(
    params: Parameters, fleet: Sequence[VehicleType], depot_m: float, depot_s: float
) -> float:
    """Default cost of one home delivery with the cheapest vehicle type's rates.

    A `1/DELIVERIES_PER_TRIP` share of the depot round trip, a local leg of `LOCAL_LEG_M`
    driven at the stem's average speed, the service time, and a `1/DELIVERIES_PER_VAN_DAY`
    share of the van's fixed cost.
    """

    def per_delivery(vehicle: VehicleType) -> float:
        speed_mps = depot_m / depot_s if depot_s > 0 else 25 / 3.6
        km = (2 * depot_m / DELIVERIES_PER_TRIP + LOCAL_LEG_M) / 1000
        hours = (2 * depot_s / DELIVERIES_PER_TRIP + LOCAL_LEG_M / speed_mps) / 3600
        hours += params.home_service_s / 3600
        fixed = vehicle.fixed_cost / DELIVERIES_PER_VAN_DAY
        return vehicle.cost_per_km * km + vehicle.cost_per_hour * hours + fixed

    return min(per_delivery(vehicle) for vehicle in fleet)


def location_problem(
    params: Parameters,
    fleet: Sequence[VehicleType],
    customers: Sequence[Customer],
    demand: dict[str, CustomerDemand],
    shops: Sequence[Shop],
    walk: Matrices,
    depot: Matrices,
    prices: LocationPrices | None = None,
) -> LocationProblem:
    """The location model of the customers who accept pickup, priced by estimates or by
    `prices`."""
    pickups = np.array([demand[c.id].pickups_per_day for c in customers])
    liters = np.array([demand[c.id].liters_per_cycle for c in customers])
    walk_m = walk.meters
    fee = np.array([shop.handling_fee for shop in shops])
    walk_cost = 2 * walk_m / 1000 * params.walk_cost_per_km
    assign_cost = pickups[:, None] * (fee[None, :] + walk_cost)
    assign_cost[~(walk_m <= params.max_walk_m)] = np.inf
    if params.home_delivery_cost is not None:
        per_delivery = np.full(len(customers), params.home_delivery_cost)
    elif prices is not None:
        per_delivery = prices.home_per_delivery
    else:
        nearest = np.argmin(depot.meters, axis=0)
        columns = np.arange(len(customers))
        per_delivery = np.array(
            [
                home_delivery_estimate(params, fleet, m, s)
                for m, s in zip(
                    depot.meters[nearest, columns], depot.seconds[nearest, columns], strict=True
                )
            ]
        )
    capacity = np.array([[shop.max_pickups_per_day, shop.storage_liters] for shop in shops])
    if prices is not None:
        capacity[:, 1] /= prices.shelf_factor
    candidates = frozenset(shop.id for shop in shops)
    fixed = np.full(len(shops), 0.0 if params.n_hubs else params.hub_fixed_cost)
    if prices is not None:
        fixed = fixed + np.where(np.isfinite(prices.visit_per_day), prices.visit_per_day, 1e9)
    return LocationProblem(
        customer_ids=[c.id for c in customers],
        shop_ids=[shop.id for shop in shops],
        demand=np.column_stack([pickups, liters]),
        capacity=capacity,
        assign_cost=assign_cost,
        home_cost=pickups * np.where(np.isfinite(per_delivery), per_delivery, 1e9),
        fixed_cost=None if params.n_hubs and prices is None else fixed,
        n_hubs=params.n_hubs,
        force_open=frozenset(params.open_shops) & candidates,
        force_closed=frozenset(params.closed_shops) & candidates,
    )
