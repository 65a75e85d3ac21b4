"""Plans bounded by work are reproducible: the same scenario and seed give the same plan.json
apart from timing fields, from one or two processes; plans stopped by the clock say they are not."""

import json

from builders import small_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_checks import without_timing

from pickup_net.domain import Budget, Plan
from pickup_net.planning import plan, plan_inputs
from pickup_net.planning.plan import NOT_REPRODUCIBLE


def _document(result: Plan) -> dict:
    """The plan as its plan.json document, timing fields stripped."""
    return without_timing(json.loads(result.model_dump_json()))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_customers=st.integers(8, 30),
    engine=st.sampled_from(["auto", "ortools", "pyvrp"]),
    work=st.integers(2, 30),
)
def test_same_scenario_and_seed_give_the_same_plan(
    seed: int, n_customers: int, engine: str, work: int
) -> None:
    """Planned twice with the same work, once in one process and once with two (auto's searches
    side by side), a scenario gives equal plans apart from timing fields."""
    scenario = small_scenario(seed, n_customers, routing_engine=engine, search_work=work)
    one = plan(plan_inputs(scenario), Budget(processes=1))
    two = plan(plan_inputs(scenario), Budget(processes=2))
    assert _document(one) == _document(two)
    for result in (one, two):
        details = result.stages["routing"].details
        assert details["reproducible"] and not details["time_limit_hit"]
        assert result.stages["location"].details["reproducible"]
        assert NOT_REPRODUCIBLE not in result.warnings


def test_budget_work_overrides_the_scenarios_search_work() -> None:
    """A budget's own work wins over the scenario's, and each search stops on it."""
    scenario = small_scenario(4, 20, routing_engine="pyvrp", search_work=500, horizon_days=1)
    result = plan(plan_inputs(scenario), Budget(work=7))
    [search] = result.stages["routing"].details["engines_run"]
    assert search["stopped_by"] == "work" and search["iterations"] == 7


def test_a_plan_stopped_by_the_clock_says_it_is_not_reproducible() -> None:
    """Without a work limit the plan warns that it is not reproducible and its stages say so."""
    result = plan(plan_inputs(small_scenario(2, 10)))
    assert NOT_REPRODUCIBLE in result.warnings
    assert not result.stages["routing"].details["reproducible"]
    assert not result.stages["location"].details["reproducible"]
