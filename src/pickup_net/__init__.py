"""pickup-net: plan neighbourhood pickup networks (hub shops, stock per hub, van routes).

The public names below load on first use (PEP 562), so `import pickup_net` stays cheap and the
command line answers `--help` without importing the solvers.
"""

from typing import TYPE_CHECKING

from pickup_net._lazy import lazy_names

if TYPE_CHECKING:
    from pickup_net.domain import Budget, Parameters, Plan, Scenario
    from pickup_net.io.plan_inputs import load_inputs
    from pickup_net.io.plan_writer import write_plan
    from pickup_net.io.scenario_loader import ScenarioError, load_scenario
    from pickup_net.location import LocationProblem, LocationResult, solve_location
    from pickup_net.planning import PlanInputs, plan, plan_inputs
    from pickup_net.routing import RoutingProblem, RoutingResult, solve_routing

_EXPORTS = {
    "Budget": "pickup_net.domain",
    "LocationProblem": "pickup_net.location",
    "LocationResult": "pickup_net.location",
    "Parameters": "pickup_net.domain",
    "Plan": "pickup_net.domain",
    "PlanInputs": "pickup_net.planning",
    "RoutingProblem": "pickup_net.routing",
    "RoutingResult": "pickup_net.routing",
    "Scenario": "pickup_net.domain",
    "ScenarioError": "pickup_net.io.scenario_loader",
    "load_inputs": "pickup_net.io.plan_inputs",
    "load_scenario": "pickup_net.io.scenario_loader",
    "plan": "pickup_net.planning",
    "plan_inputs": "pickup_net.planning",
    "solve_location": "pickup_net.location",
    "solve_routing": "pickup_net.routing",
    "write_plan": "pickup_net.io.plan_writer",
}

__all__ = [
    "Budget",
    "LocationProblem",
    "LocationResult",
    "Parameters",
    "Plan",
    "PlanInputs",
    "RoutingProblem",
    "RoutingResult",
    "Scenario",
    "ScenarioError",
    "load_inputs",
    "load_scenario",
    "plan",
    "plan_inputs",
    "solve_location",
    "solve_routing",
    "write_plan",
]


__getattr__ = lazy_names(__name__, globals(), _EXPORTS)


def __dir__() -> list[str]:
    """The lazily exported names next to the module's own."""
    return sorted(set(globals()) | set(__all__))
