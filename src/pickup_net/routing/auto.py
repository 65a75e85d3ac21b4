"""Run two searches side by side (one per core) and return every solution found."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from pickup_net.routing.compiled import CompiledModel
from pickup_net.routing.ortools_engine import solve_ortools
from pickup_net.routing.problem import FrozenRoute, RoutingProblem
from pickup_net.routing.pyvrp_engine import pyvrp_fits, solve_pyvrp
from pickup_net.routing.solution import EngineSolution

#: First-solution strategy of the second OR-Tools search when PyVRP does not fit the problem.
SECOND_FIRST_SOLUTION = "PARALLEL_CHEAPEST_INSERTION"


def solve_parallel(
    problem: RoutingProblem,
    model: CompiledModel,
    time_limit_s: float,
    seed: int,
    frozen: Sequence[FrozenRoute],
) -> list[EngineSolution]:
    """OR-Tools here; in a second process PyVRP where it fits, else OR-Tools from another start."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        if pyvrp_fits(problem, frozen) is None:
            other = pool.submit(solve_pyvrp, problem, model, time_limit_s, seed)
        else:
            other = pool.submit(
                solve_ortools, problem, model, time_limit_s, frozen, SECOND_FIRST_SOLUTION
            )
        mine = solve_ortools(problem, model, time_limit_s, frozen)
        return [mine, other.result()]
