"""`PlanInputs`: everything a plan reads, validated and built once at the edge."""

from dataclasses import dataclass

from pickup_net.domain import Parameters, Scenario
from pickup_net.network import StreetNetwork
from pickup_net.planning.history import OrderHistory, order_history


@dataclass(frozen=True)
class PlanInputs:
    """A validated scenario, its order history (built once) and its street network, if any."""

    scenario: Scenario
    history: OrderHistory
    network: StreetNetwork | None

    @property
    def parameters(self) -> Parameters:
        """The scenario's parameters."""
        return self.scenario.parameters


def plan_inputs(scenario: Scenario, network: StreetNetwork | None = None) -> PlanInputs:
    """Inputs of `scenario` with an already loaded street network (none: straight lines)."""
    return PlanInputs(scenario=scenario, history=order_history(scenario), network=network)
