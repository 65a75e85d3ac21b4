"""The cover the schedule MIP asks of a hub each morning: a fill rate over the plan's days, met
over the hub's products."""

import numpy as np
from builders import small_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from pickup_net.domain import Scenario
from pickup_net.forecast import CycleDemand
from pickup_net.planning.replenishment import HubLevels
from pickup_net.planning.visit_rules import DayLoop, InventoryRouting


def _routing(
    scenario: Scenario, days: int, daily: dict[str, CycleDemand], level: int = 0
) -> InventoryRouting:
    """The inventory-routing rule of one hub whose catchment asks `daily` every day, with the
    order-up-to and safety level `level` for every product and day."""
    hub = scenario.shops[0]
    levels = {p: level for p in daily}
    loop = DayLoop(
        scenario=scenario,
        hubs=[hub],
        levels=[{hub.id: HubLevels(hub.id, levels, levels)} for _ in range(days)],
        possible={hub.id: [True] * days},
        demand_of=lambda _hub, _day, n: {
            p: CycleDemand(law.mean * n, law.variance * n) for p, law in daily.items()
        },
        homes=[[] for _ in range(days)],
        drive=None,  # type: ignore[arg-type]  # the cover needs no routing
    )
    return InventoryRouting(loop)


def _means(routing: InventoryRouting, day: int, days: int) -> np.ndarray:
    """(hub, product, day) expected demand from `day` to the horizon's end."""
    return np.stack([routing._mean(t) for t in range(day, days)], axis=2)


SCENARIO = small_scenario(1, n_customers=5, days=14, service_level=0.95)


@settings(max_examples=25, deadline=None)
@given(
    mean=st.floats(1.0, 8.0),
    spread=st.floats(1.0, 4.0),
    days=st.integers(2, 7),
    data=st.data(),
)
def test_a_later_morning_asks_what_the_plan_start_asked_less_the_expected_demand(
    mean: float, spread: float, days: int, data: st.DataObject
) -> None:
    """Re-solved on a later morning from the expected shelf, the cover through each day plus the
    demand expected since the plan's start is what the first morning asked through that day: a
    plan run as planned keeps the safety stock of all its days (it used to shrink to the days
    from that morning, and the fill rate of a week run as planned fell below the target)."""
    product = SCENARIO.products[0].id
    routing = _routing(SCENARIO, days, {product: CycleDemand(mean, mean * spread)})
    day = data.draw(st.integers(1, days - 1))
    first = routing._cover(0, _means(routing, 0, days))
    later = routing._cover(day, _means(routing, day, days))
    k = [p.id for p in SCENARIO.products].index(product)
    for t in range(day, days):
        assert later[0, k, t - day] + mean * day >= first[0, k, t] - 1e-9


def test_a_sliver_of_the_hubs_demand_gets_no_cover_of_its_own() -> None:
    """With a plan-wide fill rate, a product asked once in fifty days at a busy hub is left at
    zero (the others meet the hub's target), as the stock stage does; per product it took a
    unit of its own at every hub."""
    fast, slow = SCENARIO.products[0].id, SCENARIO.products[1].id
    daily = {fast: CycleDemand(6.0, 12.0), slow: CycleDemand(0.02, 0.02)}
    routing = _routing(SCENARIO, 3, daily)
    cover = routing._cover(0, _means(routing, 0, 3))
    ids = [p.id for p in SCENARIO.products]
    assert cover[0, ids.index(slow), 0] == 0
    assert cover[0, ids.index(fast), 0] >= 6
    served = CycleDemand(6.0, 12.0).fill_rate(cover[0, ids.index(fast), 0])
    assert (served * 6.0) / 6.02 >= 0.95


def test_the_ceiling_is_the_days_order_up_to_level_not_the_rest_of_the_week() -> None:
    """A morning's maximum level is that day's order-up-to level, raised only to what the cover
    needs after a visit: far below a week's demand (it was the order-up-to level of the rest of
    the horizon, and the backtest's shelves held about ten days of pickups)."""
    product = SCENARIO.products[0].id
    routing = _routing(SCENARIO, 7, {product: CycleDemand(6.0, 12.0)}, level=10)
    k = [p.id for p in SCENARIO.products].index(product)
    for day in (0, 3):
        mean = _means(routing, day, 7)
        cover = routing._cover(day, mean)
        ceiling = routing._ceiling(day, cover, mean)
        assert ceiling[0, k] >= max(10, cover[0, k, 0])
        assert ceiling[0, k] < 6.0 * 3
