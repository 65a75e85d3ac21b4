"""The rule by which a plan opens from shop owners' reports, on a real SQLite database file:
the latest report per shop and product newer than the scenario wins over `inventory.csv`."""

from collections.abc import Iterator

import pytest
from builders import small_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pickup_net.domain.scenario import InventoryLine
from pickup_net.service.db import make_engine
from pickup_net.service.db_models import PlanJob, ScenarioRow, StockReportLine
from pickup_net.service.stock_reports import reported_inventory, with_reports
from pickup_net.service.store import new_id

STORED_AT = 1_000.0
KEYS = [(shop, product) for shop in ("S0", "S1") for product in ("P01", "P02")]
Report = tuple[int, int, float]
"""(index into KEYS, units, reported_at)."""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated SQLite database file."""
    path = tmp_path_factory.mktemp("reports") / "pickup-net.sqlite3"
    made = make_engine(f"sqlite:///{path}")
    yield made
    made.dispose()


def _store(engine: Engine, reports: list[Report]) -> str:
    """A scenario stored at `STORED_AT`, one plan of it, and `reports` (one line each)."""
    scenario_id, plan_id = new_id(), new_id()
    with Session(engine) as session:
        session.add(ScenarioRow(id=scenario_id, name="s", created_at=STORED_AT,
                                scenario_json="{}", shops=2, orders=1))  # fmt: skip
        session.flush()
        session.add(PlanJob(id=plan_id, scenario_id=scenario_id, status="done",
                            parameters_json="{}", created_at=STORED_AT))  # fmt: skip
        session.flush()
        for received, (key, units, reported_at) in enumerate(reports):
            shop_id, product_id = KEYS[key]
            session.add(
                StockReportLine(
                    report_id=new_id(), product_id=product_id, plan_id=plan_id,
                    scenario_id=scenario_id, shop_id=shop_id, units=units,
                    reported_at=reported_at, received_at=STORED_AT + received,
                )
            )  # fmt: skip
        session.commit()
    return scenario_id


reports_strategy = st.lists(
    st.tuples(
        st.integers(0, len(KEYS) - 1),
        st.integers(0, 50),
        st.sampled_from([STORED_AT - 60, STORED_AT + 10, STORED_AT + 20, STORED_AT + 30]),
    ),
    max_size=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(reports=reports_strategy)
def test_latest_report_newer_than_the_scenario_wins(engine: Engine, reports: list[Report]) -> None:
    """Per shop and product the opening count is the latest report counted after the scenario
    was stored (the last received among equal times); older reports are ignored."""
    scenario_id = _store(engine, reports)
    expected: dict[tuple[str, str], int] = {}
    for key, units, reported_at in sorted(reports, key=lambda report: report[2]):
        if reported_at > STORED_AT:
            expected[KEYS[key]] = units
    with Session(engine) as session:
        lines = reported_inventory(session, scenario_id, after=STORED_AT)
    assert {(line.shop_id, line.product_id): line.units for line in lines} == expected


def test_reports_replace_the_table_lines_they_count() -> None:
    """A reported line replaces the inventory line of the same shop and product, adds one where
    the table had none, and leaves the table's other lines as they were."""
    base = small_scenario(seed=1, n_customers=6, n_shops=3, days=7)
    table = [InventoryLine(shop_id="S0", product_id="P01", units=5),
             InventoryLine(shop_id="S1", product_id="P01", units=2)]  # fmt: skip
    scenario = base.model_copy(update={"inventory": table})
    reported = [InventoryLine(shop_id="S0", product_id="P01", units=9),
                InventoryLine(shop_id="S0", product_id="P02", units=1)]  # fmt: skip
    merged = with_reports(scenario, reported)
    assert {(x.shop_id, x.product_id): x.units for x in merged.inventory} == {
        ("S0", "P01"): 9, ("S0", "P02"): 1, ("S1", "P01"): 2,
    }  # fmt: skip
    assert with_reports(scenario, []) is scenario
