"""Small generated IRP instances (metric integer distances, always feasible) for tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from pickup_net.inventory import IRPProblem


@st.composite
def small_problems(draw: st.DrawFn) -> IRPProblem:
    """3-6 customers, 2-3 periods, 1-2 vans; demand varies by period; a van can serve everyone."""
    n = draw(st.integers(3, 6))
    periods = draw(st.integers(2, 3))
    vehicles = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 100, size=(n + 1, 2))
    distance = np.abs(xy[:, None, :] - xy[None, :, :]).sum(axis=2)
    demand = rng.integers(0, 30, size=(n, periods)).astype(float)
    min_level = rng.integers(0, 5, size=n).astype(float)
    max_level = min_level + demand.max(axis=1) + rng.integers(0, 60, size=n)
    initial = rng.integers(min_level.astype(int), max_level.astype(int) + 1)
    return IRPProblem(
        distance=distance,
        periods=periods,
        vehicles=vehicles,
        capacity=float(max_level.sum()),
        depot_initial=float(demand.sum()),
        depot_production=np.full(periods, float(rng.integers(0, 50))),
        depot_holding=0.01,
        initial=initial.astype(float),
        max_level=max_level,
        min_level=min_level,
        demand=demand,
        holding=rng.uniform(0.02, 0.5, size=n).round(2),
    )
