"""One area's rows of the city's location model, built on a worker with the plan core's parts:
its walking matrix, forecast demand per customer and first-round model (`hub_choice`), without
the square driving matrix a plan needs for routing (only the depots' drives to the walkers)."""

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from pickup_net.domain import Budget, Ref, Scenario, Shop
from pickup_net.domain.opening_hours import windows_on
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.location import LocationProblem
from pickup_net.network import Matrices
from pickup_net.planning.catchment_demand import customer_demand
from pickup_net.planning.demand_days import horizon_forecast
from pickup_net.planning.hub_choice import CustomerDemand, location_problem
from pickup_net.planning.inputs import PlanInputs
from pickup_net.planning.travel import Travel


def area_model(scenario: Scenario, cache_dir: Path | None) -> LocationProblem:
    """The area's customers who accept pickup against its candidate shops open on the plan date,
    priced like a plan's first round, as a sparse problem (only walkable pairs stored)."""
    inputs = load_inputs(scenario, cache_dir)
    params = inputs.parameters
    travel = Travel(params, inputs.network, Budget())
    walkers = [c for c in inputs.history.customers if not c.prefers_home]
    shops = open_candidates(scenario)
    walker_places = [(Ref(kind="customer", id=c.id), c.lon, c.lat) for c in walkers]
    shop_places = [(Ref(kind="shop", id=s.id), s.lon, s.lat) for s in shops]
    from_shops = travel.matrices(shop_places, walker_places, "walk")  # fewer sources; symmetric
    walk = Matrices(
        ids=from_shops.target_ids,
        target_ids=from_shops.ids,
        seconds=from_shops.seconds.T,
        meters=from_shops.meters.T,
    )
    depots = [(Ref(kind="depot", id=d.id), d.lon, d.lat) for d in scenario.depots]
    depot = travel.matrices(depots, walker_places, "drive")
    problem = location_problem(
        params, scenario.vehicle_types, walkers, _demand(inputs), shops, walk, depot, None
    )
    cost = np.asarray(problem.assign_cost)
    rows, cols = np.nonzero(np.isfinite(cost))
    return LocationProblem(
        customer_ids=problem.customer_ids,
        shop_ids=problem.shop_ids,
        demand=problem.demand,
        capacity=problem.capacity,
        assign_cost=sp.csr_array((cost[rows, cols], (rows, cols)), shape=cost.shape),
        home_cost=problem.home_cost,
        fixed_cost=problem.fixed_cost,
        n_hubs=problem.n_hubs,
        force_open=problem.force_open,
        force_closed=problem.force_closed,
    )


def open_candidates(scenario: Scenario) -> list[Shop]:
    """Candidate shops open on the plan date (a closed one cannot be a hub, as in a plan)."""
    day, country = scenario.plan_date, scenario.parameters.country
    return [
        shop
        for shop in scenario.shops
        if shop.is_candidate and windows_on(shop.opening_hours, day, country)
    ]


def _demand(inputs: PlanInputs) -> dict[str, CustomerDemand]:
    """Expected daily demand per customer from the plan's forecast over its horizon."""
    _, forecast = horizon_forecast(inputs.scenario, inputs.history)
    return customer_demand(inputs.scenario.products, inputs.history.customers, forecast)
