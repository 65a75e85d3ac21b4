"""Location priced by routing: choose hubs, route them, price homes and hub visits from the
routes, choose again, until the hub set repeats or the routed total stops improving.

Round 1 prices the location model with `home_delivery_cost` (or `home_delivery_estimate`) and no
visit cost; every later round with the prices of the best routed round so far
(`route_prices.location_prices`; each hub's stock cost, visit share and shelf factor from every
round that opened it, `hub_observations`). Every round is stocked, routed and priced over the whole
horizon by `priced.price_choice` (the plan's own code path, the same orders of each day), with
`ROUND_ROUTING_SHARE` of the plan's routing limit for all its days; the best round's hubs are
routed again with the full limit by the plan, beside its baselines, and only those full-horizon
routed totals decide the plan. A fixed network (every candidate shop forced open or closed, as a
city plan gives its districts) has nothing to choose: one round, routed with the full limit.
"""

from dataclasses import dataclass, field

from pickup_net.domain import Ref
from pickup_net.domain.budget import BudgetClock
from pickup_net.location import LocationProblem, LocationResult, solve_location
from pickup_net.network import Matrices
from pickup_net.planning.hub_choice import LocationPrices, location_problem
from pickup_net.planning.hub_observations import HubObservations
from pickup_net.planning.inputs import PlanInputs
from pickup_net.planning.priced import Located, Priced, price_choice
from pickup_net.planning.route_prices import location_prices

MAX_ROUNDS = 4
"""Location-routing rounds at most: measured stable after 2-3 on the bundled and generated
scenarios (benchmarks/results/economics.md)."""
ROUND_ROUTING_SHARE = 0.25
"""Each round's routing limit as a share of the plan's routing limit."""


@dataclass(frozen=True)
class Round:
    """One location-routing round: the hubs the model chose, the model's objective (its own scope,
    per day: hub fees, handling, walks and the walkers' home deliveries) and the routed total
    over the horizon (vans on the first day, km over every day)."""

    hubs: list[str]
    model_cost: float
    routed_total: float
    vans: int
    km: float
    dropped_stops: int

    def as_dict(self) -> dict:
        """The round for plan.json."""
        return {
            "hubs": self.hubs,
            "hubs_opened": len(self.hubs),
            "model_cost": round(self.model_cost, 2),
            "routed_total": round(self.routed_total, 2),
            "vans_used": self.vans,
            "km_driven": round(self.km, 3),
            "dropped_stops": self.dropped_stops,
        }


@dataclass
class RoutedLocation:
    """The best round, every round, why the rounds stopped, and the routed prices of the best
    (with the hubs seen in every round)."""

    best: Priced
    rounds: list[Round] = field(default_factory=list)
    stopped: str = ""
    prices: LocationPrices | None = None


def better(a: Priced, b: Priced) -> bool:
    """Whether `a` beats `b`: fewer stops left out over the days first, then a lower total."""
    return (a.dropped, a.total) < (b.dropped, b.total)


