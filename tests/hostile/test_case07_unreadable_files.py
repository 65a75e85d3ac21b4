"""Issue 19 case 7 (input side): odd encodings, huge fields, malformed GeoJSON and huge numbers
get one line naming file, line and field, never a traceback."""

import json
from pathlib import Path

import pytest
from builders import edit_csv
from typer.testing import CliRunner

from hostile.files import errors
from pickup_net.cli import app
from pickup_net.io.scenario_loader import load_scenario
from pickup_net.io.table_files import MAX_FIELD_CHARS


def _use_geojson_orders(folder: Path, features: object) -> Path:
    """Point the scenario's orders at an `orders.geojson` holding `features`."""
    spec = folder.read_text(encoding="utf-8")
    folder.write_text(spec.replace("orders.csv", "orders.geojson"), encoding="utf-8")
    path = folder.parent / "orders.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _good_feature(folder: Path) -> dict:
    order = load_scenario(folder).orders[0].model_dump(mode="json")
    lon, lat = order.pop("lon"), order.pop("lat")
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": order}  # fmt: skip


def test_case07_utf16_yaml_with_bom_loads(folder: Path) -> None:
    """Case 7: a scenario YAML saved as UTF-16 with a byte order mark is read as text."""
    folder.write_text(folder.read_text(encoding="utf-8"), encoding="utf-16")
    assert load_scenario(folder).orders


def test_case07_utf16_csv_with_bom_loads(folder: Path) -> None:
    """Case 7: a table saved as UTF-16 with a byte order mark is read as text."""
    shops = folder.parent / "shops.csv"
    shops.write_text(shops.read_text(encoding="utf-8"), encoding="utf-16")
    assert len(load_scenario(folder).shops) == 4


def test_case07_latin1_yaml_is_refused_with_byte_offset(folder: Path) -> None:
    """Case 7: a Latin-1 YAML is refused naming the file, the byte and its offset."""
    text = folder.read_text(encoding="utf-8")
    folder.write_bytes(("name: Bogotá\n" + text.split("\n", 1)[1]).encode("latin-1"))
    assert errors(folder) == [
        "scenario.yaml: not UTF-8 text: byte 0xe1 at offset 11 (line 1); save the file as UTF-8"
    ]


def test_case07_latin1_csv_is_refused_with_line_and_offset(folder: Path) -> None:
    """Case 7: a Latin-1 table is refused by `validate` naming file, line and byte offset."""
    shops = folder.parent / "shops.csv"
    edit_csv(shops, 2, "name", "panadería")
    shops.write_bytes(shops.read_text(encoding="utf-8").encode("latin-1"))
    offset = shops.read_bytes().index(b"\xed")
    expected = f"shops.csv: not UTF-8 text: byte 0xed at offset {offset} (line 4)"
    assert any(m.startswith(expected) for m in errors(folder))
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert (
        result.exit_code == 1
        and "byte 0xed" in result.output
        and "Traceback" not in (result.output)
    )


def test_case07_field_over_csv_limit_names_file_and_line(folder: Path) -> None:
    """Case 7: a CSV field over 131,072 characters is one line naming the file and line."""
    edit_csv(folder.parent / "shops.csv", 1, "name", "x" * 131_073)
    messages = errors(folder)
    assert any(m.startswith("shops.csv: line 3: a field is longer than 131,072") for m in messages)


def test_case07_long_field_names_file_line_and_column(folder: Path) -> None:
    """Case 7: a cell over the documented maximum is named by file, line and column."""
    edit_csv(folder.parent / "shops.csv", 1, "name", "x" * (MAX_FIELD_CHARS + 1))
    assert f"shops.csv line 3: name: longer than {MAX_FIELD_CHARS} characters" in errors(folder)


@pytest.mark.parametrize(
    ("feature", "expected"),
    [
        (
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": 5}},
            "orders.geojson feature 1: geometry.coordinates: expected [lon, lat] numbers",
        ),
        ([1, 2], "orders.geojson feature 1: expected a Feature object, got a list"),
        (
            {"type": "Feature", "geometry": "Point"},
            "orders.geojson feature 1: geometry: expected a Point object, got a string 'Point'",
        ),
    ],
)
def test_case07_malformed_geojson_feature_is_named(
    folder: Path, feature: object, expected: str
) -> None:
    """Case 7: `coordinates: 5`, a feature that is a list, `geometry: "Point"` are named."""
    _use_geojson_orders(folder, [_good_feature(folder), feature])
    assert any(m.startswith(expected) for m in errors(folder)), errors(folder)


def test_case07_deeply_nested_geojson_is_refused(folder: Path) -> None:
    """Case 7: arrays nested 200,000 deep are refused in one line, without a RecursionError."""
    path = _use_geojson_orders(folder, [])
    deep = "[" * 200_000 + "]" * 200_000
    path.write_text('{"type": "FeatureCollection", "features": ' + deep + "}")
    assert "orders.geojson: nested too deeply to be GeoJSON" in errors(folder)


def test_case07_five_thousand_digit_number_in_csv(folder: Path) -> None:
    """Case 7: a 5,000-digit quantity in a CSV is a short message naming file, line and field."""
    edit_csv(folder.parent / "orders.csv", 0, "quantity", "9" * 5_000)
    found = [m for m in errors(folder) if m.startswith("orders.csv line 2 (") and "quantity" in m]
    assert found and len(found[0]) < 300, found


def test_case07_five_thousand_digit_number_in_geojson(folder: Path) -> None:
    """Case 7: a 5,000-digit quantity in GeoJSON is refused as too large, naming the feature."""
    feature = _good_feature(folder)
    feature["properties"]["quantity"] = "QUANTITY"
    path = _use_geojson_orders(folder, [feature])
    path.write_text(path.read_text().replace('"QUANTITY"', "9" * 5_000))
    found = [m for m in errors(folder) if m.startswith("orders.geojson feature 0")]
    assert found and "quantity" in found[0] and len(found[0]) < 300, found


def test_case07_long_geojson_property_is_named(folder: Path) -> None:
    """Case 7: a GeoJSON string property over the documented maximum names feature and field."""
    feature = _good_feature(folder)
    feature["properties"]["customer_id"] = "c" * (MAX_FIELD_CHARS + 1)
    _use_geojson_orders(folder, [feature])
    expected = f"orders.geojson feature 0: properties.customer_id: longer than {MAX_FIELD_CHARS}"
    assert any(m.startswith(expected) for m in errors(folder)), errors(folder)
