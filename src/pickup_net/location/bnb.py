"""Lagrangian branch and bound over hubs (Beasley's tree search): closes the gap the root left.

Each node fixes some shops open or closed, restricts the instance, and bounds it with a short
warm-started subgradient run that also fixes more shops; a node is pruned once its bound reaches
the incumbent. Branching opens (then closes) the free hub whose closing would cost the bound most.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pickup_net.location._instance import Instance, restrict
from pickup_net.location.lagrangian import fixing_tolerance, lagrangian_bound
from pickup_net.location.limit import SearchLimit


@dataclass(frozen=True)
class TreeOutcome:
    """Whether the tree finished (incumbent proven optimal), the bound, and nodes explored."""

    finished: bool
    lower_bound: float
    nodes: int


def branch_and_bound(
    inst: Instance,
    fixed_open: np.ndarray,
    fixed_closed: np.ndarray,
    multipliers: np.ndarray,
    incumbent_cost: Callable[[], float],
    offer: Callable[[np.ndarray, np.ndarray | None], float],
    settle: Callable[[np.ndarray], bool],
    limit: SearchLimit,
    root_bound: float,
    node_iterations: int = 150,
) -> TreeOutcome:
    """Depth-first Lagrangian tree search; the bound is valid for solutions beating the incumbent.

    ``incumbent_cost`` returns the current best cost, ``offer`` tries an open set and returns the
    best cost after it; ``settle`` finds the best assignment for a fully fixed open set and says
    whether it is proven best. When ``limit`` (one step per node and per Lagrangian iteration)
    stops the search, the bound is the least parent bound among the nodes still waiting (or left
    unsettled).
    """
    stack: list[tuple[np.ndarray, np.ndarray, np.ndarray, float]] = [
        (fixed_open, fixed_closed, multipliers, root_bound)
    ]
    nodes = 0
    unsettled: list[float] = []
    while stack:
        if not limit.go():
            return TreeOutcome(False, min([b for *_, b in stack] + unsettled), nodes)
        fo, fc, lam, parent_bound = stack.pop()
        ub = incumbent_cost()
        tol = fixing_tolerance(inst, ub)
        if parent_bound >= ub - tol:
            continue
        nodes += 1
        free = ~fo & ~fc
        if not free.any() or (inst.p is not None and int(fo.sum()) == inst.p):
            if not settle(fo):
                unsettled.append(parent_bound)
            continue
        if inst.p is not None and int(fo.sum()) + int(free.sum()) < inst.p:
            continue
        sub = restrict(inst, fo, fc)
        out = lagrangian_bound(
            sub, ub, lam, limit, offer, max_iterations=node_iterations, alpha=0.5
        )
        ub = incumbent_cost()
        tol = fixing_tolerance(inst, ub)
        bound = max(out.raw_bound, parent_bound)
        if out.raw_bound >= ub - tol:
            continue
        fo, fc = out.fixed_open, out.fixed_closed
        free = ~fo & ~fc
        if not free.any():
            if not settle(fo):
                unsettled.append(bound)
            continue
        j = _branching_shop(out.shop_values, out.chosen, free)
        opened, closed = fo.copy(), fc.copy()
        opened[j] = True
        closed[j] = True
        stack.append((fo, closed, out.multipliers, bound))
        stack.append((opened, fc, out.multipliers, bound))
    if unsettled:
        return TreeOutcome(False, min(min(unsettled), incumbent_cost()), nodes)
    return TreeOutcome(True, incumbent_cost(), nodes)


def _branching_shop(rho: np.ndarray, chosen: np.ndarray, free: np.ndarray) -> int:
    """Free shop chosen by the relaxation with the most negative value (else the cheapest free)."""
    candidates = np.flatnonzero(chosen & free)
    if candidates.size == 0:
        candidates = np.flatnonzero(free)
    return int(candidates[np.argmin(rho[candidates])])
