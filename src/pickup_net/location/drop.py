"""Close hubs that do not pay for themselves, on instances too large for swap searches.

A solution joined from parts (areas solved apart) can keep hubs that paid only with what a part
saw: closing one saves its fee and sends its customers to their next open option. Each pass ranks
the open hubs by that saving with capacities ignored (a cheap estimate, O(pairs)), then confirms
the best few with the capacity-aware assignment and keeps the first that lowers the cost.
"""

from __future__ import annotations

import numpy as np

from pickup_net.location._instance import Instance
from pickup_net.location.assign import assign, nearest_two
from pickup_net.location.limit import SearchLimit

TRIES_PER_PASS = 8
"""Hubs, by estimated saving, whose closing is priced exactly before a pass gives up."""


def drop_unpaid(
    inst: Instance,
    is_open: np.ndarray,
    assignment: np.ndarray,
    objective: float,
    limit: SearchLimit,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Close hubs while closing one lowers the cost (one step per exact pricing); returns the
    open set, assignment and objective (the given ones when nothing pays)."""
    while True:
        kept = False
        for j in _ranked(inst, is_open, assignment)[:TRIES_PER_PASS]:
            if not limit.go():
                return is_open, assignment, objective
            trial = is_open.copy()
            trial[j] = False
            new_assignment, new_objective = assign(inst, trial)
            if new_objective < objective - 1e-9 * max(1.0, abs(objective)):
                is_open, assignment, objective, kept = trial, new_assignment, new_objective, True
                break
        if not kept:
            return is_open, assignment, objective


def _ranked(inst: Instance, is_open: np.ndarray, assignment: np.ndarray) -> np.ndarray:
    """Open hubs (not forced) whose estimated saving from closing is positive, best first."""
    near = nearest_two(inst, is_open)
    served = np.flatnonzero(assignment[inst.row] == inst.shop)
    customers, hubs = inst.row[served], inst.shop[served]
    fallback = np.where(near.phi1[customers] == hubs, near.d2[customers], near.d1[customers])
    extra = np.bincount(hubs, weights=fallback - inst.cost[served], minlength=inst.m)
    saving = inst.fixed - extra
    candidates = np.flatnonzero(is_open & ~inst.forced_open & (saving > 0))
    return candidates[np.argsort(-saving[candidates], kind="stable")]
