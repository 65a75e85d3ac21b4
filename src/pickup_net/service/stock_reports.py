"""Shop owners' stock reports: checked against the plan's products and the shop's storage,
stored line by line, and read back as the opening inventory of the scenario's next plan.

The rule (DESIGN: "a report newer than the table wins"): when a stored scenario is planned, the
latest reported line per (shop, product) counted after the scenario was stored replaces that
shop's and product's line of the scenario's `inventory.csv` (or adds it).
"""

import threading
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from cachetools import LRUCache, cached
from cachetools.keys import hashkey
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_net.domain import Scenario
from pickup_net.domain.scenario import InventoryLine
from pickup_net.service.db_models import PlanJob, ScenarioRow, StockReportLine
from pickup_net.service.scenario_upload import UploadError
from pickup_net.service.schemas import StockCount, StockReport, StockReportPublic, timestamp
from pickup_net.service.store import new_id, now, stored_scenario

FUTURE_SLACK_S = 300
"""How far ahead of the server's clock a report's `reported_at` may be (clock skew)."""
MAX_AGE = timedelta(days=366)
"""How old a report's `reported_at` may be."""

Problem = tuple[list[str | int], str]
"""A refused field: its location in the body and a message naming the field and value."""


@dataclass(frozen=True)
class PlanProducts:
    """What a report of one plan is checked against: its scenario, time zone and products."""

    scenario_id: str
    timezone: str
    volume_liters: dict[str, float]


@cached(
    LRUCache(maxsize=256),
    key=lambda _session, plan_id: hashkey(plan_id),
    lock=threading.Lock(),
)
def plan_products(session: Session, plan_id: str) -> PlanProducts | None:
    """The scenario, time zone and product volumes of plan `plan_id` (stored scenarios never
    change, so this is cached), or None when the plan or its scenario is gone."""
    job = session.get(PlanJob, plan_id)
    row = session.get(ScenarioRow, job.scenario_id) if job else None
    if job is None or row is None:
        return None
    scenario = stored_scenario(row)
    volumes = {product.id: product.volume_liters for product in scenario.products}
    return PlanProducts(job.scenario_id, scenario.timezone, volumes)


def validation_problems(error: ValidationError) -> list[Problem]:
    """Pydantic's errors as (location, message) pairs naming the field and the value sent."""
    problems: list[Problem] = []
    for item in error.errors():
        loc = [str(part) if isinstance(part, str) else part for part in item["loc"]]
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        value = repr(item.get("input"))[:60]
        problems.append((["body", *loc], f"{field or 'body'}: {value} — {item['msg']}"))
    return problems


def report_problems(
    report: StockReport, products: PlanProducts, storage_liters: float, clock: float
) -> list[Problem]:
    """Why `report` cannot be stored: an unknown or repeated product, more litres than the
    shop's storage, a `reported_at` in the future or over a year old."""
    problems: list[Problem] = []
    seen: set[str] = set()
    total = 0.0
    for i, line in enumerate(report.lines):
        loc: list[str | int] = ["body", "lines", i, "product_id"]
        volume = products.volume_liters.get(line.product_id)
        if volume is None:
            problems.append((loc, f"lines[{i}].product_id: {line.product_id[:60]!r} is not a "
                                  "product of this plan"))  # fmt: skip
            continue
        if line.product_id in seen:
            problems.append((loc, f"lines[{i}].product_id: {line.product_id[:60]!r} is counted "
                                  "twice in this report"))  # fmt: skip
        seen.add(line.product_id)
        liters = line.units * volume
        total += liters
        if liters > storage_liters:
            problems.append(
                (
                    ["body", "lines", i, "units"],
                    f"lines[{i}].units: {line.units} units of {line.product_id[:60]!r} take "
                    f"{liters:.10g} L, over the shop's storage of {storage_liters:.10g} L",
                )
            )
    if not problems and total > storage_liters:
        problems.append(
            (
                ["body", "lines"],
                f"lines: {total:.10g} L counted in all, over the shop's storage of "
                f"{storage_liters:.10g} L",
            )
        )
    if report.reported_at is not None:
        moment = reported_seconds(report, products.timezone, clock)
        shown = report.reported_at.isoformat()
        if moment > clock + FUTURE_SLACK_S:
            problems.append((["body", "reported_at"], f"reported_at: {shown} is in the future"))
        elif moment < clock - MAX_AGE.total_seconds():
            problems.append(
                (["body", "reported_at"], f"reported_at: {shown} is more than a year ago")
            )
    return problems


