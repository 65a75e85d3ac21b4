"""The alternatives a planner tries first, priced exactly like the plan: everyone at home, and a
greedy choice of hubs (most pickup demand within walking reach).

Each baseline goes through `priced.price_choice` (the plan's own day loop over the horizon:
stock carried over, routing and money) with the same fleet, the same orders of each day and a
routing limit of its own equal to the plan's. Vans and km in a baseline's record are the first
day's, like the plan's KPIs; its total covers every day, like `kpis.total_cost`.
"""

from collections.abc import Callable, Sequence

import numpy as np

from pickup_net.domain import Baseline
from pickup_net.domain.budget import BudgetClock
from pickup_net.location import LocationResult
from pickup_net.planning.inputs import PlanInputs
from pickup_net.planning.priced import Located, Priced, parcels, price_choice
from pickup_net.planning.routed_location import better, fixed_network

GREEDY_COUNTS = (1, 2, 3)
"""Hub counts the greedy baseline tries when the plan's method opens none."""
SCREEN_SHARE = 0.25
"""Routing limit of each screened greedy count, as a share of the plan's routing limit."""


def all_home_location(located: Located) -> LocationResult:
    """No hubs: every customer who would walk is served at home."""
    return _result([], {c.id: None for c in located.walkers}, "all-home baseline: no hubs")


def greedy_location(inputs: PlanInputs, located: Located, count: int) -> LocationResult:
    """Open `count` shops one at a time, each covering the most expected pickups not yet covered
    within `max_walk_m` (nearest first, within its pickups and storage limits)."""
    params = inputs.parameters
    closed = set(params.closed_shops)
    walk = located.walk.meters
    pickups = np.array([located.demand[c.id].pickups_per_day for c in located.walkers])
    liters = np.array([located.demand[c.id].liters_per_cycle for c in located.walkers])
    reach = walk <= params.max_walk_m
    assignment: dict[str, str | None] = {c.id: None for c in located.walkers}
    covered = np.zeros(len(located.walkers), dtype=bool)
    opened: list[int] = [j for j, s in enumerate(located.shops) if s.id in params.open_shops]
    for j in opened:
        covered |= _fill(located, j, reach, walk, pickups, liters, covered, assignment)
    while len(opened) < count:
        best, best_take = None, np.zeros_like(covered)
        for j, shop in enumerate(located.shops):
            if j in opened or shop.id in closed:
                continue
            take = _fill(located, j, reach, walk, pickups, liters, covered, None)
            if best is None or pickups[take].sum() > pickups[best_take].sum():
                best, best_take = j, take
        if best is None:
            break
        opened.append(best)
        covered |= _fill(located, best, reach, walk, pickups, liters, covered, assignment)
    hubs = sorted(opened)
    return _result([located.shops[j].id for j in hubs], assignment, "greedy baseline")


def baselines(
    inputs: PlanInputs,
    located: Located,
    method: Priced,
    routing_s: float,
    spend: BudgetClock,
) -> list[tuple[Baseline, Priced]]:
    """All-home and greedy, each routed within `routing_s` (the plan's own routing limit).

    All-home is the method's own routing when the method opens no hub (the same problem). Greedy
    uses the method's hub count; when that is zero, it screens `GREEDY_COUNTS` with a short
    routing limit and routes the best count in full. A greedy choice identical to the method's
    (the same hubs and assignment) is the method's own routing, and so is the greedy baseline of
    a fixed network (every candidate shop forced open or closed: nothing to choose).
    """

    def priced(location: LocationResult, limit_s: float) -> Priced:
        if _same_choice(location, method.location):
            return method
        return price_choice(inputs, located, location, limit_s, spend)

    if method.hub_ids:
        home = price_choice(inputs, located, all_home_location(located), routing_s, spend)
        home_note = "every customer served at home"
    else:
        home, home_note = method, "every customer served at home (the method's own routing)"
    if fixed_network(inputs, located):
        greedy, note = method, "the network is fixed (every shop forced): the method's routing"
    else:
        greedy, note = _greedy(inputs, located, len(method.hub_ids), routing_s, priced)
    return [
        (baseline_record("all_home", home, located, home_note), home),
        (baseline_record("greedy", greedy, located, note), greedy),
    ]


