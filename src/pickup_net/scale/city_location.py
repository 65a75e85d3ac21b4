"""One location model over the whole city, solved once, split only where the split costs nothing.

The model is the plan core's own first-round model (`planning.hub_choice.location_problem`:
estimated home prices, hub fees, walks within `max_walk_m`, pickups and storage limits). It is
built area by area on the workers (`scale.area_model`: each area's customers against the
candidate shops within walking reach of them in a straight line, so no walkable pair is lost, on
the area's street network) and stacked into one sparse problem over the whole city. That problem
is cut only at its walking components (`location.split_components`), whose optima and bounds add
up exactly, and each component is solved on a worker: the sum of their proven bounds is a lower
bound of the city's model, not of a split of it. A component too large to solve whole is solved
as areas on the workers (full fees), joined (`scale.city_join`), then improved and bounded as a
whole by the city model's Lagrangian (`location.warm`).
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from distributed import Client
from scipy.spatial import cKDTree

from pickup_net.domain import Scenario
from pickup_net.location import LocationProblem, LocationResult, solve_location
from pickup_net.location.components import ComponentsResult, combine, split_components
from pickup_net.location.warm import improve_and_bound
from pickup_net.network.projection import to_metric_xy, utm_epsg
from pickup_net.scale.area_model import area_model
from pickup_net.scale.areas import District
from pickup_net.scale.city_join import CitySolution, join_areas
from pickup_net.scale.executor import fan_out

METHOD = (
    "one location model over the city (the plan core's first-round model), built per area on "
    "the workers; solved per walking component, or, when one component is too large, as areas "
    "joined and then bounded by the whole model's Lagrangian; the bound is the city's"
)


WHOLE_PAIRS = 150_000
"""Walkable pairs above which one walking component is not solved by the full search but as
areas, joined and then bounded whole: measured, a component of 1.1 M pairs (20,000 customers)
ran 162 Lagrangian steps in 300 s on a loaded 2-core machine and left a 39% gap."""
AREA_SHARE = 0.7
"""Share of the time limit the areas' solves take when a component is solved as areas; the
whole model's improvement and bound get the rest."""


class CityLocationError(RuntimeError):
    """The city's location model could not be built or solved; the message names the part."""


@dataclass(frozen=True)
class CityLocation:
    """The city model's answer (hubs, each walker's hub, objective and city-wide bound), how it
    was decomposed, and the model's size."""

    solution: CitySolution
    decomposition: str
    components: int
    customers: int
    shops: int
    pairs: int
    build_s: float
    solve_s: float

    @property
    def hubs(self) -> list[str]:
        """The hubs the city model opens, sorted."""
        return self.solution.open_shops

    @property
    def assignment(self) -> dict[str, str | None]:
        """Walker id -> hub id, or None for home delivery."""
        return self.solution.assignment

    def details(self) -> dict:
        """The figures for the joined plan's location stage."""
        results, whole = self.solution.results, self.solution.whole
        return {
            "bound_scope": "city",
            "decomposition": self.decomposition,
            "components": self.components,
            "subproblems": len(results),
            "customers": self.customers,
            "shops": self.shops,
            "walk_pairs": self.pairs,
            "proven_optimal": self.solution.gap <= 1e-9,
            "hubs": self.hubs,
            "seconds": {"build": round(self.build_s, 3), "solve": round(self.solve_s, 3)},
            "subproblem_methods": sorted({r.method for r in results}),
            "subproblem_gap_max": round(max((r.gap for r in results), default=0.0), 6),
            "steps": sum(r.steps for r in results) + (whole.steps if whole else 0),
            "whole_model": whole.method if whole else None,
        }