def reported_seconds(report: StockReport, timezone: str, clock: float) -> float:
    """The report's `reported_at` in UNIX seconds (naive: in `timezone`), else `clock`."""
    moment = report.reported_at
    if moment is None:
        return clock
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.timestamp()


def save_report(
    session: Session,
    plan_id: str,
    shop_id: str,
    report: StockReport,
    products: PlanProducts,
) -> StockReportPublic:
    """Store a checked report (one row per product line) and commit; return it as stored."""
    received = now()
    reported = reported_seconds(report, products.timezone, received)
    report_id = new_id()
    rows = [
        StockReportLine(
            report_id=report_id,
            product_id=line.product_id,
            plan_id=plan_id,
            scenario_id=products.scenario_id,
            shop_id=shop_id,
            units=line.units,
            handed_over_units=line.handed_over_units,
            reported_at=reported,
            received_at=received,
        )
        for line in report.lines
    ]
    session.add_all(rows)
    session.commit()
    return _public(rows)


def last_report(session: Session, scenario_id: str, shop_id: str) -> StockReportPublic | None:
    """The shop's latest report in the scenario (the last one received), or None."""
    report_id = session.scalar(
        select(StockReportLine.report_id)
        .where(StockReportLine.scenario_id == scenario_id, StockReportLine.shop_id == shop_id)
        .order_by(StockReportLine.received_at.desc())
        .limit(1)
    )
    if report_id is None:
        return None
    rows = session.scalars(
        select(StockReportLine)
        .where(StockReportLine.report_id == report_id)
        .order_by(StockReportLine.product_id)
    ).all()
    return _public(list(rows))


def reported_inventory(session: Session, scenario_id: str, after: float) -> list[InventoryLine]:
    """The latest reported line per (shop, product) of the scenario counted after `after`
    (UNIX seconds: when the scenario and its `inventory.csv` were stored)."""
    rows = session.execute(
        select(
            StockReportLine.shop_id,
            StockReportLine.product_id,
            StockReportLine.units,
        )
        .where(StockReportLine.scenario_id == scenario_id, StockReportLine.reported_at > after)
        .order_by(StockReportLine.reported_at, StockReportLine.received_at)
    ).all()
    latest = {(shop_id, product_id): units for shop_id, product_id, units in rows}
    return [
        InventoryLine(shop_id=shop_id, product_id=product_id, units=units)
        for (shop_id, product_id), units in sorted(latest.items())
    ]


def with_reports(scenario: Scenario, reported: list[InventoryLine]) -> Scenario:
    """`scenario` whose inventory lines are replaced (or added) by the reported ones."""
    if not reported:
        return scenario
    counted = {(line.shop_id, line.product_id) for line in reported}
    kept = [line for line in scenario.inventory if (line.shop_id, line.product_id) not in counted]
    return scenario.model_copy(update={"inventory": [*kept, *reported]})


def _public(rows: list[StockReportLine]) -> StockReportPublic:
    first = rows[0]
    return StockReportPublic(
        plan_id=first.plan_id,
        shop_id=first.shop_id,
        reported_at=timestamp(first.reported_at),  # type: ignore[arg-type]
        received_at=timestamp(first.received_at),  # type: ignore[arg-type]
        lines=[
            StockCount(
                product_id=row.product_id,
                units=row.units,
                handed_over_units=row.handed_over_units,
            )
            for row in rows
        ],
    )


def check_and_save(
    session: Session, plan_id: str, shop_id: str, report: StockReport, storage_liters: float
) -> StockReportPublic:
    """Store `report` of `shop_id` in plan `plan_id`, or raise `UploadError` (422, each message
    naming the field and value) and store nothing."""
    products = plan_products(session, plan_id)
    if products is None:
        raise UploadError([(["body"], f"plan {plan_id} has no stored scenario")])
    problems = report_problems(report, products, storage_liters, now())
    if problems:
        raise UploadError(problems)
    return save_report(session, plan_id, shop_id, report, products)
