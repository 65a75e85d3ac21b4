"""One shop's view of a plan: hub or not, and for every day of the horizon when the van comes,
what it brings, the pickups expected and the stock to keep ready; plus what the shop earns.

The CLI writes it as `shops/<shop_id>.json` and the API serves it (with the plan id and the
shop's answer) at `/shop/assignment` and on the shop page, so both always say the same thing.
"""

import math
from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, Field

from pickup_net.domain import Day, Plan, Product, Route, Scenario, StopVisit
from pickup_net.render.build_up import peaks, ready_units, usual
from pickup_net.render.geojson import clock

ARRIVAL_SLACK_S = 15 * 60
"""Half-width of the arrival window promised to a shop around the planned service start."""
NOT_A_HUB = "not chosen as a hub in this plan"


class StockItem(BaseModel):
    """Units of one product the shop should hold on the first day, and why that many."""

    product_id: str
    product_name: str = Field(description="The product's name, else its id.")
    units: int
    liters: float | None = Field(description="units × volume; null when the volume is unknown.")
    forecast_mean: float
    quantile: float
    reason: str


class VanVisit(BaseModel):
    """A van coming to restock the shop on one day (local times of the plan's time zone)."""

    vehicle_id: str
    trip: int = Field(description="The van's trip of that day (1, 2, ...; it reloads between).")
    date: str = Field(description="The day of the visit, ISO 8601.")
    arrival: str = Field(description="Local time HH:MM on that day.")
    arrival_s: float
    arrival_window: tuple[str, str] = Field(description="HH:MM either side of service start.")
    window_start: str = Field(description="Local date and time the window opens (ISO 8601).")
    window_end: str = Field(description="Local date and time the window closes (ISO 8601).")
    service_start: str
    service_end: str


class DayProduct(BaseModel):
    """One product at the shop on one day: `opening + delivered - expected_pickups = closing`."""

    product_id: str
    product_name: str = Field(description="The product's name, else its id.")
    opening_units: float = Field(description="On the shelf at the start of the day.")
    delivered_units: float = Field(description="What the van brings that day.")
    delivered_liters: float | None = Field(
        description="delivered_units × volume; null when the volume is unknown."
    )
    expected_pickups: float = Field(description="Units customers are expected to collect.")
    keep_ready_units: float = Field(
        description="The level to keep ready that day: opening + delivered (the order-up-to "
        "level on a delivery day); a build-up ahead of a peak shows here."
    )
    closing_units: float = Field(description="Expected on the shelf at the end of the day.")


class ShopDay(BaseModel):
    """One day of the horizon at the shop: the van's visits, what it brings, pickups, stock."""

    date: str = Field(description="ISO 8601 date.")
    weekday: int = Field(description="0 Monday ... 6 Sunday.")
    van_comes: bool
    van_visits: list[VanVisit] = Field(description="That day's visits, by arrival time.")
    brings_units: float = Field(description="Units the van brings that day, all products.")
    brings_liters: float | None = Field(description="Their litres; null when a volume is unknown.")
    expected_pickups: float = Field(description="Units expected to be collected that day.")
    products: list[DayProduct] = Field(
        description="Every product with stock, a delivery or pickups that day, by product id."
    )


class PeakReady(BaseModel):
    """What the shop keeps ready for a peak day of the plan (a declared event that raised the
    forecast): the units by that day, against an ordinary day, and how many arrive before it."""

    event: str = Field(description="The event's name (several joined by commas).")
    date: str = Field(description="The peak day, ISO 8601.")
    weekday: int = Field(description="0 Monday ... 6 Sunday.")
    keep_ready_units: int = Field(
        description="Opening stock plus that day's delivery on the peak day, rounded up."
    )
    usual_units: int = Field(
        description="The same on an ordinary day: the median over the days before the peak's "
        "eve, rounded up."
    )
    delivered_before_units: int = Field(
        description="Of keep_ready_units, what is already on the shelf that morning (brought "
        "on the days before), rounded up."
    )
    message: str = Field(description='One line for the owner: "keep N units ready by Friday".')


class Earnings(BaseModel):
    """What the shop earns over the plan's days, by the plan's own money rule: the hub fee per
    day as hub plus the handling fee per expected pickup."""

    currency: str = Field(description="ISO 4217 code of every amount.")
    days_as_hub: int
    hub_fee_per_day: float
    hub_fees: float
    handling_fee: float = Field(description="Paid per pickup.")
    expected_pickups: float = Field(description="Pickups expected over the days as hub.")
    handling: float
    total: float