def city_location(
    client: Client,
    city: Scenario,
    areas: Sequence[District],
    cache_dir: Path | None,
    time_limit_s: float,
    steps: int | None,
) -> CityLocation:
    """Build the city's location model per area of `areas` on the workers and solve it whole.

    Walking components are solved apart (`time_limit_s` and `steps` shared by their walkable
    pairs). When one component holds more than `WHOLE_PAIRS` walkable pairs (and `n_hubs` is
    free), the areas' subproblems are solved instead, each with `steps` and its share of
    `AREA_SHARE` of `time_limit_s` on the workers, and their joined solution is improved and
    bounded on the whole model with the rest (and `steps`).

    Raises
    ------
    CityLocationError
        When an area's part of the model or a subproblem's solve fails (naming which).
    """
    start = time.perf_counter()
    parts = city_parts(client, city, areas, cache_dir)
    problem = stack(parts, city.parameters.n_hubs)
    build_s = time.perf_counter() - start
    components = split_components(problem)
    largest = max(_pairs(c) for c in components)
    seed = city.parameters.seed
    if problem.n_hubs is None and len(parts) > 1 and largest > WHOLE_PAIRS:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        share_s = AREA_SHARE * time_limit_s * min(1.0, workers / len(parts))
        results = _solve_all(client, parts, share_s, seed, steps)
        solution = _whole_on(client, problem, results, (1.0 - AREA_SHARE) * time_limit_s, steps)
        how = "areas joined, then improved and bounded on the whole model (one component too large)"
    else:
        totals = solve_components_on(client, components, time_limit_s, seed, steps)
        solution = CitySolution(
            open_shops=sorted(s for r in totals.results for s in r.open_shops),
            assignment={c: h for r in totals.results for c, h in r.assignment.items()},
            objective=totals.objective,
            lower_bound=totals.lower_bound,
            results=totals.results,
        )
        how = "walking components"
    return CityLocation(
        solution=solution,
        decomposition=how,
        components=len(components),
        customers=problem.n_customers,
        shops=len(problem.shop_ids),
        pairs=_pairs(problem),
        build_s=build_s,
        solve_s=time.perf_counter() - start - build_s,
    )


def _whole_on(
    client: Client,
    problem: LocationProblem,
    results: Sequence[LocationResult],
    time_limit_s: float,
    steps: int | None,
) -> CitySolution:
    """`whole_model` as one task on a worker (the whole model's Lagrangian runs there)."""
    task = [(problem, results)]
    _, solution, error = next(fan_out(client, _whole_task, task, time_limit_s, steps))
    if error is not None:
        raise CityLocationError(f"whole city model: {error}")
    return solution


def _whole_task(
    task: tuple[LocationProblem, Sequence[LocationResult]], time_limit_s: float, steps: int | None
) -> CitySolution:
    """The whole model's step on a worker."""
    return whole_model(task[0], task[1], time_limit_s, steps)


def whole_model(
    problem: LocationProblem,
    results: Sequence[LocationResult],
    time_limit_s: float,
    steps: int | None,
) -> CitySolution:
    """The areas' joined solution improved and bounded on the whole city model."""
    joined = join_areas(problem, results)
    whole = improve_and_bound(
        problem,
        joined.open_shops,
        joined.assignment,
        time_limit_s,
        steps,
    )
    return CitySolution(
        open_shops=sorted(whole.open_shops),
        assignment=whole.assignment,
        objective=whole.objective,
        lower_bound=whole.lower_bound,
        results=list(results),
        whole=whole,
    )


def city_problem(
    client: Client, city: Scenario, areas: Sequence[District], cache_dir: Path | None
) -> LocationProblem:
    """The city's location model (`city_parts` stacked into one sparse problem)."""
    return stack(city_parts(client, city, areas, cache_dir), city.parameters.n_hubs)


def city_parts(
    client: Client, city: Scenario, areas: Sequence[District], cache_dir: Path | None
) -> list[LocationProblem]:
    """The city's location model area by area, built on the workers (`areas` only group the
    customers: every walkable pair is kept, whichever area its shop belongs to).

    Raises
    ------
    CityLocationError
        When an area's part fails, or no customer has a candidate shop within walking reach.
    """
    built: dict[str, LocationProblem] = {}
    for part, problem, error in fan_out(
        client, _area_model, _area_scenarios(city, areas), cache_dir
    ):
        if error is not None:
            raise CityLocationError(f"location model of area {part[0]}: {error}")
        built[part[0]] = problem
    if not built:
        raise CityLocationError("no customer has a candidate shop within walking reach")
    return [built[a.id] for a in areas if a.id in built]


def solve_components_on(
    client: Client,
    components: Sequence[LocationProblem],
    time_limit_s: float,
    seed: int,
    steps: int | None,
) -> ComponentsResult:
    """Solve independent components in parallel on `client`, each with a share of `time_limit_s`
    and `steps` by its walkable pairs (wall time: the workers run side by side)."""
    sizes = [max(1, _pairs(c)) for c in components]
    total = float(sum(sizes))
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    limits = [min(1.0, workers * size / total) * time_limit_s for size in sizes]
    shares = [None if steps is None else max(1, round(steps * size / total)) for size in sizes]
    return combine(_solve_all(client, components, limits, seed, shares))


