"""Where the network would start to pay, read off the routing-priced location model (no extra
plans): at what hub fee, and at what scale of today's demand.

For each candidate shop j alone, the model's daily saving is what its catchment saves against
home delivery: the customers within reach whose routed home price exceeds their cost at j
(handling and walk), best saving first within the shop's limits. Opening j pays when
`saving_j > fee + visit_j` (`visit_j`: the routed price of replenishing j per day), so
- the break-even hub fee is `max_j (saving_j - visit_j)`;
- the break-even demand scale is `min_j (fee + visit_j) / saving_j`, with routed prices and shop
  limits held at today's values (denser demand also makes home routes cheaper, so this is a
  first answer for the benchmark to check against full plans).

It also states the prices behind the answer (medians): a routed home delivery, a pickup at the
cheapest shop within reach (handling and the walk's cost), and a hub's routed visits and stock
per day.
"""

import math

import numpy as np
from scipy import sparse

from pickup_net.location import LocationProblem


def break_even(problem: LocationProblem, hub_fee: float) -> dict:
    """The hub fee and the demand scale at which one hub starts to pay in `problem`."""
    if problem.n_customers == 0:
        return {"hub_fee_per_day": None, "demand_scale": None, "note": "no customer may pick up"}
    cost = _dense(problem.assign_cost)
    home = problem.home_cost
    fixed = problem.fixed_cost if problem.fixed_cost is not None else np.zeros(problem.n_shops)
    visit = fixed - (hub_fee if problem.n_hubs is None else 0.0)
    gain = home[:, None] - cost
    closed = np.isin(np.asarray(problem.shop_ids, dtype=object), list(problem.force_closed))
    fee_at, scale_at = -math.inf, math.inf
    for j in np.flatnonzero(~closed):
        pays = np.isfinite(gain[:, j]) & (gain[:, j] > 0)
        uncapped = float(gain[pays, j].sum())
        capped = _within_limits(problem, j, pays, gain[:, j])
        fee_at = max(fee_at, capped - visit[j])
        if uncapped > 0:
            scale_at = min(scale_at, (hub_fee + visit[j]) / uncapped)
    return {
        "hub_fee_per_day": round(max(fee_at, 0.0), 2),
        "current_hub_fee": hub_fee,
        "demand_scale": round(scale_at, 3) if math.isfinite(scale_at) else None,
        "method": "one hub against all-home in the routing-priced location model",
        **_prices(problem, cost, visit[~closed]),
    }


def _prices(problem: LocationProblem, cost: np.ndarray, visit: np.ndarray) -> dict:
    """Median prices of the model: a home delivery, a pickup at the cheapest shop within reach,
    and a hub's visits and stock per day (what the answer above weighs)."""
    pickups = problem.demand[:, 0]
    some = pickups > 0
    home = problem.home_cost[some] / pickups[some]
    with np.errstate(invalid="ignore"):
        nearest = np.min(cost[some], axis=1, initial=np.inf) / pickups[some]
    return {
        "home_price_per_delivery": _median(home),
        "pickup_price": _median(nearest),
        "hub_visits_and_stock_per_day": _median(visit),
    }


def _median(values: np.ndarray) -> float | None:
    """The median of the finite values below the model's unreachable price, None if none."""
    kept = values[np.isfinite(values) & (values < 1e8)]
    return round(float(np.median(kept)), 1) if kept.size else None


def _dense(cost: np.ndarray | sparse.sparray | sparse.spmatrix) -> np.ndarray:
    """The assignment costs as a dense array, `inf` where a pair is not allowed (for a sparse
    matrix: every pair not stored)."""
    if not sparse.issparse(cost):
        return np.asarray(cost, dtype=float)
    stored = sparse.coo_array(cost)
    dense = np.full(stored.shape, np.inf)
    dense[stored.row, stored.col] = stored.data
    return dense


def _within_limits(problem: LocationProblem, j: int, pays: np.ndarray, gain: np.ndarray) -> float:
    """Saving of shop j taking its best-saving customers first, within its capacity."""
    used = np.zeros(problem.demand.shape[1])
    total = 0.0
    for i in np.flatnonzero(pays)[np.argsort(-gain[pays], kind="stable")]:
        if np.all(used + problem.demand[i] <= problem.capacity[j] + 1e-9):
            used += problem.demand[i]
            total += float(gain[i])
    return total
