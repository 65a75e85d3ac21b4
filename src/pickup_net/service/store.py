"""Reading and writing the stored objects the routes and the job runner share."""

import json
import time
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_net.domain import Parameters, Plan, Scenario
from pickup_net.service.db_models import PlanFile, PlanJob, ScenarioRow


def new_id() -> str:
    """A fresh random id (32 hex digits)."""
    return uuid.uuid4().hex


def now() -> float:
    """The current time in UNIX seconds."""
    return time.time()


def stored_scenario(row: ScenarioRow) -> Scenario:
    """The scenario as it was uploaded (its street file, if any, is kept apart)."""
    return Scenario.model_validate_json(row.scenario_json)


def job_scenario(scenario: Scenario, job: PlanJob) -> Scenario:
    """The scenario a job plans: the job's parameters, and shop storage lowered by answers."""
    storage: dict[str, float] = json.loads(job.shop_storage_json or "{}")
    shops = [
        shop.model_copy(update={"storage_liters": storage[shop.id]}) if shop.id in storage else shop
        for shop in scenario.shops
    ]
    return scenario.model_copy(
        update={
            "parameters": Parameters.model_validate_json(job.parameters_json),
            "shops": shops,
        }
    )


def with_parameters(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """Re-validate `scenario` with some parameters replaced (raises pydantic's ValidationError)."""
    data = scenario.model_dump(mode="json")
    data["parameters"] = {**data["parameters"], **overrides}
    return Scenario.model_validate(data)


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
