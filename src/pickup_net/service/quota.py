"""Per-planner storage quota and queue limit, counted from the `stored_bytes` table.

A planner is one planner token: every scenario and plan it stores is recorded with its size
(a plan's size once its files are stored), and its queued or running plans are counted.
"""

import threading

from fastapi import HTTPException, status
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pickup_net.service.config import Settings
from pickup_net.service.db_models import PlanJob, StoredBytes
from pickup_net.service.limits import env_name, too_busy
from pickup_net.service.security import Caller
from pickup_net.service.store import now

ACTIVE = ("queued", "running")
# Check and insert under one lock, so that concurrent requests of one server process cannot all
# pass the same check; several processes may still each let one more through.
ADMISSION = threading.Lock()


def used_bytes(session: Session, token_id: int) -> int:
    """Bytes of scenarios and plan files stored by planner token `token_id`."""
    total = session.scalar(
        select(func.sum(StoredBytes.size_bytes)).where(StoredBytes.token_id == token_id)
    )
    return int(total or 0)


def check_quota(session: Session, caller: Caller, settings: Settings, adding: int) -> None:
    """Refuse with 507 when storing `adding` more bytes would pass the planner's quota."""
    used = used_bytes(session, caller.token_id)
    quota = settings.planner_quota_bytes
    if used + adding > quota:
        raise HTTPException(
            status.HTTP_507_INSUFFICIENT_STORAGE,
            f"storage quota exceeded: planner token {caller.name!r} stores {used} bytes, this "
            f"request needs {adding} more, the quota is {quota} bytes "
            f"({env_name('planner_quota_bytes')})",
        )


def record(session: Session, kind: str, object_id: str, caller: Caller, size: int) -> None:
    """Note that `caller` stored `object_id` of `size` bytes (the caller commits)."""
    session.add(
        StoredBytes(
            object_id=object_id,
            kind=kind,
            token_id=caller.token_id,
            size_bytes=size,
            created_at=now(),
        )
    )


def set_size(session: Session, object_id: str, size: int) -> None:
    """Update the size of a recorded object (a plan once its files are stored)."""
    session.execute(
        update(StoredBytes).where(StoredBytes.object_id == object_id).values(size_bytes=size)
    )


def check_queue(session: Session, caller: Caller, settings: Settings) -> None:
    """Refuse with 429 when the planner, or the whole server, has too many plans waiting."""
    mine = session.scalar(
        select(func.count())
        .select_from(PlanJob)
        .join(StoredBytes, StoredBytes.object_id == PlanJob.id)
        .where(StoredBytes.token_id == caller.token_id, PlanJob.status.in_(ACTIVE))
    )
    if (mine or 0) >= settings.max_queued_plans_per_planner:
        raise too_busy(
            f"planner token {caller.name!r} has {mine} plans queued or running, the limit is "
            f"{settings.max_queued_plans_per_planner} "
            f"({env_name('max_queued_plans_per_planner')}); try again when one has finished",
            settings,
        )
    everyone = session.scalar(
        select(func.count()).select_from(PlanJob).where(PlanJob.status.in_(ACTIVE))
    )
    if (everyone or 0) >= settings.max_queued_plans:
        raise too_busy(
            f"{everyone} plans are queued or running, the server limit is "
            f"{settings.max_queued_plans} ({env_name('max_queued_plans')}); try again later",
            settings,
        )
