"""The optional events table: loaded into the scenario, and every bad row named by file, line,
field and value with nothing written."""

from pathlib import Path

import pytest
import yaml
from builders import small_scenario
from typer.testing import CliRunner

from pickup_net.cli import app
from pickup_net.domain import Scenario
from pickup_net.io.scenario_loader import ScenarioError, load_scenario
from pickup_net.io.scenario_writer import write_scenario

HEADER = "date,name,uplift,products,end_date\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small valid scenario written as YAML + CSV that names an events.csv; its YAML path."""
    path = write_scenario(small_scenario(seed=3), tmp_path / "small")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["events"] = "events.csv"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def _events(folder: Path, rows: str) -> None:
    (folder.parent / "events.csv").write_text(HEADER + rows, encoding="utf-8")


def test_events_load_with_products_and_round_trip(folder: Path) -> None:
    """A promotion with a `;` product list and a ranged event load, and write back the same."""
    _events(folder, "2026-03-07,promo,4,P01; P02,\n2026-03-08,fair,,,2026-03-09\n")
    scenario = load_scenario(folder)
    promo, fair = scenario.events
    assert (promo.name, promo.uplift, promo.products) == ("promo", 4.0, ["P01", "P02"])
    assert (fair.uplift, fair.products, str(fair.end_date)) == (None, None, "2026-03-09")
    again = load_scenario(write_scenario(scenario, folder.parent.parent / "again"))
    assert again.events == scenario.events


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("2026-03-07,promo,4,P01;P99,\n", "events.csv line 2: events[0].products: 'P99' is not"),
        ("2026-03-07,promo,0,,\n", "events.csv line 2: uplift: 0.0 must be greater than 0"),
        ("2026-03-07,promo,-2,,\n", "events.csv line 2: uplift: -2.0 must be greater than 0"),
        (
            "2026-03-07,promo,2,,2026-03-01\n",
            "events.csv line 2: end_date: 2026-03-01 is before date 2026-03-07",
        ),
        (
            "2026-03-07,season,2,,2027-03-08\n",
            "events.csv line 2: end_date: 2027-03-08 is 366 days or more after date 2026-03-07",
        ),
        ("2026-02-30,promo,2,,\n", "events.csv line 2: date: Input should be a valid date"),
        (",promo,2,,\n", "events.csv line 2: date: Field required"),
        ("2026-03-07,promo,many,,\n", "events.csv line 2: uplift: Input should be a valid number"),
    ],
)
def test_bad_event_row_is_named(folder: Path, rows: str, expected: str) -> None:
    """Unknown product, uplift not positive or not a number, end before start or a year or more
    after it, bad or missing date: each named by file, line, field and value."""
    _events(folder, rows)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert any(m.startswith(expected) for m in caught.value.messages), caught.value.messages


def test_cli_refuses_a_bad_events_file_and_writes_nothing(folder: Path, tmp_path: Path) -> None:
    """`pickup-net plan` with an unknown event product exits 1, names it, and writes nothing."""
    _events(folder, "2026-03-05,fair,2,,\n2026-03-07,promo,4,P42,\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["plan", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert "events.csv line 3: events[1].products: 'P42' is not a product id" in result.output
    assert not out.exists()


def test_json_scenario_takes_events_and_checks_them() -> None:
    """The API's JSON scenario takes `events` and names an event's unknown product."""
    data = small_scenario(seed=3).model_dump(mode="json")
    data["events"] = [{"date": "2026-03-07", "name": "promo", "uplift": 4, "products": ["P01"]}]
    assert Scenario.model_validate(data).events[0].products == ["P01"]
    data["events"][0]["products"] = ["nope"]
    with pytest.raises(ValueError, match=r"events\[0\]\.products: 'nope' is not a product id"):
        Scenario.model_validate(data)
