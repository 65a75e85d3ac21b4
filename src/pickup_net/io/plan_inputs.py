"""Load a plan's inputs from files: the scenario folder and its street extract (cached)."""

from pathlib import Path

from pickup_net.domain import Scenario
from pickup_net.io.osm_loader import load_street_network
from pickup_net.io.scenario_loader import load_scenario
from pickup_net.planning.inputs import PlanInputs, plan_inputs


def load_inputs(scenario: Scenario | Path, cache_dir: Path | None = None) -> PlanInputs:
    """The inputs of a scenario (a validated one, or its YAML file): the street extract it names
    is parsed once, or read from `cache_dir` when parsed before."""
    loaded = load_scenario(scenario) if isinstance(scenario, Path) else scenario
    network = (
        load_street_network(Path(loaded.streets_file), cache_dir) if loaded.streets_file else None
    )
    return plan_inputs(loaded, network)
