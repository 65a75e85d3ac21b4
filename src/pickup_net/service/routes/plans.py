"""Plans as durable jobs: submit, poll, cancel, fetch results, compare, publish and re-plan."""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from datetime import time as datetime_time
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request, status
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pickup_net.domain import Parameters, Plan
from pickup_net.io.scenario_loader import format_errors
from pickup_net.service import quota
from pickup_net.service.assignments import answer_public
from pickup_net.service.config import Settings
from pickup_net.service.db_models import ApiToken, PlanJob, ScenarioRow, ShopResponse
from pickup_net.service.deps import PlannerDep, SessionDep, SettingsDep, found
from pickup_net.service.json_body import BoundedJsonRoute
from pickup_net.service.limits import check_time_limits
from pickup_net.service.scenario_upload import UploadError
from pickup_net.service.schemas import (
    KpiDifference,
    PlanComparison,
    PlanCreate,
    PlanPublic,
    PlansPublic,
    PublishResult,
    ShopToken,
    timestamp,
)
from pickup_net.service.security import Caller, create_token
from pickup_net.service.store import (
    ScenarioHead,
    new_id,
    now,
    plan_file,
    plan_file_names,
    scenario_head,
    stored_plan,
)

router = APIRouter(tags=["plans"], route_class=BoundedJsonRoute)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Repeat a submission safely: the same key returns the same plan.",
    ),
]
_MEDIA = {
    "plan.json": "application/json",
    "hubs.geojson": "application/geo+json",
    "routes.geojson": "application/geo+json",
    "map.html": "text/html; charset=utf-8",
}
_SUBMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "A parameter is invalid, or a solver time limit is over its maximum "
        "(PICKUP_NET_MAX_LOCATION_TIME_LIMIT_S, PICKUP_NET_MAX_ROUTING_TIME_LIMIT_S, 300 s by "
        "default); the message names the field, the value and the maximum. Also: a body "
        "nested deeper than 32 levels or with a number over 64 characters"
    },
    429: {
        "description": "Too many plans queued or running: for this planner token "
        "(PICKUP_NET_MAX_QUEUED_PLANS_PER_PLANNER, 10) or for the server "
        "(PICKUP_NET_MAX_QUEUED_PLANS, 200); `Retry-After` says when to try again",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds"}},
    },
    507: {
        "description": "The planner token's storage quota is used up "
        "(PICKUP_NET_PLANNER_QUOTA_BYTES, 2 GiB of stored scenarios and plan files)"
    },
}


@router.post(
    "/scenarios/{scenario_id}/plans",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PlanPublic,
    responses={
        409: {"description": "Idempotency-Key reused for another request"},
        **_SUBMIT_RESPONSES,
    },
)
def create_plan(
    scenario_id: str,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    planner: PlannerDep,
    body: PlanCreate | None = None,
    idempotency_key: IdempotencyKey = None,
) -> PlanPublic:
    """Queue a plan of the scenario (with optional parameter overrides); answers at once.

    Only the stored scenario's parameters and shop ids are read here, never its orders."""
    _require_scenario(session, scenario_id)
    overrides = body.parameters if body else {}
    parameters = plan_parameters(scenario_head(session, scenario_id), overrides, settings)
    fingerprint = hashlib.sha256(
        json.dumps([scenario_id, overrides], sort_keys=True, default=str).encode()
    ).hexdigest()
    job = PlanJob(
        id=new_id(),
        scenario_id=scenario_id,
        status="queued",
        parameters_json=parameters.model_dump_json(),
        shop_storage_json="{}",
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        created_at=now(),
    )
    job = _insert_job(session, job, planner, settings)
    if job.request_fingerprint != fingerprint:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"Idempotency-Key {idempotency_key!r} was used for a different request",
        )
    _wake(request)
    response.headers["Location"] = f"/plans/{job.id}"
    return plan_public(session, job)