class ShopView(BaseModel):
    """What one shop is asked to do in one plan; `days` (one entry per day) is the main content,
    the top-level stock and van fields are the first day's."""

    shop_id: str
    name: str
    plan_date: str
    horizon_days: int
    timezone: str = Field(description="IANA zone of every time shown.")
    is_hub: bool
    reason: str | None = Field(description="Why the shop is not a hub; null for a hub.")
    cycle_days: int
    expected_pickups_per_day: float
    customers: int
    stock_liters: float
    storage_liters: float
    days: list[ShopDay] = Field(description="Every day of the horizon, from plan_date.")
    peaks: list[PeakReady] = Field(
        default_factory=list,
        description="Each peak day of the plan with what to keep ready for it (hubs only).",
    )
    earnings: Earnings
    stock: list[StockItem] = Field(description="The first day's stock lines, by product id.")
    van: VanVisit | None = Field(description="The first van visit of the first day, if any.")
    van_visits: list[VanVisit] = Field(description="The first day's van visits, by arrival.")
    explanation: dict | None = Field(description="Why the shop was chosen; null for a non-hub.")


def shop_view(plan: Plan, shop_id: str, scenario: Scenario | None = None) -> ShopView:
    """The view of `shop_id` in `plan`; `scenario` (when given) adds product names and volumes,
    and names and storage of shops that are not hubs."""
    hub = next((h for h in plan.hubs if h.shop_id == shop_id), None)
    shop = next((s for s in scenario.shops if s.id == shop_id), None) if scenario else None
    products = {p.id: p for p in scenario.products} if scenario else {}
    stock = [
        StockItem(
            product_id=line.product_id,
            product_name=_name(products, line.product_id),
            units=line.units,
            liters=_liters(products, line.product_id, line.units),
            forecast_mean=round(line.forecast_mean, 3),
            quantile=line.quantile,
            reason=line.reason,
        )
        for line in plan.stock
        if line.hub_id == shop_id
    ]
    days = [_day(day, shop_id, products) for day in plan.days]
    first = days[0].van_visits if days else _visits(plan.plan_date, plan.routes, shop_id)
    return ShopView(
        shop_id=shop_id,
        name=hub.name if hub else (shop.name or shop_id) if shop else shop_id,
        plan_date=plan.plan_date.isoformat(),
        horizon_days=plan.horizon_days,
        timezone=plan.timezone,
        is_hub=hub is not None,
        reason=None if hub else NOT_A_HUB,
        cycle_days=plan.cycle_days,
        expected_pickups_per_day=round(hub.expected_pickups_per_day, 2) if hub else 0.0,
        customers=len(hub.customers) if hub else 0,
        stock_liters=hub.stock_liters if hub else 0.0,
        storage_liters=hub.storage_liters if hub else (shop.storage_liters if shop else 0.0),
        days=days,
        peaks=_peaks(plan, shop_id) if hub else [],
        earnings=_earnings(plan, shop_id),
        stock=sorted(stock, key=lambda item: item.product_id),
        van=first[0] if first else None,
        van_visits=first,
        explanation=hub.explanation if hub else None,
    )


def shop_views(plan: Plan, scenario: Scenario | None = None) -> dict[str, ShopView]:
    """The view of every candidate shop of `plan`, keyed by shop id."""
    return {shop_id: shop_view(plan, shop_id, scenario) for shop_id in plan.candidate_shops}


def _day(day: Day, shop_id: str, products: dict[str, Product]) -> ShopDay:
    """The shop's part of one plan day; product lines with nothing on them are left out."""
    lines = [
        DayProduct(
            product_id=s.product_id,
            product_name=_name(products, s.product_id),
            opening_units=s.opening_units,
            delivered_units=s.delivered_units,
            delivered_liters=_liters(products, s.product_id, s.delivered_units),
            expected_pickups=s.expected_pickups,
            keep_ready_units=round(s.opening_units + s.delivered_units, 4),
            closing_units=s.closing_units,
        )
        for s in day.stock
        if s.shop_id == shop_id
        and (s.opening_units or s.delivered_units or s.expected_pickups or s.closing_units)
    ]
    litres = [line.delivered_liters for line in lines if line.delivered_units]
    visits = _visits(day.date, day.routes, shop_id)
    return ShopDay(
        date=day.date.isoformat(),
        weekday=day.date.weekday(),
        van_comes=bool(visits),
        van_visits=visits,
        brings_units=round(sum(line.delivered_units for line in lines), 4),
        brings_liters=None if None in litres else round(sum(litres), 3),  # type: ignore[arg-type]
        expected_pickups=round(sum(line.expected_pickups for line in lines), 4),
        products=sorted(lines, key=lambda line: line.product_id),
    )


