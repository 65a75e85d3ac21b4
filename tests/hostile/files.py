"""Helpers of the hostile-input replays: load expecting refusal, edit one CSV cell."""

import csv
from pathlib import Path

import pytest

from pickup_net.io.scenario_loader import ScenarioError, load_scenario


def errors(path: Path) -> list[str]:
    """The messages `load_scenario` refuses `path` with (the test fails if it loads)."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.messages


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (row 0 = first data row, line 2 of the file)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[row][column] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
