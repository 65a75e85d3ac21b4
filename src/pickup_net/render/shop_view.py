"""One shop's view of a plan: hub or not, what to hold, pickups per day, when the van comes.

The CLI writes it as `shops/<shop_id>.json` and the API serves it (with the plan id and the
shop's answer) at `/shop/assignment` and on the shop page, so both always say the same thing.
"""

from pydantic import BaseModel, Field

from pickup_net.domain import Plan, Scenario, StopVisit
from pickup_net.render.geojson import clock

ARRIVAL_SLACK_S = 15 * 60
"""Half-width of the arrival window promised to a shop around the planned service start."""
NOT_A_HUB = "not chosen as a hub in this plan"


class StockItem(BaseModel):
    """Units of one product the shop should hold, and why that many."""

    product_id: str
    product_name: str = Field(description="The product's name, else its id.")
    units: int
    liters: float | None = Field(description="units × volume; null when the volume is unknown.")
    forecast_mean: float
    quantile: float
    reason: str


class VanVisit(BaseModel):
    """A van coming to restock the shop on the plan date."""

    vehicle_id: str
    arrival: str = Field(description="Local time HH:MM on the plan date.")
    arrival_s: float
    arrival_window: tuple[str, str] = Field(description="HH:MM either side of service start.")
    service_start: str
    service_end: str
    load_liters: float


class ShopView(BaseModel):
    """What one shop is asked to do in one plan."""

    shop_id: str
    name: str
    plan_date: str
    is_hub: bool
    reason: str | None = Field(description="Why the shop is not a hub; null for a hub.")
    cycle_days: int
    expected_pickups_per_day: float
    customers: int
    stock_liters: float
    storage_liters: float
    stock: list[StockItem] = Field(description="Every stock line of the hub, by product id.")
    van: VanVisit | None = Field(description="The first van visit of the day, if any.")
    van_visits: list[VanVisit] = Field(description="Every van visit, by arrival time.")
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
            product_name=(products[line.product_id].name or line.product_id)
            if line.product_id in products
            else line.product_id,
            units=line.units,
            liters=round(line.units * products[line.product_id].volume_liters, 3)
            if line.product_id in products
            else None,
            forecast_mean=round(line.forecast_mean, 3),
            quantile=line.quantile,
            reason=line.reason,
        )
        for line in plan.stock
        if line.hub_id == shop_id
    ]
    visits = sorted(
        (
            _visit(route.vehicle_id, visit)
            for route in plan.routes
            for visit in route.visits
            if visit.kind == "replenish" and visit.ref.id == shop_id
        ),
        key=lambda visit: visit.arrival_s,
    )
    return ShopView(
        shop_id=shop_id,
        name=hub.name if hub else (shop.name or shop_id) if shop else shop_id,
        plan_date=plan.plan_date.isoformat(),
        is_hub=hub is not None,
        reason=None if hub else NOT_A_HUB,
        cycle_days=plan.cycle_days,
        expected_pickups_per_day=round(hub.expected_pickups_per_day, 2) if hub else 0.0,
        customers=len(hub.customers) if hub else 0,
        stock_liters=hub.stock_liters if hub else 0.0,
        storage_liters=hub.storage_liters if hub else (shop.storage_liters if shop else 0.0),
        stock=sorted(stock, key=lambda item: item.product_id),
        van=visits[0] if visits else None,
        van_visits=visits,
        explanation=hub.explanation if hub else None,
    )


def shop_views(plan: Plan, scenario: Scenario | None = None) -> dict[str, ShopView]:
    """The view of every candidate shop of `plan`, keyed by shop id."""
    return {shop_id: shop_view(plan, shop_id, scenario) for shop_id in plan.candidate_shops}


def _visit(vehicle_id: str, visit: StopVisit) -> VanVisit:
    return VanVisit(
        vehicle_id=vehicle_id,
        arrival=clock(visit.arrival_s),
        arrival_s=visit.arrival_s,
        arrival_window=(
            clock(max(0.0, visit.start_s - ARRIVAL_SLACK_S)),
            clock(visit.start_s + ARRIVAL_SLACK_S),
        ),
        service_start=clock(visit.start_s),
        service_end=clock(visit.end_s),
        load_liters=visit.load_liters,
    )
