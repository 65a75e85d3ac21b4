"""The schedule MIP before a peak its day's vans cannot carry: the shortfall comes earlier."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pickup_net.planning.visit_schedule import ScheduleProblem, solve_schedule

LITERS = 10.0
"""Litres of the one product."""
STORAGE = 2_000.0
"""Each hub's storage: large enough never to bind, so only the vans decide the days."""


def _problem(mean: np.ndarray, day_liters: np.ndarray) -> ScheduleProblem:
    """One product, empty shelves, cover the cumulative mean rounded up, ceiling the horizon's
    demand, every day a delivery day."""
    n_h, _, n_t = mean.shape
    return ScheduleProblem(
        hub_ids=[f"H{h}" for h in range(n_h)],
        product_ids=["P0"],
        liters=np.array([LITERS]),
        kg=np.array([1.0]),
        holding=np.array([1.0]),
        stockout=np.array([30.0]),
        opening=np.zeros((n_h, 1)),
        mean=mean,
        cover=np.ceil(np.cumsum(mean, axis=2)),
        ceiling=np.ceil(mean.sum(axis=2)),
        storage_liters=np.full(n_h, STORAGE),
        visit_cost=np.full((n_h, n_t), 20.0),
        possible=np.ones((n_h, n_t), dtype=bool),
        day_liters=day_liters,
        day_kg=np.full(n_t, 1e6),
        trip_liters=1_000.0,
        trip_kg=1_000.0,
    )


@settings(max_examples=20, deadline=None)
@given(
    hubs=st.integers(1, 3),
    days=st.integers(4, 6),
    peak_from_end=st.integers(0, 1),
    usual=st.floats(1.0, 4.0),
    uplift=st.floats(3.0, 6.0),
    room=st.floats(1.5, 2.5),
)
def test_peak_shortfall_is_delivered_before_it(
    hubs: int, days: int, peak_from_end: int, usual: float, uplift: float, room: float
) -> None:
    """When a peak's cover exceeds what its day's vans may bring, at least the difference arrives
    on the days before, the peak is covered, and no day's vans or hub's storage are exceeded."""
    peak = days - 1 - peak_from_end
    mean = np.full((hubs, 1, days), usual)
    mean[:, :, peak] *= uplift
    day_liters = np.full(days, np.ceil(room * usual * hubs) * LITERS)
    problem = _problem(mean, day_liters)
    assume(problem.cover[:, 0, peak].sum() * LITERS <= day_liters[: peak + 1].sum())
    units = solve_schedule(problem)
    need = (problem.cover[:, 0, peak] - problem.cover[:, 0, peak - 1]).sum() * LITERS
    before = units[:, 0, :peak].sum() * LITERS
    reached = units[:, 0, : peak + 1].sum(axis=1)
    assert (reached >= problem.cover[:, 0, peak] - 1e-6).all(), "the peak is covered"
    assert (units[:, 0, :].sum(axis=0) * LITERS <= day_liters + 1e-6).all(), "vans each day"
    assert (units[:, 0, :].cumsum(axis=1) * LITERS <= STORAGE + 1e-6).all(), "storage"
    shortfall = need - day_liters[peak]
    assert (
        shortfall <= 0 or before >= problem.cover[:, 0, peak - 1].sum() * LITERS + shortfall - 1e-6
    )
