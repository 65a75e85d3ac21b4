"""`pickup-net batch` end to end: the report is written and a failed variant sets the exit code."""

import json
import re
from pathlib import Path

import pandas as pd
import yaml
from typer.testing import CliRunner

from pickup_net.cli import app
from pickup_net.domain import Scenario
from pickup_net.io.scenario_writer import write_scenario


def test_batch_command_writes_report_and_exits_1_on_a_failed_variant(
    tiny_scenario_file: Path,
) -> None:
    """One good and one broken variant: both in results.csv, the broken one named, exit code 1."""
    root = tiny_scenario_file.parent.parent
    sweep = root / "cli-sweep.yaml"
    sweep.write_text(
        yaml.safe_dump(
            {
                "base": "tiny/scenario.yaml",
                "variants": [
                    {"name": "good", "set": {"parameters.max_walk_m": 700}},
                    {"name": "bad", "set": {"parameters.service_level": 2}},
                ],
            }
        ),
        encoding="utf-8",
    )
    out = root / "out"
    result = CliRunner().invoke(app, ["batch", str(sweep), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert "1 variant(s) failed: bad" in result.output
    table = pd.read_csv(out / "results.csv")
    assert list(table["variant"]) == ["good", "bad"]
    assert list(table["status"]) == ["ok", "failed"]
    assert "parameters.service_level" in table.loc[1, "error"]
    assert (out / "report.html").is_file()
    assert (out / "variants" / "good" / "map.html").is_file()


def test_plan_city_command_shows_progress_districts_and_city_bound(
    small_city: Scenario, tmp_path: Path
) -> None:
    """`plan-city` reports the city's phases and each district's stages, prints the per-district
    table and the city's location bound, and writes the joined plan with its city map."""
    params = small_city.parameters.model_copy(update={"max_walk_m": 250.0, "search_work": 1_000})
    scenario = write_scenario(
        small_city.model_copy(update={"parameters": params}), tmp_path / "city"
    )
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        app, ["plan-city", str(scenario), "--out", str(out), "--districts", "2", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    districts = plan["stages"]["districts"]["details"]["districts"]
    assert "city: files written" in result.output
    for district_id in districts:
        assert f"{district_id}: done" in result.output
        assert re.search(
            rf"│ {district_id}\s+│ {districts[district_id]['customers']}\s", result.output
        )
    assert "city location model: objective" in result.output
    assert "district D01" in (out / "map.html").read_text(encoding="utf-8")