def _peaks(plan: Plan, shop_id: str) -> list[PeakReady]:
    """What `shop_id` keeps ready for each peak day of `plan` (none where it keeps nothing)."""
    out = []
    for peak in peaks(plan):
        day = plan.days[peak.index]
        ready = math.ceil(ready_units(day, shop_id) - 1e-6)
        if ready <= 0:
            continue
        ordinary = usual([ready_units(d, shop_id) for d in plan.days[: peak.index - 1]])
        before = math.ceil(sum(s.opening_units for s in day.stock if s.shop_id == shop_id) - 1e-6)
        out.append(
            PeakReady(
                event=peak.name,
                date=peak.date.isoformat(),
                weekday=peak.date.weekday(),
                keep_ready_units=ready,
                usual_units=math.ceil(ordinary - 1e-6),
                delivered_before_units=before,
                message=f"keep {ready} units ready by {peak.weekday} ({peak.name}, "
                f"{peak.date.isoformat()}) against {math.ceil(ordinary - 1e-6)} on an ordinary "
                f"day; {before} of them are on your shelf by {peak.weekday} morning",
            )
        )
    return out


def _visits(day: date, routes: list[Route], shop_id: str) -> list[VanVisit]:
    """The replenishment visits of `shop_id` on the routes of `day`, by arrival time."""
    return sorted(
        (
            _visit(day, route.vehicle_id, visit)
            for route in routes
            for visit in route.visits
            if visit.kind == "replenish" and visit.ref.id == shop_id
        ),
        key=lambda visit: visit.arrival_s,
    )


def _visit(day: date, vehicle_id: str, visit: StopVisit) -> VanVisit:
    opens = max(0.0, visit.start_s - ARRIVAL_SLACK_S)
    closes = visit.start_s + ARRIVAL_SLACK_S
    return VanVisit(
        vehicle_id=vehicle_id,
        trip=visit.trip,
        date=day.isoformat(),
        arrival=clock(visit.arrival_s),
        arrival_s=visit.arrival_s,
        arrival_window=(clock(opens), clock(closes)),
        window_start=_local(day, opens),
        window_end=_local(day, closes),
        service_start=clock(visit.start_s),
        service_end=clock(visit.end_s),
    )


def _local(day: date, seconds: float) -> str:
    """`seconds` after midnight of `day` as a local ISO date and time to the minute."""
    moment = datetime.combine(day, time()) + timedelta(seconds=round(seconds / 60) * 60)
    return moment.isoformat(timespec="minutes")


def _earnings(plan: Plan, shop_id: str) -> Earnings:
    """Hub fees and handling of `shop_id` over the plan's days, priced as the plan's `costs`
    price them (fee per hub and day; handling per expected pickup, every day)."""
    hub = next((h for h in plan.hubs if h.shop_id == shop_id), None)
    n_days = len(plan.days) or plan.horizon_days
    fee = 0.0
    if plan.costs is not None and plan.hubs and n_days:
        fee = plan.costs.hub_fees / (len(plan.hubs) * n_days)
    days_as_hub = n_days if hub else 0
    pickups = hub.expected_pickups_per_day * days_as_hub if hub else 0.0
    handling_fee = hub.handling_fee if hub else 0.0
    hub_fees, handling = fee * days_as_hub, handling_fee * pickups
    return Earnings(
        currency=plan.currency,
        days_as_hub=days_as_hub,
        hub_fee_per_day=round(fee, 2),
        hub_fees=round(hub_fees, 2),
        handling_fee=handling_fee,
        expected_pickups=round(pickups, 2),
        handling=round(handling, 2),
        total=round(hub_fees + handling, 2),
    )


def _name(products: dict[str, Product], product_id: str) -> str:
    product = products.get(product_id)
    return (product.name or product_id) if product else product_id


def _liters(products: dict[str, Product], product_id: str, units: float) -> float | None:
    product = products.get(product_id)
    return round(units * product.volume_liters, 3) if product else None