def _solve_all(
    client: Client,
    problems: Sequence[LocationProblem],
    limits: Sequence[float] | float,
    seed: int,
    steps: Sequence[int | None] | int | None,
) -> list[LocationResult]:
    """Solve `problems` on `client`, largest first, each within its limit and steps; results in
    the order given."""
    n = len(problems)
    limits = list(limits) if isinstance(limits, Sequence) else [limits] * n
    steps = list(steps) if isinstance(steps, Sequence) else [steps] * n
    tasks = sorted(zip(range(n), problems, limits, steps, strict=True), key=lambda t: -_pairs(t[1]))
    results: dict[int, LocationResult] = {}
    for task, result, error in fan_out(client, _solve_component, tasks, seed):
        if error is not None:
            raise CityLocationError(f"location subproblem {task[0]}: {error}")
        results[task[0]] = result
    return [results[k] for k in range(n)]


def _pairs(problem: LocationProblem) -> int:
    """How many walkable pairs a problem has."""
    return int(sp.csr_array(problem.assign_cost).nnz)


def stack(parts: Sequence[LocationProblem], n_hubs: int | None) -> LocationProblem:
    """One sparse problem from area parts with disjoint customers (shops may repeat: a shop's
    capacity, fee and forced state are the same in every part that holds it)."""
    shop_index: dict[str, int] = {}
    capacity, fixed = [], []
    rows, cols, costs = [], [], []
    offset = 0
    for part in parts:
        local = np.empty(len(part.shop_ids), dtype=int)
        for j, shop in enumerate(part.shop_ids):
            if shop not in shop_index:
                shop_index[shop] = len(shop_index)
                capacity.append(part.capacity[j])
                fixed.append(0.0 if part.fixed_cost is None else part.fixed_cost[j])
            local[j] = shop_index[shop]
        cost = sp.coo_array(part.assign_cost)
        rows.append(cost.row + offset)
        cols.append(local[cost.col])
        costs.append(cost.data)
        offset += part.n_customers
    assign = sp.csr_array(
        (np.concatenate(costs), (np.concatenate(rows), np.concatenate(cols))),
        shape=(offset, len(shop_index)),
    )
    with_fees = any(p.fixed_cost is not None for p in parts)
    return LocationProblem(
        customer_ids=[c for p in parts for c in p.customer_ids],
        shop_ids=list(shop_index),
        demand=np.vstack([p.demand for p in parts]),
        capacity=np.array(capacity),
        assign_cost=assign,
        home_cost=np.concatenate([p.home_cost for p in parts]),
        fixed_cost=np.array(fixed) if with_fees else None,
        n_hubs=n_hubs,
        force_open=frozenset().union(*(p.force_open for p in parts)),
        force_closed=frozenset().union(*(p.force_closed for p in parts)),
    )


def _area_scenarios(city: Scenario, areas: Sequence[District]) -> list[tuple[str, Scenario]]:
    """Per area: the city with the area's orders and the candidate shops within `max_walk_m` in
    a straight line of its customers (walks on streets are never shorter). Areas without such a
    shop have no pickup to choose and are left out (their customers are served at home)."""
    candidates = [s for s in city.shops if s.is_candidate]
    positions = {o.customer_id: (o.lon, o.lat) for o in city.orders}
    shop_ll = np.array([[s.lon, s.lat] for s in candidates]).reshape(-1, 2)
    epsg = utm_epsg(*np.array(list(positions.values())).mean(axis=0))
    tree = cKDTree(to_metric_xy(shop_ll, epsg)) if candidates else None
    wanted = {a.id: set(a.customer_ids) for a in areas}
    parts = []
    for area in areas:
        own = wanted[area.id]
        xy = to_metric_xy(np.array([positions[c] for c in area.customer_ids]), epsg)
        near = (
            sorted({j for js in tree.query_ball_point(xy, city.parameters.max_walk_m) for j in js})
            if tree is not None
            else []
        )
        if not near:
            continue
        scenario = city.model_copy(  # valid by construction: every reference stays inside
            update={
                "name": f"{city.name} / {area.id} location model",
                "shops": [candidates[j] for j in near],
                "orders": [o for o in city.orders if o.customer_id in own],
            }
        )
        parts.append((area.id, scenario))
    return parts


def _area_model(part: tuple[str, Scenario], cache_dir: Path | None) -> LocationProblem:
    """An area's rows of the city model, on a worker."""
    return area_model(part[1], cache_dir)


def _solve_component(
    task: tuple[int, LocationProblem, float, int | None], seed: int
) -> LocationResult:
    """One component's solve on a worker."""
    _, problem, time_limit_s, steps = task
    return solve_location(problem, time_limit_s=max(0.05, time_limit_s), seed=seed, steps=steps)
