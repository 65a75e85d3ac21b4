"""Re-planning the rest of a week on the shelves as the owners counted them."""

from datetime import timedelta

import pytest
from builders import small_scenario

from pickup_net.domain import Budget, Plan
from pickup_net.planning.count_replan import plan_on_counts
from pickup_net.planning.rolling import OperationResult, replay_operation

LIMITS = {"routing_time_limit_s": 0.6, "location_time_limit_s": 1.0}


@pytest.fixture(scope="module")
def replayed() -> OperationResult:
    """One held-out week of a small scenario with two hubs, re-planned every second evening."""
    scenario = small_scenario(3, n_customers=40, n_shops=4, days=35, n_hubs=2, **LIMITS)
    return replay_operation(scenario, None, 1, Budget(work=20), replan_every=2)


def test_replanning_keeps_shelves_within_storage_and_days_run_as_they_ran(
    replayed: OperationResult,
) -> None:
    """With re-plans every second evening, shelves never go negative nor above storage, each day
    opens with the previous night's shelves, each day runs the newest plan made before it, and
    the first day (planned on the same eve from the same shelves) is the same as without."""
    scenario = small_scenario(3, n_customers=40, n_shops=4, days=35, n_hubs=2, **LIMITS)
    storage = {s.id: s.storage_liters for s in scenario.shops}
    week = next(w for w in replayed.weeks if w.policy == "irp_replan")
    plain = next(w for w in replayed.weeks if w.policy == "irp")
    assert week.plans == 4 - week.replans_refused > 1, "the week was re-planned"
    assert week.days[0].delivered == plain.days[0].delivered
    night: dict[tuple[str, str], float] = {}
    for offset, day in enumerate(week.days):
        assert all(units >= 0 for units in day.closing.values())
        assert all(day.peak_liters[hub] <= storage[hub] + 1e-9 for hub in week.hubs)
        assert day.plan_date in {day.date - timedelta(days=n) for n in range(offset + 1)}
        if not week.replans_refused:
            assert day.plan_date == week.days[0].date + timedelta(days=offset - offset % 2)
        for key, units in day.closing.items():
            assert units <= night.get(key, 0.0) + day.delivered.get(key, 0.0) + 1e-9
        night = day.closing
    assert week.end_on_hand_units == pytest.approx(sum(week.days[-1].closing.values()))


def _first_day_units(result: Plan, hub: str) -> float:
    """Units the plan's first day brings to `hub`."""
    return sum(line.delivered_units for line in result.days[0].stock if line.shop_id == hub)


def test_a_counted_shortfall_brings_a_delivery_the_expected_shelf_would_not() -> None:
    """A hub whose count is short of what the plan expected gets a delivery on the re-plan's
    first day, where a re-plan from the expected shelves leaves it alone."""
    scenario = small_scenario(3, n_customers=40, n_shops=4, days=35, n_hubs=2, **LIMITS)
    budget = Budget(work=20)
    start = scenario.plan_date - timedelta(days=7)
    week = plan_on_counts(scenario, None, budget, start, 7, "irp", {})
    hubs = sorted(h.shop_id for h in week.hubs)
    expected = {(s.shop_id, s.product_id): round(s.closing_units) for s in week.days[0].stock}
    replan = plan_on_counts(scenario, None, budget, start + timedelta(1), 6, "irp", expected, hubs)
    idle = [
        h
        for h in hubs
        if _first_day_units(replan, h) == 0
        and any(units > 0 for (shop, _), units in expected.items() if shop == h)
    ]
    assert idle, "some stocked hub is not visited on the re-plan's first day"
    short = {key: 0 if key[0] == idle[0] else units for key, units in expected.items()}
    recount = plan_on_counts(scenario, None, budget, start + timedelta(1), 6, "irp", short, hubs)
    assert recount.days[0].date == start + timedelta(1)
    assert _first_day_units(recount, idle[0]) > 0