def locate_by_routing(
    inputs: PlanInputs,
    located: Located,
    spend: BudgetClock,
    location_limit_s: float,
    routing_limit_s: float,
) -> RoutedLocation:
    """Run the location-routing rounds; each round's location solve gets `location_limit_s`
    shared over the rounds, and its routing `ROUND_ROUTING_SHARE` of `routing_limit_s`."""
    scenario, params = inputs.scenario, inputs.parameters
    depot = depot_matrix(located)
    round_routing_s = max(0.05, ROUND_ROUTING_SHARE * routing_limit_s)
    steps = spend.budget.location_steps()
    if fixed_network(inputs, located):
        return _fixed_round(inputs, located, depot, location_limit_s, routing_limit_s, spend)
    round_steps = None if steps is None else max(1, steps // MAX_ROUNDS)
    seen: dict[tuple[str, ...], int] = {}
    hubs_seen = HubObservations()
    prices: LocationPrices | None = None
    search: RoutedLocation | None = None
    for number in range(1, MAX_ROUNDS + 1):
        location = _solve(
            inputs, located, depot, location_limit_s / MAX_ROUNDS, prices, round_steps
        )
        key = tuple(sorted(location.open_shops))
        if key in seen:
            search.stopped = f"round {number} chose the hubs of round {seen[key]} again"
            break
        seen[key] = number
        priced = price_choice(inputs, located, location, round_routing_s, spend)
        step = _round(priced)
        hubs_seen.add(scenario, located, priced)
        if search is None:
            search = RoutedLocation(best=priced)
        elif not better(priced, search.best):
            search.rounds.append(step)
            search.stopped = f"round {number} did not lower the routed total"
            break
        search.rounds.append(step)
        search.best = priced
        prices = location_prices(scenario, located, priced, hubs_seen)
        if spend.remaining_s() < 3 * round_routing_s:
            search.stopped = "the plan's time budget ran short"
            break
    else:
        search.stopped = f"stopped after {MAX_ROUNDS} rounds"
    search.prices = location_prices(scenario, located, search.best, hubs_seen)
    if params.home_delivery_cost is not None:
        search.stopped += "; home deliveries priced at the explicit home_delivery_cost"
    return search


def fixed_network(inputs: PlanInputs, located: Located) -> bool:
    """Whether the parameters force every open candidate shop open or closed (no hub to choose)."""
    params = inputs.parameters
    forced = set(params.open_shops) | set(params.closed_shops)
    return all(shop.id in forced for shop in located.shops)


def _fixed_round(
    inputs: PlanInputs,
    located: Located,
    depot: Matrices,
    location_limit_s: float,
    routing_limit_s: float,
    spend: BudgetClock,
) -> RoutedLocation:
    """The one round of a fixed network: its assignment solved, routed with the full limit."""
    location = _solve(inputs, located, depot, location_limit_s, None, spend.budget.location_steps())
    priced = price_choice(inputs, located, location, routing_limit_s, spend)
    search = RoutedLocation(best=priced, rounds=[_round(priced)])
    search.stopped = "the network is fixed (every candidate shop forced open or closed): one round"
    seen = HubObservations()
    seen.add(inputs.scenario, located, priced)
    search.prices = location_prices(inputs.scenario, located, priced, seen)
    if inputs.parameters.home_delivery_cost is not None:
        search.stopped += "; home deliveries priced at the explicit home_delivery_cost"
    return search


def _round(priced: Priced) -> Round:
    """The record of one priced round."""
    return Round(
        hubs=sorted(priced.location.open_shops),
        model_cost=priced.location.objective,
        routed_total=priced.total,
        vans=sum(1 for route in priced.routes if route.visits),
        km=priced.km,
        dropped_stops=priced.dropped,
    )


def _solve(
    inputs: PlanInputs,
    located: Located,
    depot: Matrices,
    time_limit_s: float,
    prices: LocationPrices | None,
    steps: int | None,
) -> LocationResult:
    """One location solve of the customers who accept pickup, at `prices`, within `steps`
    search steps when the budget has a work limit."""
    problem = located_problem(inputs, located, depot, prices)
    return solve_location(
        problem, time_limit_s=max(0.05, time_limit_s), seed=inputs.parameters.seed, steps=steps
    )


def located_problem(
    inputs: PlanInputs, located: Located, depot: Matrices, prices: LocationPrices | None
) -> LocationProblem:
    """The location model of the customers who accept pickup, at `prices` (None: estimates)."""
    return location_problem(
        inputs.parameters,
        inputs.scenario.vehicle_types,
        located.walkers,
        located.demand,
        located.shops,
        located.walk,
        depot,
        prices,
    )


def depot_matrix(located: Located) -> Matrices:
    """Driving metres and seconds from the depots (rows) to the walkers (columns)."""
    both = located.drive.subset({Ref(kind="customer", id=c.id) for c in located.walkers}).matrices
    n = sum(1 for ref, _, _ in located.drive.places if ref.kind == "depot")
    return Matrices(
        ids=both.ids[:n],
        target_ids=both.ids[n:],
        seconds=both.seconds[:n, n:],
        meters=both.meters[:n, n:],
    )
