"""Issue 19 case 13: a street file that is not an OSM extract is named, never a traceback."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hostile.files import errors
from pickup_net.cli import app
from pickup_net.io.osm_loader import load_street_network


def test_case13_text_renamed_osm_pbf_is_refused_at_load(bundled_copy: Path) -> None:
    """Case 13: a text file renamed `.osm.pbf` is refused when the scenario loads."""
    (bundled_copy.parent / "fontibon.osm.pbf").write_text("these are not the streets\n")
    messages = errors(bundled_copy)
    assert len(messages) == 1
    assert messages[0].startswith(
        "scenario.yaml: streets: fontibon.osm.pbf is not an OSM extract (PBF error"
    )
    result = CliRunner().invoke(app, ["validate", str(bundled_copy)])
    assert result.exit_code == 1 and "is not an OSM extract" in result.output


def test_case13_load_street_network_answers_not_osm(tmp_path: Path) -> None:
    """Case 13: `load_street_network` on a non-OSM file raises one ValueError naming the file."""
    fake = tmp_path / "city.osm.pbf"
    fake.write_text("<html>not osm</html>")
    with pytest.raises(ValueError, match=r"^streets: city.osm.pbf is not an OSM extract \("):
        load_street_network(fake)


def test_case13_truncated_extract_is_caught_by_validate(bundled_copy: Path) -> None:
    """Case 13: an extract cut short (a readable header) is caught by `validate`, not by `plan`."""
    streets = bundled_copy.parent / "fontibon.osm.pbf"
    streets.write_bytes(streets.read_bytes()[:4_000])
    result = CliRunner().invoke(app, ["validate", str(bundled_copy)])
    assert result.exit_code == 1
    assert "streets: fontibon.osm.pbf is not an OSM extract" in result.output
    assert "Traceback" not in result.output
