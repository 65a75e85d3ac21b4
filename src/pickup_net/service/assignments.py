"""One shop's view of a plan: is it a hub, what to hold, pickups per day, when the van comes."""

import threading
from collections import OrderedDict

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pickup_net.domain import Plan, Scenario
from pickup_net.service.db_models import PlanJob, ScenarioRow, ShopResponse
from pickup_net.service.schemas import (
    ShopAnswer,
    ShopAssignment,
    ShopResponsePublic,
    StockItem,
    VanVisit,
    timestamp,
)
from pickup_net.service.store import now, stored_plan, stored_scenario

_CACHE_SIZE = 4096
_cache: OrderedDict[tuple[str, str], ShopAssignment] = OrderedDict()
_cache_lock = threading.Lock()
_json_cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_json_lock = threading.Lock()
_ANSWER = select(
    ShopResponse.shop_id,
    ShopResponse.decision,
    ShopResponse.reason,
    ShopResponse.storage_liters,
    ShopResponse.answered_at,
).where(ShopResponse.plan_id == bindparam("plan_id"), ShopResponse.shop_id == bindparam("shop_id"))


def shop_assignment(session: Session, plan_id: str, shop_id: str) -> ShopAssignment | None:
    """The assignment of `shop_id` in plan `plan_id` with the shop's latest answer, or None when
    the plan has no result.

    A finished plan never changes, so the part built from it is kept in a bounded cache; only
    the answer is read each time.
    """
    key = (plan_id, shop_id)
    with _cache_lock:
        base = _cache.get(key)
        if base is not None:
            _cache.move_to_end(key)
    if base is None:
        base = _build_uncached(session, plan_id, shop_id)
        if base is None:
            return None
        with _cache_lock:
            _cache[key] = base
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    answer = session.get(ShopResponse, key)
    return base.model_copy(update={"response": answer_public(answer) if answer else None})


def shop_assignment_json(session: Session, plan_id: str, shop_id: str) -> bytes | None:
    """`shop_assignment` as JSON bytes, built from the cached part and a one-row answer lookup
    (the hot path of the shop API)."""
    key = (plan_id, shop_id)
    with _json_lock:
        head = _json_cache.get(key)
    if head is None:
        base = shop_assignment(session, plan_id, shop_id)
        if base is None:
            return None
        head = base.model_dump_json(exclude={"response"}).encode()[:-1]
        with _json_lock:
            _json_cache[key] = head
            while len(_json_cache) > _CACHE_SIZE:
                _json_cache.popitem(last=False)
    row = session.execute(_ANSWER, {"plan_id": plan_id, "shop_id": shop_id}).first()
    answer = (
        b"null"
        if row is None
        else ShopResponsePublic(
            shop_id=row.shop_id,
            decision=row.decision,
            reason=row.reason,
            storage_liters=row.storage_liters,
            answered_at=timestamp(row.answered_at),
        )
        .model_dump_json()
        .encode()
    )
    return head + b',"response":' + answer + b"}"


def _build_uncached(session: Session, plan_id: str, shop_id: str) -> ShopAssignment | None:
    job = session.get(PlanJob, plan_id)
    result = stored_plan(session, plan_id)
    if job is None or result is None:
        return None
    scenario_row = session.get(ScenarioRow, job.scenario_id)
    scenario = stored_scenario(scenario_row) if scenario_row else None
    return build_assignment(plan_id, shop_id, result, scenario, None)


def build_assignment(
    plan_id: str,
    shop_id: str,
    result: Plan,
    scenario: Scenario | None,
    answer: ShopResponse | None,
) -> ShopAssignment:
    """Assemble the assignment from the plan (and the scenario, for names and volumes)."""
    products = {p.id: p for p in scenario.products} if scenario else {}
    shop = next((s for s in scenario.shops if s.id == shop_id), None) if scenario else None
    hub = next((h for h in result.hubs if h.shop_id == shop_id), None)
    stock = []
    for line in result.stock:
        if line.hub_id != shop_id or line.units <= 0:
            continue
        product = products.get(line.product_id)
        stock.append(
            StockItem(
                product_id=line.product_id,
                product_name=(product.name or product.id) if product else line.product_id,
                units=line.units,
                liters=round(line.units * product.volume_liters, 3) if product else 0.0,
            )
        )
    visits = [
        VanVisit(
            vehicle_id=route.vehicle_id,
            arrival=_clock(visit.arrival_s),
            arrival_s=visit.arrival_s,
            load_liters=visit.load_liters,
        )
        for route in result.routes
        for visit in route.visits
        if visit.kind == "replenish" and visit.ref.id == shop_id
    ]
    return ShopAssignment(
        plan_id=plan_id,
        shop_id=shop_id,
        name=hub.name if hub else (shop.name if shop else shop_id),
        plan_date=result.plan_date.isoformat(),
        is_hub=hub is not None,
        storage_liters=hub.storage_liters if hub else (shop.storage_liters if shop else 0.0),
        stock_liters=hub.stock_liters if hub else 0.0,
        expected_pickups_per_day=hub.expected_pickups_per_day if hub else 0.0,
        customers=len(hub.customers) if hub else 0,
        stock=sorted(stock, key=lambda item: item.product_id),
        van_visits=sorted(visits, key=lambda visit: visit.arrival_s),
        response=answer_public(answer) if answer else None,
    )


def answer_public(row: ShopResponse) -> ShopResponsePublic:
    """The public view of a shop's answer."""
    return ShopResponsePublic(
        shop_id=row.shop_id,
        decision=row.decision,  # type: ignore[arg-type]
        reason=row.reason,
        storage_liters=row.storage_liters,
        answered_at=timestamp(row.answered_at),
    )


def _clock(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


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
