"""The city's solution joined from area subproblems solved apart, repaired to the city's limits.

Each area's subproblem holds its own customers and every shop they can walk to, at the shop's
full fee (a border shop appears in several areas). The city's solution joins the areas' hubs and
assignments and repairs what they overuse together: customers of a shop over its limits go home
(least saving first), homes with an open shop that has room and saves money go there, and shops
left without customers close (unless forced open); it is priced on the city's model. Its bound
comes from the whole model (`location.warm`), not from the areas.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from pickup_net.location import LocationProblem, LocationResult


@dataclass(frozen=True)
class CitySolution:
    """The city solution, a lower bound of the city's model, and the area subproblems' results."""

    open_shops: list[str]
    assignment: dict[str, str | None]
    objective: float
    lower_bound: float
    results: list[LocationResult]
    whole: LocationResult | None = None  # the whole model's improvement and bound, if one ran

    @property
    def gap(self) -> float:
        """(objective - bound) / objective."""
        return max(0.0, (self.objective - self.lower_bound) / max(abs(self.objective), 1e-9))


def join_areas(city: LocationProblem, results: Sequence[LocationResult]) -> CitySolution:
    """The city solution from the area subproblems' results, repaired and priced on `city`
    (without a bound: the areas' bounds at full fees do not bound the city)."""
    cost = sp.csr_array(city.assign_cost)
    index = {c: i for i, c in enumerate(city.customer_ids)}
    shop_index = {s: j for j, s in enumerate(city.shop_ids)}
    hub = np.full(city.n_customers, -1)
    for result in results:
        for customer, shop in result.assignment.items():
            if shop is not None and customer in index:
                hub[index[customer]] = shop_index[shop]
    is_open = np.zeros(len(city.shop_ids), dtype=bool)
    is_open[[shop_index[s] for r in results for s in r.open_shops]] = True
    pair = {(i, int(j)): float(c) for i in range(city.n_customers)
            for j, c in zip(cost.indices[cost.indptr[i]:cost.indptr[i + 1]],
                            cost.data[cost.indptr[i]:cost.indptr[i + 1]], strict=True)}  # fmt: skip
    _within_limits(city, hub, pair)
    _fill_homes(city, hub, is_open, cost)
    forced = np.array([s in city.force_open for s in city.shop_ids])
    is_open &= forced | np.isin(np.arange(len(city.shop_ids)), hub[hub >= 0])
    fees = _fees(city)
    served = np.flatnonzero(hub >= 0)
    objective = (
        float(fees[is_open].sum())
        + sum(pair[(i, int(hub[i]))] for i in served)
        + float(city.home_cost[hub < 0].sum())
    )
    return CitySolution(
        open_shops=sorted(city.shop_ids[j] for j in np.flatnonzero(is_open)),
        assignment={
            c: (city.shop_ids[hub[i]] if hub[i] >= 0 else None)
            for i, c in enumerate(city.customer_ids)
        },
        objective=objective,
        lower_bound=-np.inf,
        results=list(results),
    )


def _fees(problem: LocationProblem) -> np.ndarray:
    """Each shop's fee (zero when the problem has none)."""
    if problem.fixed_cost is None:
        return np.zeros(len(problem.shop_ids))
    return np.asarray(problem.fixed_cost, dtype=float)


def _within_limits(city: LocationProblem, hub: np.ndarray, pair: dict) -> None:
    """Send home the customers of shops used over a limit, least saving first (in place)."""
    dims = city.demand.shape[1]
    used = np.zeros((len(city.shop_ids), dims))
    served = np.flatnonzero(hub >= 0)
    np.add.at(used, hub[served], city.demand[served])
    for j in np.flatnonzero((used > city.capacity + 1e-9).any(axis=1)):
        customers = np.flatnonzero(hub == j)
        saving = np.array([city.home_cost[i] - pair[(i, int(j))] for i in customers])
        for i in customers[np.argsort(saving, kind="stable")]:
            if not (used[j] > city.capacity[j] + 1e-9).any():
                break
            used[j] -= city.demand[i]
            hub[i] = -1


def _fill_homes(
    city: LocationProblem, hub: np.ndarray, is_open: np.ndarray, cost: sp.csr_array
) -> None:
    """Serve a home customer at the cheapest open shop with room that costs less than home."""
    dims = city.demand.shape[1]
    used = np.zeros((len(city.shop_ids), dims))
    served = np.flatnonzero(hub >= 0)
    np.add.at(used, hub[served], city.demand[served])
    for i in np.flatnonzero(hub < 0):
        cols = cost.indices[cost.indptr[i] : cost.indptr[i + 1]]
        data = cost.data[cost.indptr[i] : cost.indptr[i + 1]]
        for k in np.argsort(data, kind="stable"):
            j = cols[k]
            if data[k] >= city.home_cost[i]:
                break
            if is_open[j] and (used[j] + city.demand[i] <= city.capacity[j] + 1e-9).all():
                hub[i] = j
                used[j] += city.demand[i]
                break
