"""A shop's assignment in the API: the shop view of the plan (cached) with the shop's answer."""

import threading

from cachetools import LRUCache, cached
from cachetools.keys import hashkey
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pickup_net.render.shop_view import ShopView, shop_view
from pickup_net.service.db_models import PlanJob, ScenarioRow, ShopResponse
from pickup_net.service.schemas import (
    ShopAnswer,
    ShopAssignment,
    ShopResponsePublic,
    timestamp,
)
from pickup_net.service.store import now, stored_plan, stored_scenario

_CACHE_SIZE = 4096


class PlanWithoutResult(LookupError):
    """The plan has no stored result (yet); never cached, so a later result is seen."""


def shop_assignment(session: Session, plan_id: str, shop_id: str) -> ShopAssignment | None:
    """The assignment of `shop_id` in plan `plan_id` with the shop's latest answer, or None when
    the plan has no result.

    A finished plan never changes, so its shop view is kept in a bounded cache; only the answer
    is read each time.
    """
    try:
        view = _cached_view(session, plan_id, shop_id)
    except PlanWithoutResult:
        return None
    answer = session.get(ShopResponse, (plan_id, shop_id))
    return ShopAssignment.model_construct(  # the cached view and the answer are validated models
        **dict(view),
        plan_id=plan_id,
        response=answer_public(answer) if answer else None,
    )


@cached(
    LRUCache(maxsize=_CACHE_SIZE),
    key=lambda _session, plan_id, shop_id: hashkey(plan_id, shop_id),
    lock=threading.Lock(),
)
def _cached_view(session: Session, plan_id: str, shop_id: str) -> ShopView:
    job = session.get(PlanJob, plan_id)
    result = stored_plan(session, plan_id)
    if job is None or result is None:
        raise PlanWithoutResult(plan_id)
    scenario_row = session.get(ScenarioRow, job.scenario_id)
    scenario = stored_scenario(scenario_row) if scenario_row else None
    return shop_view(result, shop_id, scenario)


def answer_public(row: ShopResponse) -> ShopResponsePublic:
    """The public view of a shop's answer."""
    return ShopResponsePublic(
        shop_id=row.shop_id,
        decision=row.decision,  # type: ignore[arg-type]
        reason=row.reason,
        storage_liters=row.storage_liters,
        answered_at=timestamp(row.answered_at),
    )


def offer_over_storage(assignment: ShopAssignment, answer: ShopAnswer) -> str | None:
    """Why a decline's storage offer is refused (it is over the shop's current storage in the
    plan, so a replan would raise it), or None when the answer is fine."""
    offered = answer.storage_liters
    if offered is None or offered <= assignment.storage_liters:
        return None
    return (
        f"storage_liters: {offered:.10g} is over the shop's current storage of "
        f"{assignment.storage_liters:.10g} L; a decline may offer at most that"
    )


def save_answer(session: Session, plan_id: str, shop_id: str, answer: ShopAnswer) -> ShopResponse:
    """Record the shop's answer (a later answer replaces an earlier one) and commit."""
    for _ in range(2):
        row = session.get(ShopResponse, (plan_id, shop_id))
        if row is None:
            row = ShopResponse(plan_id=plan_id, shop_id=shop_id)
            session.add(row)
        row.decision = answer.decision
        row.reason = answer.reason
        row.storage_liters = answer.storage_liters
        row.answered_at = now()
        try:
            session.commit()
            return row
        except IntegrityError:  # another request inserted the same answer row first
            session.rollback()
    raise RuntimeError(f"could not save the answer of shop {shop_id!r}")
