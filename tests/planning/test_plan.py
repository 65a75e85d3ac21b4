"""The whole plan on generated scenarios: every invariant holds on real solver runs."""

from builders import small_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_checks import check_plan

from pickup_net.planning import STAGES, plan, plan_inputs


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_customers=st.integers(5, 30),
    n_shops=st.integers(1, 6),
    max_walk_m=st.sampled_from([300.0, 800.0, 3000.0]),
    zone=st.sampled_from(["customer", "h3"]),
)
def test_plan_invariants_on_generated_scenarios(
    seed: int, n_customers: int, n_shops: int, max_walk_m: float, zone: str
) -> None:
    """Customers served or explained, capacities, windows, shifts and KPIs hold on any scenario,
    whether the forecast works per customer or per H3 cell."""
    scenario = small_scenario(
        seed, n_customers, n_shops, max_walk_m=max_walk_m, forecast_zone=zone, h3_resolution=8
    )
    check_plan(scenario, plan(plan_inputs(scenario)))


def test_progress_reports_every_stage_in_order() -> None:
    """The progress callback sees each stage start and finish, ending at 100%."""
    calls: list[tuple[str, float]] = []
    result = plan(
        plan_inputs(small_scenario(1)), progress=lambda stage, done: calls.append((stage, done))
    )
    assert [stage for stage, _ in calls[::2]] == list(STAGES)
    assert calls[-1][1] == 1.0
    assert [done for _, done in calls] == sorted(done for _, done in calls)
    assert set(result.stages) == set(STAGES)


def test_straight_line_plan_warns() -> None:
    """A scenario without a street file says in the plan that distances are straight lines."""
    result = plan(plan_inputs(small_scenario(2)))
    assert any("straight lines" in warning for warning in result.warnings)


def test_cancellation_from_progress_callback_aborts() -> None:
    """An exception raised by the progress callback stops the plan."""

    class Cancelled(Exception):
        pass

    def cancel(stage: str, done: float) -> None:
        if stage == "location":
            raise Cancelled

    try:
        plan(plan_inputs(small_scenario(4)), progress=cancel)
    except Cancelled:
        return
    raise AssertionError("plan did not stop")
