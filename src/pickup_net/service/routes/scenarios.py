"""Scenarios: upload as JSON or as a zip of a scenario folder, list and read back."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.types import Message

from pickup_net.service.db_models import ScenarioRow
from pickup_net.service.deps import PlannerDep, SessionDep, SettingsDep, found
from pickup_net.service.scenario_upload import (
    UploadedScenario,
    UploadError,
    scenario_from_json,
    scenario_from_zip,
)
from pickup_net.service.schemas import ScenarioPublic, ScenariosPublic, timestamp
from pickup_net.service.store import new_id, now

router = APIRouter(prefix="/scenarios", tags=["scenarios"])

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
    responses={413: {"description": "Upload too large"}, 415: {"description": "Not JSON/zip"}},
)
async def create_scenario(
    request: Request, session: SessionDep, settings: SettingsDep, _: PlannerDep
) -> ScenarioPublic:
    """Store a scenario sent as JSON or as multipart field `file` holding a zip; 422 names the
    field and value of every problem, and nothing is stored then."""
    body = await _read_body(request, settings.max_upload_bytes)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        data = await _form_file(request, body)
        uploaded = await run_in_threadpool(
            scenario_from_zip, data, settings.max_unzipped_bytes, settings.max_zip_entries
        )
    elif content_type in ("application/json", ""):
        uploaded = await run_in_threadpool(scenario_from_json, body)
    else:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"content-type {content_type!r}: send application/json or multipart/form-data",
        )
    row = await run_in_threadpool(_store, session, uploaded)
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
        select(ScenarioRow).order_by(ScenarioRow.created_at.desc()).limit(limit).offset(offset)
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
    row = find_scenario(session, scenario_id)
    return Response(row.scenario_json, media_type="application/json")


def find_scenario(session: Session, scenario_id: str) -> ScenarioRow:
    """The stored scenario `scenario_id`, or 404."""
    return found(session.get(ScenarioRow, scenario_id), f"scenario {scenario_id!r} does not exist")


def _store(session: Session, uploaded: UploadedScenario) -> ScenarioRow:
    scenario = uploaded.scenario
    row = ScenarioRow(
        id=new_id(),
        name=scenario.name,
        created_at=now(),
        scenario_json=scenario.model_dump_json(),
        streets_name=uploaded.streets_name,
        streets=uploaded.streets,
        shops=len(scenario.shops),
        orders=len(scenario.orders),
    )
    session.add(row)
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


async def _form_file(request: Request, body: bytes) -> bytes:
    """The bytes of multipart field `file`, parsed from the body already read (a request over
    the same scope replays it, since the original stream is consumed)."""

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=1, max_fields=8)
    except Exception as error:  # multipart parser errors have no common base class
        raise UploadError([(["body"], f"body: not a readable multipart form ({error})")]) from None
    try:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise UploadError(
                [(["body", "file"], "file: multipart field 'file' with a zip is missing")]
            )
        return await upload.read()
    finally:
        await form.close()
