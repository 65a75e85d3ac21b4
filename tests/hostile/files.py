"""Helpers of the hostile-input replays: load a scenario expecting its refusal."""

from pathlib import Path

import pytest

from pickup_net.io.scenario_loader import ScenarioError, load_scenario


def errors(path: Path) -> list[str]:
    """The messages `load_scenario` refuses `path` with (the test fails if it loads)."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.messages
