"""`pickup-net batch` end to end: the report is written and a failed variant sets the exit code."""

from pathlib import Path

import pandas as pd
import yaml
from typer.testing import CliRunner

from pickup_net.cli import app


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
