"""Reading and writing the stored objects the routes and the job runner share."""

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pickup_net.domain import Parameters, Plan, Scenario
from pickup_net.service.db_models import PlanFile, ScenarioRow


def new_id() -> str:
    """A fresh random id (32 hex digits)."""
    return uuid.uuid4().hex


def now() -> float:
    """The current time in UNIX seconds."""
    return time.time()


def stored_scenario(row: ScenarioRow) -> Scenario:
    """The scenario as it was uploaded (its street file, if any, is kept apart)."""
    return Scenario.model_validate_json(row.scenario_json)


def scenario_text(scenario: Scenario) -> str:
    """The validated scenario as stored: its JSON with `parameters` first and `shops` before the
    orders, so that a plan submission reads only this head (`scenario_head`)."""
    head = scenario.model_dump_json(include={"parameters"})
    rest = scenario.model_dump_json(exclude={"parameters"})
    return head[:-1] + "," + rest[1:]


@dataclass(frozen=True)
class ScenarioHead:
    """What a plan submission needs of a stored scenario: its parameters and its shop ids."""

    parameters: dict[str, Any]
    shop_ids: frozenset[str]


def scenario_head(session: Session, scenario_id: str, chunk_chars: int = 1 << 16) -> ScenarioHead:
    """Read the head of stored scenario `scenario_id` from the start of its JSON text, fetching
    longer prefixes only while the shops are not complete (never the orders of a new row)."""
    length = chunk_chars
    while True:
        text = session.scalar(
            select(func.substr(ScenarioRow.scenario_json, 1, length)).where(
                ScenarioRow.id == scenario_id
            )
        )
        head = _decode_head(text or "")
        if head is not None or text is None or len(text) < length:
            head = head or {}
            shops = head.get("shops") or []
            return ScenarioHead(head.get("parameters") or {}, frozenset(s["id"] for s in shops))
        length *= 4


def _decode_head(text: str) -> dict[str, Any] | None:
    """The leading keys of a compact JSON object up to `parameters` and `shops`; None when
    `text` ends before both are complete."""
    decoder = json.JSONDecoder()
    found: dict[str, Any] = {}
    index = 1
    try:
        while not {"parameters", "shops"} <= found.keys():
            key, index = decoder.raw_decode(text, index)
            value, index = decoder.raw_decode(text, index + 1)
            found[key] = value
            if text[index] == "}":
                break
            index += 1
    except (json.JSONDecodeError, IndexError):
        return None
    return found


@dataclass(frozen=True)
class JobInputs:
    """What the child needs to find its plan's inputs: the database, the scenario, the job's
    parameters and the shops' lowered storage."""

    database_url: str
    scenario_id: str
    parameters_json: str
    shop_storage_json: str


def job_scenario(scenario: Scenario, parameters_json: str, shop_storage_json: str) -> Scenario:
    """The scenario a job plans: the job's parameters, and shop storage lowered by answers."""
    storage: dict[str, float] = json.loads(shop_storage_json or "{}")
    shops = [
        shop.model_copy(update={"storage_liters": storage[shop.id]}) if shop.id in storage else shop
        for shop in scenario.shops
    ]
    return scenario.model_copy(
        update={"parameters": Parameters.model_validate_json(parameters_json), "shops": shops}
    )


def plan_file(session: Session, plan_id: str, name: str) -> bytes | None:
    """The bytes of one result file of a plan, or None."""
    return session.scalar(
        select(PlanFile.content).where(PlanFile.plan_id == plan_id, PlanFile.name == name)
    )


def plan_file_names(session: Session, plan_id: str) -> list[str]:
    """The names of a plan's stored result files, sorted."""
    return sorted(session.scalars(select(PlanFile.name).where(PlanFile.plan_id == plan_id)))


def stored_plan(session: Session, plan_id: str) -> Plan | None:
    """The `Plan` of a finished job, or None."""
    content = plan_file(session, plan_id, "plan.json")
    return None if content is None else Plan.model_validate_json(content)