@router.get("/plans", response_model=PlansPublic)
def list_plans(
    session: SessionDep,
    _: PlannerDep,
    scenario_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> PlansPublic:
    """Plans, newest first, optionally of one scenario."""
    query = select(PlanJob)
    count_query = select(func.count()).select_from(PlanJob)
    if scenario_id is not None:
        query = query.where(PlanJob.scenario_id == scenario_id)
        count_query = count_query.where(PlanJob.scenario_id == scenario_id)
    jobs = session.scalars(
        query.order_by(PlanJob.created_at.desc()).limit(limit).offset(offset)
    ).all()
    count = session.scalar(count_query) or 0
    return PlansPublic(data=[plan_public(session, job) for job in jobs], count=count)


@router.get("/plans/{plan_id}", response_model=PlanPublic)
def get_plan(plan_id: str, session: SessionDep, _: PlannerDep) -> PlanPublic:
    """Status, stage and progress of a plan; the error if it failed; the shops' answers."""
    return plan_public(session, find_plan(session, plan_id))


@router.post("/plans/{plan_id}/cancel", response_model=PlanPublic)
def cancel_plan(plan_id: str, session: SessionDep, _: PlannerDep) -> PlanPublic:
    """Cancel a queued plan at once, or ask a running one to stop (409 once finished)."""
    job = find_plan(session, plan_id)
    session.execute(
        update(PlanJob)
        .where(PlanJob.id == plan_id, PlanJob.status == "queued")
        .values(status="cancelled", finished_at=now())
    )
    session.execute(
        update(PlanJob)
        .where(PlanJob.id == plan_id, PlanJob.status == "running")
        .values(cancel_requested=True)
    )
    session.commit()
    session.refresh(job)
    if job.status in ("done", "failed"):
        raise HTTPException(status.HTTP_409_CONFLICT, f"plan {plan_id} is already {job.status}")
    return plan_public(session, job)


def _file_route(name: str) -> None:
    def get_file(plan_id: str, session: SessionDep, _: PlannerDep) -> Response:
        job = _finished_plan(session, plan_id)
        content = found(plan_file(session, job.id, name), f"plan {plan_id} has no {name}")
        return Response(content, media_type=_MEDIA[name])

    function_name = "get_plan_" + name.replace(".", "_")
    get_file.__name__ = function_name
    get_file.__doc__ = f"The plan's `{name}` (409 until the plan is done)."
    router.add_api_route(
        f"/plans/{{plan_id}}/{name}",
        get_file,
        methods=["GET"],
        name=function_name,
        response_class=Response,
        responses={200: {"content": {_MEDIA[name].split(";")[0]: {}}}},
    )


for _name in _MEDIA:
    _file_route(_name)


@router.get("/plans/{plan_a}/compare/{plan_b}", response_model=PlanComparison)
def compare_plans(plan_a: str, plan_b: str, session: SessionDep, _: PlannerDep) -> PlanComparison:
    """KPI differences between two finished plans (b minus a)."""
    kpis_a = json.loads(_finished_plan(session, plan_a).kpis_json or "{}")
    kpis_b = json.loads(_finished_plan(session, plan_b).kpis_json or "{}")
    rows = []
    for name, a in kpis_a.items():
        b = kpis_b.get(name)
        if isinstance(a, bool) or not isinstance(a, int | float) or not isinstance(b, int | float):
            continue
        difference = b - a
        rows.append(
            KpiDifference(
                name=name,
                a=a,
                b=b,
                difference=difference,
                relative=difference / abs(a) if a else None,
            )
        )
    return PlanComparison(a=plan_a, b=plan_b, kpis=rows)


@router.post("/plans/{plan_id}/publish", response_model=PublishResult)
def publish_plan(
    plan_id: str, session: SessionDep, settings: SettingsDep, _: PlannerDep
) -> PublishResult:
    """Make a finished plan's shop assignments visible; one new token per hub shop (earlier
    tokens of this plan stop working). Shop tokens expire `PICKUP_NET_SHOP_TOKEN_DAYS` days
    (14 by default) after the plan's last day, or after today when that is later.

    Publishing holds the plan's row lock, so concurrent publishes of one plan run one after
    another and leave exactly one live token per hub shop."""
    session.execute(select(PlanJob.id).where(PlanJob.id == plan_id).with_for_update())
    job = _finished_plan(session, plan_id)
    result = stored_plan(session, job.id)
    if result is None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"plan {plan_id} has no plan.json")
    session.execute(
        update(ApiToken)
        .where(ApiToken.plan_id == plan_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    expires_at = shop_token_expiry(result, settings, now())
    tokens = [
        ShopToken(
            shop_id=hub.shop_id,
            token=create_token(
                session,
                "shop",
                hub.name,
                plan_id=plan_id,
                shop_id=hub.shop_id,
                expires_at=expires_at,
            ),
        )
        for hub in result.hubs
    ]
    job.published_at = now()
    session.commit()
    return PublishResult(tokens=tokens, expires_at=timestamp(expires_at))


def shop_token_expiry(result: Plan, settings: Settings, published_at: float) -> float:
    """When the shop tokens of `result` stop working: midnight UTC starting the day that comes
    `shop_token_days` days after the plan's last day, or after the publishing day when that is
    later (a plan of past dates still gets tokens that work for those days)."""
    last_day = result.plan_date + timedelta(days=result.horizon_days - 1)
    last_day = max(last_day, datetime.fromtimestamp(published_at, UTC).date())
    end = last_day + timedelta(days=settings.shop_token_days + 1)
    return datetime.combine(end, datetime_time.min, UTC).timestamp()


@router.post(
    "/plans/{plan_id}/replan",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PlanPublic,
    responses=_SUBMIT_RESPONSES,
)
def replan(
    plan_id: str,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    planner: PlannerDep,
) -> PlanPublic:
    """Plan again without the shops that declined (a smaller storage offer lowers that shop's
    storage instead), keeping the other hubs open."""
    job = _finished_plan(session, plan_id)
    result = stored_plan(session, job.id)
    if result is None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"plan {plan_id} has no plan.json")
    declines = session.scalars(
        select(ShopResponse).where(
            ShopResponse.plan_id == plan_id, ShopResponse.decision == "decline"
        )
    ).all()
    storage = json.loads(job.shop_storage_json or "{}")
    current = {hub.shop_id: hub.storage_liters for hub in result.hubs}
    storage |= {  # an offer never raises storage (answers stored before offers were checked)
        d.shop_id: min(d.storage_liters, current.get(d.shop_id, d.storage_liters))
        for d in declines
        if d.storage_liters is not None
    }
    closed = {d.shop_id for d in declines if d.storage_liters is None}
    reduced = {d.shop_id for d in declines if d.storage_liters is not None}
    parameters = json.loads(job.parameters_json)
    parameters["closed_shops"] = sorted(set(parameters.get("closed_shops", [])) | closed)
    kept = {hub.shop_id for hub in result.hubs} - closed - reduced
    parameters["open_shops"] = sorted((set(parameters.get("open_shops", [])) | kept) - closed)
    _require_scenario(session, job.scenario_id)
    checked = plan_parameters(scenario_head(session, job.scenario_id), parameters, settings)
    child = PlanJob(
        id=new_id(),
        scenario_id=job.scenario_id,
        parent_plan_id=job.id,
        status="queued",
        parameters_json=checked.model_dump_json(),
        shop_storage_json=json.dumps(storage, sort_keys=True),
        created_at=now(),
    )
    child = _insert_job(session, child, planner, settings)
    _wake(request)
    response.headers["Location"] = f"/plans/{child.id}"
    return plan_public(session, child)


def find_plan(session: Session, plan_id: str) -> PlanJob:
    """The plan job `plan_id`, or 404."""
    return found(session.get(PlanJob, plan_id), f"plan {plan_id!r} does not exist")


def plan_public(session: Session, job: PlanJob) -> PlanPublic:
    """The public view of a plan job with its shops' answers."""
    answers = [
        answer_public(r)
        for r in session.scalars(
            select(ShopResponse)
            .where(ShopResponse.plan_id == job.id)
            .order_by(ShopResponse.shop_id)
        )
    ]
    return PlanPublic(
        id=job.id,
        scenario_id=job.scenario_id,
        parent_plan_id=job.parent_plan_id,
        status=job.status,  # type: ignore[arg-type]
        stage=job.stage or "",
        progress=job.progress or 0.0,
        error=job.error,
        created_at=timestamp(job.created_at),
        started_at=timestamp(job.started_at),
        finished_at=timestamp(job.finished_at),
        attempts=job.attempts or 0,
        cancel_requested=bool(job.cancel_requested),
        published=job.published_at is not None,
        parameters=json.loads(job.parameters_json),
        kpis=json.loads(job.kpis_json) if job.kpis_json else None,
        responses=answers,
        declines=[a for a in answers if a.decision == "decline"],
        files=plan_file_names(session, job.id) if job.status == "done" else [],
    )


def _finished_plan(session: Session, plan_id: str) -> PlanJob:
    job = find_plan(session, plan_id)
    if job.status != "done":
        raise HTTPException(status.HTTP_409_CONFLICT, f"plan {plan_id} is {job.status}, not done")
    return job


def plan_parameters(
    head: ScenarioHead, overrides: dict[str, Any], settings: Settings
) -> Parameters:
    """The scenario's parameters with `overrides`, checked as a whole scenario would check them
    (fields, shop ids, solver time limits) without reading its orders; 422 names the field."""
    try:
        parameters = Parameters.model_validate({**head.parameters, **overrides})
    except ValidationError as error:
        lines = [f"parameters.{line}" for line in format_errors(error)]
        raise UploadError([(["body", "parameters"], line) for line in lines]) from None
    unknown = [
        (["body", "parameters", field], f"parameters.{field}: {shop_id!r} is not a shop id")
        for field in ("open_shops", "closed_shops")
        for shop_id in getattr(parameters, field)
        if shop_id not in head.shop_ids
    ]
    if unknown:
        raise UploadError(unknown[:20])  # type: ignore[arg-type]
    check_time_limits(parameters, settings)
    return parameters


def _require_scenario(session: Session, scenario_id: str) -> None:
    """404 unless the scenario is stored (reads its id only)."""
    if session.scalar(select(ScenarioRow.id).where(ScenarioRow.id == scenario_id)) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"scenario {scenario_id!r} does not exist")


def _insert_job(session: Session, job: PlanJob, planner: Caller, settings: Settings) -> PlanJob:
    """Insert `job` for `planner` within the queue limits (429) and the storage quota (507), or
    return the earlier job with the same idempotency key."""
    if job.idempotency_key is not None:
        earlier = session.scalar(
            select(PlanJob).where(PlanJob.idempotency_key == job.idempotency_key)
        )
        if earlier is not None:
            return earlier
    try:
        with quota.ADMISSION:
            quota.check_queue(session, planner, settings)
            quota.check_quota(session, planner, settings, 1)
            session.add(job)
            quota.record(session, "plan", job.id, planner, 0)
            session.commit()
    except IntegrityError:
        session.rollback()
        earlier = session.scalar(
            select(PlanJob).where(PlanJob.idempotency_key == job.idempotency_key)
        )
        if earlier is None:
            raise
        return earlier
    return job


def _wake(request: Request) -> None:
    runner: Any = getattr(request.app.state, "runner", None)
    if runner is not None:
        runner.wake()
