"""Explanations a planner can use: why each hub is open, why a customer goes to home delivery."""

from __future__ import annotations

import numpy as np

from pickup_net.location._instance import Instance
from pickup_net.location.assign import HOME, nearest_two
from pickup_net.location.local_search import swap_profits
from pickup_net.location.problem import LocationProblem

NO_SHOP = "no shop within walking reach"
DECLINED = "only declined shops within walking reach"
NOT_OPENED = "no hub opened within walking reach"
FULL = "capacity full"
CHEAPER = "cheaper by home delivery"


def home_reasons(
    problem: LocationProblem, inst: Instance, is_open: np.ndarray, assignment: np.ndarray
) -> dict[str, str]:
    """Reason for each customer sent to home delivery, from its reachable shops and their state."""
    load = _load(inst, assignment)
    reasons: dict[str, str] = {}
    reachable = _reachable_closed_included(problem)
    for i in np.flatnonzero(assignment == HOME):
        cid = problem.customer_ids[i]
        if not reachable[i]:
            reasons[cid] = NO_SHOP
            continue
        lo, hi = inst.indptr[i], inst.indptr[i + 1]
        shops, costs = inst.shop[lo:hi], inst.cost[lo:hi]
        if shops.size == 0:
            reasons[cid] = DECLINED
            continue
        opened = is_open[shops]
        if not opened.any():
            reasons[cid] = NOT_OPENED
            continue
        cheaper = shops[opened & (costs < inst.home[i])]
        full = [j for j in cheaper if np.any(load[j] + inst.demand[i] > inst.capacity[j] + 1e-9)]
        reasons[cid] = FULL if cheaper.size and len(full) == cheaper.size else CHEAPER
    return reasons


def hub_explanations(
    problem: LocationProblem, inst: Instance, is_open: np.ndarray, assignment: np.ndarray
) -> dict[str, dict]:
    """Per open hub: demand served, its customers, and the best replacement with its extra cost.

    The replacement is evaluated with customers going to their cheapest open option (capacities
    are not re-checked for the hypothetical move; the field says so when they bind).
    """
    parts = swap_profits(inst, is_open)
    near = nearest_two(inst, is_open)
    served_cost = np.zeros(inst.m)
    mask = assignment != HOME
    cost_of = _assigned_cost(inst, assignment)
    np.add.at(served_cost, assignment[mask], cost_of[mask])
    out: dict[str, dict] = {}
    for j in np.flatnonzero(is_open):
        members = np.flatnonzero(assignment == j)
        entry: dict = {
            "customers": [problem.customer_ids[i] for i in members],
            "n_customers": int(members.size),
            "demand_served": [float(x) for x in inst.demand[members].sum(axis=0)],
            "capacity": [_num(x) for x in inst.capacity[j]],
            "assignment_cost": float(served_cost[j]),
            "fixed_cost": float(inst.fixed[j]),
            "forced_open": bool(inst.forced_open[j]),
        }
        mine = near.phi1 == j
        if np.isinf(near.d2[mine]).any():
            entry["extra_cost_if_closed"] = None
            entry["why"] = "some of its customers have no other shop within walking reach"
        else:
            close = float((near.d2[mine] - near.d1[mine]).sum() - inst.fixed[j])
            entry["extra_cost_if_closed"] = close
        alternative, extra = None, None
        if parts is not None and not inst.forced_open[j]:
            f, profit = parts.best_for(int(j))
            if f >= 0 and np.isfinite(profit):
                alternative, extra = problem.shop_ids[f], -profit
        entry["next_best_alternative"] = alternative
        entry["extra_cost_of_alternative"] = extra
        entry["capacity_checked_for_alternative"] = not inst.capacitated
        out[problem.shop_ids[j]] = entry
    return out


def _assigned_cost(inst: Instance, assignment: np.ndarray) -> np.ndarray:
    """Cost each customer pays under the assignment (home cost for home delivery)."""
    cost = inst.home.copy()
    pos = np.flatnonzero(assignment[inst.row] == inst.shop)
    cost[inst.row[pos]] = inst.cost[pos]
    return cost


def _load(inst: Instance, assignment: np.ndarray) -> np.ndarray:
    """Used capacity of each shop per dimension."""
    load = np.zeros_like(inst.capacity)
    mask = assignment != HOME
    np.add.at(load, assignment[mask], inst.demand[mask])
    return load


def _reachable_closed_included(problem: LocationProblem) -> np.ndarray:
    """Whether each customer has any allowed shop at all, declined shops included."""
    cost = problem.assign_cost
    if isinstance(cost, np.ndarray):
        return np.isfinite(cost).any(axis=1)
    return np.diff(cost.indptr) > 0


def _num(x: float) -> float | None:
    """JSON-friendly number: None for infinity."""
    return None if np.isinf(x) else float(x)
