"""Run two searches side by side (one per core) and return every solution found."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from pickup_net.routing.compiled import CompiledModel
from pickup_net.routing.ortools_engine import solve_ortools
from pickup_net.routing.problem import FrozenRoute, RoutingProblem
from pickup_net.routing.pyvrp_engine import pyvrp_fits, solve_pyvrp
from pickup_net.routing.solution import EngineSolution

#: First-solution strategy of the second OR-Tools search when PyVRP does not fit the problem.
SECOND_FIRST_SOLUTION = "PARALLEL_CHEAPEST_INSERTION"
#: Share of the time limit the OR-Tools first solution may take before PyVRP starts from it.
SEED_SHARE = 0.05


def solve_parallel(
    problem: RoutingProblem,
    model: CompiledModel,
    time_limit_s: float,
    seed: int,
    frozen: Sequence[FrozenRoute],
    processes: int,
    start_method: str,
    work: int | None = None,
) -> list[EngineSolution]:
    """Two searches, one per core, and every solution they found, in a fixed order.

    Where PyVRP fits: PyVRP in a second process, and here an OR-Tools first solution (a feasible
    fallback) that seeds a second PyVRP run with another seed. Elsewhere: OR-Tools from two
    different first-solution strategies. With one process (the caller's say, e.g. in a daemonic
    Dask worker that may not start children) only this process's share runs, unless `work`
    bounds each search: then the second search runs after it, so the solutions do not depend on
    the processes.
    """
    started = time.perf_counter()
    fits = pyvrp_fits(problem, frozen) is None
    if processes < 2:
        mine = _here(problem, model, time_limit_s, seed, frozen, fits, started, work)
        if work is None:
            return mine
        left = max(0.1, time_limit_s - (time.perf_counter() - started))
        return [*mine, _other(problem, model, left, seed, frozen, fits, work)]
    context = multiprocessing.get_context(start_method)
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        other = pool.submit(_other, problem, model, time_limit_s, seed, frozen, fits, work)
        mine = _here(problem, model, time_limit_s, seed, frozen, fits, started, work)
        return [*mine, other.result()]


def _other(
    problem: RoutingProblem,
    model: CompiledModel,
    time_limit_s: float,
    seed: int,
    frozen: Sequence[FrozenRoute],
    fits: bool,
    work: int | None,
) -> EngineSolution:
    """The second search: PyVRP from its own start, or OR-Tools from another first solution."""
    if fits:
        return solve_pyvrp(problem, model, time_limit_s, seed, work=work)
    return solve_ortools(problem, model, time_limit_s, frozen, SECOND_FIRST_SOLUTION, work=work)


def _here(
    problem: RoutingProblem,
    model: CompiledModel,
    time_limit_s: float,
    seed: int,
    frozen: Sequence[FrozenRoute],
    fits: bool,
    started: float,
    work: int | None,
) -> list[EngineSolution]:
    """This process's share: OR-Tools, or an OR-Tools first solution seeding PyVRP."""
    if not fits:
        return [solve_ortools(problem, model, time_limit_s, frozen, work=work)]
    first_s = SEED_SHARE * time_limit_s if work is None else time_limit_s
    first = solve_ortools(problem, model, first_s, first_only=True)
    remaining = time_limit_s - (time.perf_counter() - started)
    return [first, solve_pyvrp(problem, model, remaining, seed + 1, first.routes, work)]
