"""The output of a plan: hubs and catchments, stock, van routes, what was left out and why, KPIs."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pickup_net.domain.refs import Ref
from pickup_net.domain.scenario import Depot
from pickup_net.domain.timeline import VisitTimeline


class Hub(BaseModel):
    """A shop chosen as pickup hub, the customers it serves and why it was opened."""

    shop_id: str
    name: str
    lon: float
    lat: float
    customers: list[str]
    expected_pickups_per_day: float
    mean_walk_m: float
    storage_liters: float
    stock_liters: float
    handling_fee: float
    explanation: dict = Field(default_factory=dict)


class CustomerAssignment(BaseModel):
    """Where one customer is served: at a hub (with the walk) or at home (with the reason)."""

    customer_id: str
    lon: float
    lat: float
    mode: Literal["pickup", "home", "unassigned"]
    hub_id: str | None = None
    walk_m: float | None = None
    reason: str = ""


class StockLine(BaseModel):
    """Units of one product to hold at one hub, with the numbers behind them."""

    hub_id: str
    product_id: str
    units: int
    forecast_mean: float
    quantile: float
    unconstrained_units: int
    reason: str


class StopVisit(VisitTimeline):
    """One stop on a route with its timeline: the replenishment of a shop or a customer's home
    delivery, where it is, and when the van is there."""

    model_config = ConfigDict(frozen=False)

    kind: Literal["replenish", "home"]
    ref: Ref
    lon: float
    lat: float


class Route(BaseModel):
    """One van's day: depot, stops in order, back to depot, and what it costs."""

    vehicle_id: str
    vehicle_type_id: str
    depot_id: str
    engine: str
    start_s: float
    end_s: float
    visits: list[StopVisit]
    distance_m: float
    duration_s: float
    cost: float
    geometry: list[tuple[float, float]] = Field(
        default_factory=list, description="[lon, lat] along the streets, depot to depot."
    )


class Unassigned(BaseModel):
    """Something the plan could not serve and why; `certain` is false for heuristic reasons.

    `replenish` and `home` are stops left out (`id` the shop or customer); `stock` is a product
    that could not be planned at a hub (`id` the shop, `product_id` the product).
    """

    kind: Literal["customer", "replenish", "home", "stock"]
    id: str
    product_id: str | None = None
    reason: str
    certain: bool = True


class KPIs(BaseModel):
    """The plan's headline numbers, each recomputable from the routes and assignments."""

    hubs_opened: int
    customers: int
    customers_pickup: int
    pickup_share: float
    mean_walk_m: float
    units_prepositioned: int
    vans_used: int
    km_driven: float
    driving_hours: float
    routing_cost: float
    hub_cost: float
    total_cost: float
    unassigned: int = Field(description="Customers and stops left out (each with its reason).")
    stock_not_planned: int = Field(
        0, description="Hub x product lines held at zero units (e.g. no order history there)."
    )


class DayStock(BaseModel):
    """One hub's stock of one product over one day: `opening + delivered - expected_pickups =
    closing`; a day's opening is the previous day's closing. Pickups may be fractional."""

    shop_id: str
    product_id: str
    opening_units: float
    delivered_units: float
    expected_pickups: float
    closing_units: float


class Day(BaseModel):
    """One operating day of the horizon: its van routes and every hub's stock movement."""

    date: date
    routes: list[Route]
    stock: list[DayStock]


class Costs(BaseModel):
    """Money over the plan's horizon, by DESIGN's rule ("Money over a horizon"): van routing
    every day, hub fees per hub and day, handling per pickup, holding on each day's closing
    stock, and expected shortage; `total` is their sum."""

    routing: float
    hub_fees: float
    handling: float
    holding: float
    shortage: float
    total: float


class Baseline(BaseModel):
    """A simple alternative priced exactly like the plan: everyone at home, or greedy hubs."""

    name: Literal["all_home", "greedy"]
    total_cost: float
    hubs_opened: int
    vans_used: int
    km_driven: float
    parcels: float
    cost_per_parcel: float
    costs: Costs
    note: str = ""


class StageStats(BaseModel):
    """What one stage took and how good its answer is known to be."""

    seconds: float
    method: str = ""
    objective: float | None = None
    lower_bound: float | None = None
    gap: float | None = None
    details: dict = Field(default_factory=dict)


SCHEMA_VERSION = "2.0"
"""Version of plan.json: 2.0 adds `days`, `baselines` and `costs` (and typed stop refs)."""


class Plan(BaseModel):
    """A complete plan over `horizon_days` days from `plan_date`; the top-level `routes` and
    `stock` are the first day's."""

    schema_version: str = SCHEMA_VERSION
    scenario: str
    plan_date: date
    currency: str
    timezone: str = Field(
        "UTC", description="IANA zone of every time in the plan (the scenario's)."
    )
    cycle_days: int
    service_level_method: str
    depots: list[Depot]
    candidate_shops: list[str] = Field(description="Every shop considered as a hub.")
    hubs: list[Hub]
    customers: list[CustomerAssignment]
    stock: list[StockLine]
    routes: list[Route]
    unassigned: list[Unassigned]
    kpis: KPIs
    stages: dict[str, StageStats]
    horizon_days: int = 1
    days: list[Day] = Field(default_factory=list, description="One entry per day of the horizon.")
    costs: Costs | None = Field(None, description="The plan's money over its horizon.")
    baselines: list[Baseline] = Field(
        default_factory=list, description="Everyone at home and greedy hubs, priced the same way."
    )
    warnings: list[str] = Field(default_factory=list)
