"""Issue 19 case 14: validation names file and line for every problem, in one pass, with hints."""

import csv
from pathlib import Path

from builders import edit_csv
from typer.testing import CliRunner

from hostile.files import errors
from pickup_net.cli import app


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _next_order_of_first_customer(rows: list[dict[str, str]]) -> int:
    customer = rows[0]["customer_id"]
    return next(i for i, row in enumerate(rows) if i and row["customer_id"] == customer)


def test_case14_far_point_names_file_line_and_distance(bundled_copy: Path) -> None:
    """Case 14: a shop off the street extract is reported by `validate` with file and line."""
    edit_csv(bundled_copy.parent / "shops.csv", 1, "lon", "-73.5")
    result = CliRunner().invoke(app, ["validate", str(bundled_copy)])
    assert result.exit_code == 1
    assert "shops.csv line 3: shops[1]: shop " in result.output
    assert "from the nearest drive street (max_snap_m 500)" in result.output


def test_case14_plan_names_file_and_line_of_a_point_off_the_streets(
    bundled_copy: Path, tmp_path: Path
) -> None:
    """Case 14: `plan` reports a shop off the street extract as `validate` does, file and line."""
    edit_csv(bundled_copy.parent / "shops.csv", 1, "lon", "-73.5")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["plan", str(bundled_copy), "--out", str(out)])
    assert result.exit_code == 1
    assert "shops.csv line 3: shops[1]: shop " in result.output
    assert not out.exists()


def test_case14_swapped_coordinates_get_a_hint(bundled_copy: Path) -> None:
    """Case 14: an order with lon and lat swapped is named with its line and a swap hint."""
    orders = bundled_copy.parent / "orders.csv"
    row = _rows(orders)[3]
    edit_csv(orders, 3, "lon", row["lat"])
    edit_csv(orders, 3, "lat", row["lon"])
    result = CliRunner().invoke(app, ["validate", str(bundled_copy)])
    assert result.exit_code == 1
    assert "orders.csv line 5: orders[3]: customer" in result.output
    assert "lon and lat look swapped" in result.output


def test_case14_sign_flipped_longitude_without_streets_gets_a_hint(folder: Path) -> None:
    """Case 14: without a street file, a sign-flipped lon (Asia, not Bogotá) is refused."""
    orders = folder.parent / "orders.csv"
    edit_csv(orders, 0, "lon", str(-float(_rows(orders)[0]["lon"])))
    found = [m for m in errors(folder) if m.startswith("orders.csv line 2: orders[0]: customer")]
    assert found and "from the nearest depot" in found[0]
    assert "the sign of lon looks flipped" in found[0]


def test_case14_antarctica_by_swapped_lat_lon_is_refused(folder: Path) -> None:
    """Case 14: without a street file, swapped lat/lon (Antarctica) is refused with a hint."""
    orders = folder.parent / "orders.csv"
    row = _rows(orders)[1]
    edit_csv(orders, 1, "lon", row["lat"])
    edit_csv(orders, 1, "lat", row["lon"])
    found = [m for m in errors(folder) if m.startswith("orders.csv line 3: orders[1]: customer")]
    assert found and "lon and lat look swapped" in found[0], errors(folder)


def test_case14_duplicate_ids_name_every_line(folder: Path) -> None:
    """Case 14: a repeated order id names every line that holds it."""
    orders = folder.parent / "orders.csv"
    first = _rows(orders)[0]["id"]
    edit_csv(orders, 3, "id", first)
    edit_csv(orders, 6, "id", first)
    assert f"orders.csv line 2: orders[0].id: {first!r} appears 3 times (at line 2, line 5, " \
        "line 8)" in errors(folder)  # fmt: skip


def test_case14_parse_and_cross_file_problems_in_one_pass(folder: Path) -> None:
    """Case 14: a bad cell and an unknown product id are both reported in one run."""
    edit_csv(folder.parent / "shops.csv", 0, "lat", "91")
    edit_csv(folder.parent / "orders.csv", 2, "product_id", "NOPE")
    messages = errors(folder)
    assert any(m.startswith("shops.csv line 2 (S0): lat: 91.0 is not a latitude") for m in messages)
    assert "orders.csv line 4: orders[2].product_id: 'NOPE' is not a product id" in messages


def test_case14_customer_orders_far_apart_are_warned_with_lines(folder: Path) -> None:
    """Case 14: one customer with orders 1.1 km apart gets a warning naming both lines."""
    orders = folder.parent / "orders.csv"
    rows = _rows(orders)
    customer = rows[0]["customer_id"]
    later = _next_order_of_first_customer(rows)
    edit_csv(orders, later, "lat", str(float(rows[0]["lat"]) + 0.01))
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    line = later + 2
    expected = f"warning orders.csv line {line}: orders[{later}]: customer {customer!r} is 1,1"
    assert expected in result.output, result.output
    assert "their order at line 2 (over 1,000 m" in result.output


def test_case14_orders_within_the_spread_get_no_warning(folder: Path) -> None:
    """Case 14: orders of one customer 300 m apart pass without a warning (within 1 km)."""
    orders = folder.parent / "orders.csv"
    rows = _rows(orders)
    later = next(
        i for i, row in enumerate(rows) if i and row["customer_id"] == rows[0]["customer_id"]
    )
    edit_csv(orders, later, "lat", str(float(rows[0]["lat"]) + 0.0027))
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0 and "over 1,000 m" not in result.output, result.output


def test_case14_semicolon_separated_csv_says_so(folder: Path) -> None:
    """Case 14: a ';'-separated table is answered with the separator, not 'missing column id'."""
    shops = folder.parent / "shops.csv"
    shops.write_text(shops.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert "shops.csv: looks like ';'-separated; use commas" in errors(folder)
