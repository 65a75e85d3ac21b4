"""Scenario loading: every bad input gets one clear message naming file, line, field and value."""

from pathlib import Path

import pytest
from builders import edit_csv, small_scenario
from typer.testing import CliRunner

from pickup_net.cli import app
from pickup_net.io.scenario_loader import ScenarioError, load_scenario
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.io.street_check import check_points_on_streets


def _errors(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.messages


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small valid scenario written as YAML + CSV; returns the YAML path."""
    return write_scenario(small_scenario(seed=3), tmp_path / "small")


def test_written_scenario_loads_back_equal(folder: Path) -> None:
    """A scenario written to files loads back with the same content."""
    assert load_scenario(folder) == small_scenario(seed=3).model_copy(update={"name": "small-3"})


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        ("shops", "lon", "190.0", "shops.csv line 2 (S0): lon: 190.0 is not a longitude"),
        ("shops", "lat", "-95", "shops.csv line 2 (S0): lat: -95.0 is not a latitude"),
        ("shops", "storage_liters", "abc", "shops.csv line 2 (S0): storage_liters: Input should"),
        ("shops", "storage_liters", "0", "storage_liters: 0.0 must be greater than 0"),
        ("shops", "max_pickups_per_day", "-3", "max_pickups_per_day: -3 must be greater than 0"),
        (
            "shops",
            "opening_hours",
            "Mo-Fr 20:00-08:00",
            "'20:00-08:00' in 'Mo-Fr 20:00-08:00' closes",
        ),
        ("vehicle_types", "capacity_liters", "-5", "capacity_liters: -5.0 must be greater than 0"),
        ("vehicle_types", "count", "0", "vehicle_types.csv line 2 (van): count: 0 must be"),
        ("vehicle_types", "shift_end", "06:00:00", "shift_end: 06:00:00 is not after shift_start"),
        ("orders", "quantity", "two", "orders.csv line 2 (O000001): quantity: Input should"),
        ("orders", "product_id", "P99", "orders.csv line 2: orders[0].product_id: 'P99' is not"),
        (
            "shops",
            "id",
            "S1",
            "shops.csv line 2: shops[0].id: 'S1' appears 2 times (at line 2, line 3)",
        ),
        ("vehicle_types", "depot_id", "D9", "vehicle_types[0].depot_id: 'D9' is not a depot id"),
    ],
)
def test_bad_cell_is_named(
    folder: Path, table: str, column: str, value: str, expected: str
) -> None:
    """A bad value in any table is reported with its file, line, field and value."""
    edit_csv(folder.parent / f"{table}.csv", 0, column, value)
    messages = _errors(folder)
    assert any(expected in message for message in messages), messages


def test_missing_file_is_named(folder: Path) -> None:
    """A table file that does not exist is reported by name."""
    (folder.parent / "depots.csv").unlink()
    assert any("depots.csv: file does not exist" in m for m in _errors(folder))


def test_missing_column_is_named(folder: Path) -> None:
    """A required column missing from a CSV header is reported by name."""
    path = folder.parent / "products.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    drop = header.index("volume_liters")
    path.write_text(
        "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in lines)
    )
    assert "products.csv: missing column 'volume_liters'" in _errors(folder)


def test_empty_order_history_is_refused(folder: Path) -> None:
    """An order file with a header and no rows is refused with a clear message."""
    path = folder.parent / "orders.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    assert "orders: the order history is empty" in _errors(folder)


def test_missing_scenario_file(tmp_path: Path) -> None:
    """A scenario path that does not exist is one clear error."""
    assert "does not exist" in _errors(tmp_path / "nope.yaml")[0]


def test_point_far_from_streets_is_named(bundled_copy: Path) -> None:
    """A shop kilometres outside the street extract is an input error naming the shop."""
    edit_csv(bundled_copy.parent / "shops.csv", 0, "lon", "-73.5")
    scenario = load_scenario(bundled_copy)
    with pytest.raises(ScenarioError) as caught:
        check_points_on_streets(scenario)
    shop_id = scenario.shops[0].id
    assert f"shop {shop_id!r} at [-73.5," in caught.value.messages[0]


def test_cli_refuses_bad_scenario_and_writes_nothing(folder: Path, tmp_path: Path) -> None:
    """`pickup-net plan` on a bad scenario exits non-zero and creates no output folder."""
    edit_csv(folder.parent / "shops.csv", 0, "lat", "91")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["plan", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert "lat: 91.0 is not a latitude" in result.output
    assert not out.exists()


def test_cli_validate_ok_and_schema(folder: Path) -> None:
    """`validate` accepts a good scenario; `schema` prints the Scenario JSON Schema."""
    runner = CliRunner()
    assert runner.invoke(app, ["validate", str(folder)]).exit_code == 0
    schema = runner.invoke(app, ["schema"])
    assert schema.exit_code == 0 and '"Scenario"' in schema.output