def _greedy(
    inputs: PlanInputs,
    located: Located,
    count: int,
    routing_s: float,
    priced: Callable[[LocationResult, float], Priced],
) -> tuple[Priced, str]:
    """The greedy baseline of `count` hubs (none: the best screened count), priced, and its note."""
    note = f"{count} hubs, as many as the location-routing method opened"
    if count == 0:
        screen_s = max(0.05, SCREEN_SHARE * routing_s)
        tried = {n: priced(greedy_location(inputs, located, n), screen_s) for n in GREEDY_COUNTS}
        count = min(tried, key=lambda n: (tried[n].dropped, tried[n].total))
        note = f"best of {', '.join(map(str, GREEDY_COUNTS))} hubs screened by short routing"
    return priced(greedy_location(inputs, located, count), routing_s), note


def baseline_record(name: str, priced: Priced, located: Located, note: str) -> Baseline:
    """The plan.json entry of a priced baseline."""
    served = parcels(priced, located)
    return Baseline(
        name=name,
        total_cost=priced.total,
        hubs_opened=len(priced.hubs),
        vans_used=sum(1 for route in priced.routes if route.visits),
        km_driven=round(priced.routing.distance_m / 1000, 3),
        parcels=served,
        cost_per_parcel=round(priced.total / served, 2) if served else 0.0,
        costs=priced.costs,
        note=note,
    )


def _same_choice(a: LocationResult, b: LocationResult) -> bool:
    """Whether two hub choices open the same hubs and serve every walker the same way."""
    return set(a.open_shops) == set(b.open_shops) and a.assignment == b.assignment


def cheapest(found: Sequence[tuple[Baseline, Priced]]) -> tuple[Baseline, Priced]:
    """The baseline that serves most and costs least."""
    best = found[0]
    for item in found[1:]:
        if better(item[1], best[1]):
            best = item
    return best


def _fill(
    located: Located,
    j: int,
    reach: np.ndarray,
    walk: np.ndarray,
    pickups: np.ndarray,
    liters: np.ndarray,
    covered: np.ndarray,
    assignment: dict[str, str | None] | None,
) -> np.ndarray:
    """Uncovered walkers shop `j` takes, nearest first, within its limits (and assign them)."""
    shop = located.shops[j]
    take = np.zeros_like(covered)
    used_pickups = used_liters = 0.0
    for i in np.argsort(walk[:, j], kind="stable"):
        if not reach[i, j]:
            break
        if covered[i]:
            continue
        if used_pickups + pickups[i] > shop.max_pickups_per_day:
            continue
        if used_liters + liters[i] > shop.storage_liters:
            continue
        used_pickups += pickups[i]
        used_liters += liters[i]
        take[i] = True
        if assignment is not None:
            assignment[located.walkers[i].id] = shop.id
    return take


def _result(
    open_shops: list[str], assignment: dict[str, str | None], method: str
) -> LocationResult:
    """A location result for a baseline's hub choice (no bound: it is not an optimisation)."""
    reasons = {
        cid: "no hub in this baseline" if not open_shops else "not covered by the greedy hubs"
        for cid, hub in assignment.items()
        if hub is None
    }
    return LocationResult(
        open_shops=open_shops,
        assignment=assignment,
        home_reasons=reasons,
        objective=0.0,
        lower_bound=0.0,
        gap=0.0,
        proven_optimal=False,
        seconds=0.0,
        method=method,
    )


def method_record(priced: Priced, located: Located) -> dict:
    """The location-routing method's own result, in the terms of a baseline (for plan.json)."""
    record = baseline_record("greedy", priced, located, "")
    return record.model_dump(exclude={"name", "note"})
