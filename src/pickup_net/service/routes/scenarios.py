"""Scenarios: upload as JSON or as a zip of a scenario folder, list and read back."""

from typing import IO, Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer
from starlette.types import Message

from pickup_net.service import quota
from pickup_net.service.config import Settings
from pickup_net.service.db_models import ScenarioRow
from pickup_net.service.deps import PlannerDep, SessionDep, SettingsDep, found
from pickup_net.service.json_body import BoundedJsonRoute
from pickup_net.service.limits import UploadSlots, check_time_limits, row_limits
from pickup_net.service.scenario_upload import (
    UploadedScenario,
    UploadError,
    scenario_from_json,
    scenario_from_zip,
)
from pickup_net.service.schemas import ScenarioPublic, ScenariosPublic, timestamp
from pickup_net.service.security import Caller
from pickup_net.service.store import new_id, now, scenario_text
from pickup_net.service.text_limits import scenario_text_problems

router = APIRouter(prefix="/scenarios", tags=["scenarios"], route_class=BoundedJsonRoute)

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Scenario"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A zip of a scenario folder (YAML + tables).",
                        }
                    },
                    "required": ["file"],
                }
            },
        },
    }
}


def public(row: ScenarioRow) -> ScenarioPublic:
    """The public view of a stored scenario."""
    return ScenarioPublic(
        id=row.id,
        name=row.name,
        created_at=timestamp(row.created_at),
        shops=row.shops,
        orders=row.orders,
        has_streets=row.streets_name is not None,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ScenarioPublic,
    openapi_extra=_UPLOAD_BODY,
    responses={
        413: {
            "description": "Upload too large: the body (PICKUP_NET_MAX_UPLOAD_BYTES, 25 MiB), "
            "the unzipped folder (PICKUP_NET_MAX_UNZIPPED_BYTES, 200 MiB), or the rows of a "
            "table (PICKUP_NET_MAX_ORDERS, 200,000 orders; PICKUP_NET_MAX_TABLE_ROWS, 50,000 "
            "rows of each other table); the message names the table and the limit"
        },
        415: {"description": "Not JSON/zip"},
        422: {
            "description": "A field is wrong, or a solver time limit is over its maximum; each "
            "message names the field and the value. Also: JSON nested deeper than 32 levels or "
            "a number over 64 characters, a `name` over 300 characters, a NUL character in any "
            "text"
        },
        429: {
            "description": "Other uploads are being validated "
            "(PICKUP_NET_MAX_CONCURRENT_UPLOADS per server process, 1 by default); "
            "`Retry-After` says when to try again",
            "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds"}},
        },
        507: {
            "description": "The planner token's storage quota is used up "
            "(PICKUP_NET_PLANNER_QUOTA_BYTES, 2 GiB of stored scenarios and plan files)"
        },
    },
)
async def create_scenario(
    request: Request, session: SessionDep, settings: SettingsDep, planner: PlannerDep
) -> ScenarioPublic:
    """Store a scenario sent as JSON or as multipart field `file` holding a zip; 422 names the
    field and value of every problem, and nothing is stored then. Uploads are validated a few
    at a time (429 beyond), table rows are read one by one up to their limits (413 beyond)."""
    slots: UploadSlots = request.app.state.upload_slots
    with slots.hold(settings):
        body = await _read_body(request, settings.max_upload_bytes)
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        limits = row_limits(settings)
        if content_type == "multipart/form-data":
            archive = await _form_file(request, body)
            del body
            uploaded = await run_in_threadpool(
                scenario_from_zip,
                archive,
                settings.max_unzipped_bytes,
                settings.max_zip_entries,
                limits,
            )
        elif content_type in ("application/json", ""):
            uploaded = await run_in_threadpool(scenario_from_json, body, limits)
            del body
        else:
            raise HTTPException(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                f"content-type {content_type!r}: send application/json or multipart/form-data",
            )
        check_time_limits(uploaded.scenario.parameters, settings)
        row = await run_in_threadpool(_store, session, uploaded, planner, settings)
    return public(row)


@router.get("", response_model=ScenariosPublic)
def list_scenarios(
    session: SessionDep,
    _: PlannerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> ScenariosPublic:
    """The stored scenarios, newest first."""
    rows = session.scalars(
        select(ScenarioRow)
        .options(defer(ScenarioRow.scenario_json))
        .order_by(ScenarioRow.created_at.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    count = session.scalar(select(func.count()).select_from(ScenarioRow)) or 0
    return ScenariosPublic(data=[public(row) for row in rows], count=count)


@router.get("/{scenario_id}", response_model=ScenarioPublic)
def get_scenario(scenario_id: str, session: SessionDep, _: PlannerDep) -> ScenarioPublic:
    """One stored scenario's summary."""
    return public(find_scenario(session, scenario_id))


@router.get(
    "/{scenario_id}/scenario.json",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def get_scenario_json(scenario_id: str, session: SessionDep, _: PlannerDep) -> Response:
    """The whole stored scenario as JSON (without its street file)."""
    find_scenario(session, scenario_id)
    text = session.scalar(select(ScenarioRow.scenario_json).where(ScenarioRow.id == scenario_id))
    return Response(text, media_type="application/json")


def find_scenario(session: Session, scenario_id: str) -> ScenarioRow:
    """The stored scenario `scenario_id` without its JSON text (loaded only when asked), or 404."""
    row = session.get(ScenarioRow, scenario_id, options=[defer(ScenarioRow.scenario_json)])
    return found(row, f"scenario {scenario_id!r} does not exist")


def _store(
    session: Session, uploaded: UploadedScenario, planner: Caller, settings: Settings
) -> ScenarioRow:
    """Store the validated scenario in the form plan submissions read (see `scenario_text`),
    within the planner's storage quota (507), once its texts fit the database (422)."""
    scenario = uploaded.scenario
    text = scenario_text(scenario)
    problems = scenario_text_problems(scenario, text)
    if problems:
        raise UploadError(problems)
    size = len(text.encode()) + len(uploaded.streets or b"")
    with quota.ADMISSION:
        quota.check_quota(session, planner, settings, size)
        row = ScenarioRow(
            id=new_id(),
            name=scenario.name,
            created_at=now(),
            scenario_json=text,
            streets_name=uploaded.streets_name,
            streets=uploaded.streets,
            shops=len(scenario.shops),
            orders=len(scenario.orders),
        )
        session.add(row)
        quota.record(session, "scenario", row.id, planner, size)
        session.commit()
    return row


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE, f"upload of {size} bytes is over the {limit}-byte limit"
    )


async def _form_file(request: Request, body: bytes) -> IO[bytes]:
    """Multipart field `file` as a file (spooled to disk when large), parsed from the body
    already read (a request over the same scope replays it: the original stream is consumed)."""

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=1, max_fields=8)
    except Exception as error:  # multipart parser errors have no common base class
        raise UploadError([(["body"], f"body: not a readable multipart form ({error})")]) from None
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise UploadError(
            [(["body", "file"], "file: multipart field 'file' with a zip is missing")]
        )
    upload.file.seek(0)
    return upload.file
