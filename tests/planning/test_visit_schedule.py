"""The inventory-routing schedule MIP: visits and quantities of every day, solved by HiGHS."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pickup_net.planning.visit_schedule import ScheduleProblem, solve_schedule

LITERS = np.array([10.0, 2.0])
KG = np.array([4.0, 0.5])


def _problem(
    mean: np.ndarray,
    opening: np.ndarray | None = None,
    storage: float = 400.0,
    day_liters: np.ndarray | None = None,
    possible: np.ndarray | None = None,
    visit_cost: float = 50.0,
) -> ScheduleProblem:
    """A problem whose cover is the cumulative mean rounded up and whose ceiling holds the whole
    horizon's demand."""
    n_h, n_p, n_t = mean.shape
    return ScheduleProblem(
        hub_ids=[f"H{h}" for h in range(n_h)],
        product_ids=[f"P{p}" for p in range(n_p)],
        liters=LITERS[:n_p],
        kg=KG[:n_p],
        holding=np.full(n_p, 1.0),
        stockout=np.full(n_p, 30.0),
        opening=np.zeros((n_h, n_p)) if opening is None else opening,
        mean=mean,
        cover=np.ceil(np.cumsum(mean, axis=2)),
        ceiling=np.ceil(mean.sum(axis=2)),
        storage_liters=np.full(n_h, storage),
        visit_cost=np.full((n_h, n_t), visit_cost),
        possible=np.ones((n_h, n_t), dtype=bool) if possible is None else possible,
        day_liters=np.full(n_t, 1e6) if day_liters is None else day_liters,
        day_kg=np.full(n_t, 1e6),
        trip_liters=300.0,
        trip_kg=200.0,
    )


def _after_delivery(problem: ScheduleProblem, units: np.ndarray) -> np.ndarray:
    """Expected stock on the shelf after each day's delivery (before its demand), by the MIP's
    own carry-over rule: closing = max(0, after delivery - expected demand)."""
    after = np.zeros(units.shape)
    shelf = problem.opening.astype(float).copy()
    for t in range(units.shape[2]):
        after[:, :, t] = shelf + units[:, :, t]
        shelf = np.maximum(0.0, after[:, :, t] - problem.mean[:, :, t])
    return after


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    hubs=st.integers(1, 3),
    products=st.integers(1, 2),
    days=st.integers(2, 5),
    storage=st.sampled_from([60.0, 150.0, 400.0]),
)
def test_schedule_keeps_levels_storage_trips_and_days(
    data: st.DataObject, hubs: int, products: int, days: int, storage: float
) -> None:
    """Deliveries are whole, non-negative, only on delivery days, within the ceiling minus on
    hand and storage after the visit, each visit within one van trip, each day within its vans."""
    mean = np.array(
        data.draw(
            st.lists(
                st.floats(0.0, 8.0),
                min_size=hubs * products * days,
                max_size=hubs * products * days,
            )
        )
    ).reshape(hubs, products, days)
    possible = np.array(
        data.draw(st.lists(st.booleans(), min_size=hubs * days, max_size=hubs * days))
    ).reshape(hubs, days)
    opening = np.array(
        data.draw(st.lists(st.integers(0, 6), min_size=hubs * products, max_size=hubs * products))
    ).reshape(hubs, products)
    day_liters = np.array(data.draw(st.lists(st.floats(0, 200), min_size=days, max_size=days)))
    problem = _problem(mean, opening, storage, day_liters, possible)
    units = solve_schedule(problem)
    assert units.shape == mean.shape and units.dtype.kind == "i"
    assert (units >= 0).all()
    assert not units[~np.broadcast_to(possible[:, None, :], units.shape)].any()
    after = _after_delivery(problem, units)
    visited = units.sum(axis=1) > 0
    for h, t in zip(*np.nonzero(visited), strict=True):
        top = np.maximum(problem.ceiling[h], problem.opening[h])
        assert (after[h, :, t] <= top + 1e-6).all(), "maximum level"
        if LITERS[:products] @ problem.opening[h] <= storage:
            assert LITERS[:products] @ after[h, :, t] <= storage + 1e-6, "storage after the visit"
        if t == 0:
            assert (units[h, :, 0] <= np.maximum(0, problem.ceiling[h] - problem.opening[h])).all()
        assert LITERS[:products] @ units[h, :, t] <= problem.trip_liters + 1e-6, "one trip"
        assert KG[:products] @ units[h, :, t] <= problem.trip_kg + 1e-6, "one trip (kg)"
    for t in range(days):
        assert (units[:, :, t] @ LITERS[:products]).sum() <= day_liters[t] + 1e-6, "day's vans"


def test_hub_whose_stock_covers_the_horizon_gets_no_visit() -> None:
    """A hub holding more than the cover of every day to the end is never visited, while an empty
    one next to it is."""
    mean = np.full((2, 2, 4), 2.0)
    opening = np.array([[20.0, 20.0], [0.0, 0.0]])
    units = solve_schedule(_problem(mean, opening))
    assert units[0].sum() == 0
    assert units[1].sum() > 0


def test_peak_day_short_of_vans_is_stocked_on_the_days_before() -> None:
    """A day with four times the usual demand, whose vans can bring only two usual days of stock,
    gets the rest of its stock on the days before: it is covered, no van overloaded, storage
    holds."""
    mean = np.full((2, 1, 5), 3.0)
    mean[:, :, 3] = 12.0
    usual = 2 * 3.0 * LITERS[0]
    day_liters = np.full(5, usual * 2.0)
    problem = _problem(mean[:, :1], storage=400.0, day_liters=day_liters, visit_cost=5.0)
    units = solve_schedule(problem)
    after = _after_delivery(problem, units)
    assert (units[:, 0, :4].sum(axis=1) >= problem.cover[:, 0, 3] - 1e-6).all(), "peak covered"
    assert (after[:, 0, 3] >= mean[:, 0, 3]).all(), "the peak's demand is on the shelf"
    assert units[:, 0, 3].sum() * LITERS[0] <= day_liters[3] + 1e-6
    assert units[:, 0, :3].sum() > mean[:, 0, :3].sum(), "stock built up before the peak"
    for t in range(5):
        assert units[:, 0, t].sum() * LITERS[0] <= day_liters[t] + 1e-6
        assert (after[:, 0, t] * LITERS[0] <= 400.0 + 1e-6).all()


def test_dear_visits_are_combined_into_fewer_days() -> None:
    """When a visit costs far more than holding, a hub is visited fewer times than there are days
    (a hub need not be visited every day)."""
    mean = np.full((1, 2, 6), 1.0)
    units = solve_schedule(_problem(mean, visit_cost=500.0))
    visits = int((units.sum(axis=1) > 0).sum())
    assert 1 <= visits < 6


def test_same_problem_same_schedule() -> None:
    """The schedule depends only on its problem and seed (a node limit, not the clock)."""
    rng = np.random.default_rng(3)
    problem = _problem(rng.uniform(0, 5, (3, 2, 5)), visit_cost=80.0)
    assert np.array_equal(solve_schedule(problem, seed=1), solve_schedule(problem, seed=1))
