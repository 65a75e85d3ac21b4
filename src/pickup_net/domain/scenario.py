"""The input of a plan: shops, products, order history, depots, fleet and parameters.

Every model round-trips through JSON. Validation runs once, here, with messages that name the field
and the bad value; cross-references (orders to products, vehicles to depots) are checked on
`Scenario` so the JSON API and the YAML loader give the same answers.
"""

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from functools import cache
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo, available_timezones

import holidays
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from pickup_net.domain.opening_hours import OpeningHoursError, parse_opening_hours, parse_rules

MAX_NUMBER = 1e12
"""No count, capacity, distance or price in a scenario is larger: bigger values are input errors
(10^400 or Infinity would overflow or silently disable a limit)."""


def _longitude(value: float) -> float:
    if not -180.0 <= value <= 180.0:
        raise ValueError(f"{value} is not a longitude (expected -180..180)")
    return value


def _latitude(value: float) -> float:
    if not -90.0 <= value <= 90.0:
        raise ValueError(f"{value} is not a latitude (expected -90..90)")
    return value


def _opening_hours(value: str) -> str:
    try:
        parse_opening_hours(value)
    except OpeningHoursError as error:
        raise ValueError(str(error)) from None
    return value


def _positive(value: float) -> float:
    if not value > 0:
        raise ValueError(f"{value} must be greater than 0")
    return _finite(value)


def _non_negative(value: float) -> float:
    if not value >= 0:
        raise ValueError(f"{value} must not be negative")
    return _finite(value)


def _finite(value: float) -> float:
    if abs(value) > MAX_NUMBER or not math.isfinite(value):
        raise ValueError(f"{str(value)[:40]} is not a finite number up to {MAX_NUMBER:.0e}")
    return value


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _timezone(value: str) -> str:
    if value not in _time_zones():
        raise ValueError(f"{value[:60]!r} is not an IANA time zone name (like 'America/Bogota')")
    return value


@cache
def _countries() -> frozenset[str]:
    return frozenset(code for code in holidays.list_supported_countries() if len(code) == 2)


def _country(value: str) -> str:
    if value not in _countries():
        raise ValueError(
            f"{value[:60]!r} is not an ISO 3166 alpha-2 country code with known public holidays "
            "(like 'CO'; see `holidays.list_supported_countries()`)"
        )
    return value


def _shifts(value: str) -> str:
    rules = parse_rules(_opening_hours(value))
    if any(len(rule.windows) > 1 for rule in rules):
        raise ValueError(f"{value[:120]!r} has a day with several spans; a shift is one span a day")
    return value


Longitude = Annotated[float, AfterValidator(_longitude)]
Latitude = Annotated[float, AfterValidator(_latitude)]
OpeningHours = Annotated[str, AfterValidator(_opening_hours)]
Positive = Annotated[float, AfterValidator(_positive)]
NonNegative = Annotated[float, AfterValidator(_non_negative)]
PositiveInt = Annotated[int, AfterValidator(_positive)]
FIRST_YEAR, LAST_YEAR = 1900, 2199
"""Order times and plan dates lie in these years (pandas' nanosecond times end in 2262)."""


_Day = TypeVar("_Day", bound=date)


def _in_years(value: _Day) -> _Day:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value.isoformat()} is not in the years {FIRST_YEAR}-{LAST_YEAR}")
    return value


TimeZone = Annotated[str, AfterValidator(_timezone)]
Country = Annotated[str, AfterValidator(_country)]
Shifts = Annotated[str, AfterValidator(_shifts)]
Timestamp = Annotated[datetime, AfterValidator(_in_years)]
PlanDate = Annotated[date, AfterValidator(_in_years)]
Id = Annotated[str, Field(min_length=1, max_length=200)]
SAFE_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
"""Shop ids name files (`shops/<id>.json`): letters, digits, '.', '_', '-', at most 100, no
leading '.'. Other ids are free text, escaped wherever they are shown."""
MAX_HORIZON_DAYS = 28
"""Longest plan: four weeks, as far as a forecast from a weekly-seasonal history is trusted."""
MAX_LEAD_TIME_DAYS = 7
MAX_FORECAST_GAP_DAYS = 28
"""Days between the last order and the plan date that are forecast (not taken as zero): four
weekly seasons, as far as a forecast from a weekly-seasonal history is trusted; a longer gap is
refused."""


def _safe_id(value: str) -> str:
    if not SAFE_ID.fullmatch(value):
        raise ValueError(
            f"{value[:120]!r} is not a safe shop id (letters, digits, '.', '_' and '-', "
            "at most 100, not starting with '.')"
        )
    return value


ShopId = Annotated[str, AfterValidator(_safe_id)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Shop(_Model):
    """A shop that may become a pickup hub (`is_candidate`), with its shelf space and hours."""

    id: ShopId
    name: str = ""
    lon: Longitude
    lat: Latitude
    storage_liters: Positive
    max_pickups_per_day: PositiveInt
    opening_hours: OpeningHours = "Mo-Sa 08:00-20:00"
    handling_fee: NonNegative = 0.0
    is_candidate: bool = True
    synthetic: bool = False
    shop_type: str = ""


class Product(_Model):
    """A product held at hubs; either `target_service_level` or the under/over-stock costs rule."""

    id: Id
    name: str = ""
    volume_liters: Positive
    weight_kg: Positive
    unit_value: NonNegative = 0.0
    holding_cost: NonNegative = 0.0
    stockout_cost: NonNegative = 0.0
    target_service_level: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None


class Order(_Model):
    """One line of order history: who ordered what, when, and how they want it delivered."""

    id: Id
    timestamp: Timestamp
    customer_id: Id
    lon: Longitude
    lat: Latitude
    product_id: Id
    quantity: PositiveInt
    delivery_mode: Literal["pickup", "home"] = "pickup"


class Depot(_Model):
    """A depot where vans load and start."""

    id: Id
    name: str = ""
    lon: Longitude
    lat: Latitude


class VehicleType(_Model):
    """A group of identical vans based at one depot."""

    id: Id
    depot_id: Id
    count: PositiveInt
    capacity_liters: Positive
    capacity_kg: Positive
    shift_start: time = time(7, 0)
    shift_end: time = time(19, 0)
    max_duration_s: PositiveInt | None = None
    fixed_cost: NonNegative = 0.0
    cost_per_km: NonNegative = 0.0
    cost_per_hour: NonNegative = 0.0
    speed_factor: Positive = 1.0
    shifts: Shifts | None = Field(
        None,
        description="Working hours per weekday in opening_hours syntax, one span a day "
        "('Mo-Fr 07:00-19:00; Sa 08:00-14:00; PH off'): the vans do not work on closed days. "
        "Default: every day from shift_start to shift_end.",
    )

    @model_validator(mode="after")
    def _shift_order(self) -> "VehicleType":
        if self.shift_end <= self.shift_start:
            raise ValueError(
                f"shift_end: {self.shift_end.isoformat()} is not after "
                f"shift_start {self.shift_start.isoformat()}"
            )
        return self


MAX_EVENT_DAYS = 366
"""Longest declared event: a year (longer is a typing error, not a promotion)."""
MAX_EVENTS = 1_000
"""Most declared events in one scenario (each is matched against every series and day)."""
PaydayRule = Literal["quincena", "month_end"]
"""Named recurring payday rules `parameters.paydays` may switch on: the 15th and the last day of
each month, or the last day only (add a name here and its days in `forecast.calendar.RULES`)."""


def _products_list(value: object) -> object:
    """A `;`-separated cell (`p1;p2`) as a list of product ids; lists pass through."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


class CalendarEvent(_Model):
    """A declared promotion or one-off event: its days, name, expected demand multiplier (used
    where the history holds no earlier occurrence) and the products it affects (default: all)."""

    date: PlanDate
    name: Annotated[str, Field(min_length=1, max_length=200)]
    uplift: Positive | None = Field(
        None, description="Demand multiplier, e.g. 4 for four times the usual demand."
    )
    products: Annotated[
        Annotated[list[Id], Field(min_length=1, max_length=10_000)] | None,
        BeforeValidator(_products_list),
    ] = Field(None, description="Product ids ('p1;p2' in a CSV cell); default: all products.")
    end_date: PlanDate | None = Field(None, description="Last day of the event; default: date.")

    @model_validator(mode="after")
    def _end_after_start(self) -> "CalendarEvent":
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(
                f"end_date: {self.end_date.isoformat()} is before date {self.date.isoformat()}"
            )
        if self.end_date is not None and (self.end_date - self.date).days >= MAX_EVENT_DAYS:
            raise ValueError(
                f"end_date: {self.end_date.isoformat()} is {MAX_EVENT_DAYS} days or more after "
                f"date {self.date.isoformat()} (an event lasts at most {MAX_EVENT_DAYS} days)"
            )
        return self


class InventoryLine(_Model):
    """Units of one product on a shop's shelf at the start of the plan date (the owner's count)."""

    shop_id: Id
    product_id: Id
    units: Annotated[int, AfterValidator(_non_negative)]


class Parameters(_Model):
    """Planning parameters; every field has a default a planner can start from."""

    plan_date: PlanDate | None = Field(None, description="Default: the day after the last order.")
    horizon_days: Annotated[int, Field(ge=1, le=MAX_HORIZON_DAYS)] = Field(
        7, description="Days planned from plan_date, each with its routes and stock."
    )
    lead_time_days: Annotated[int, Field(ge=0, le=MAX_LEAD_TIME_DAYS)] = Field(
        0,
        description="Days from ordering stock to its delivery; 0: vans deliver from plan_date on.",
    )
    max_walk_m: Positive = 600.0
    service_level: Annotated[float, Field(gt=0.0, lt=1.0)] | None = Field(
        0.95, description="Target fill rate; null to use each product's newsvendor cost ratio."
    )
    n_hubs: PositiveInt | None = None
    hub_fixed_cost: NonNegative = 0.0
    home_delivery_cost: NonNegative | None = Field(
        None, description="Cost of one home delivery; default estimated from the depot distance."
    )
    walk_cost_per_km: NonNegative = 0.0
    demand_scale: Positive = Field(1.0, description="Multiplies forecast demand (growth what-ifs).")
    country: Country | None = Field(
        None,
        description="ISO 3166 alpha-2 code whose public holidays count: in the forecast, in "
        "shops' PH opening hours and van shifts. None: no public holidays.",
    )
    paydays: list[PaydayRule] = Field(
        default_factory=list,
        max_length=10,
        description="Payday rules whose effect the forecast learns: 'quincena' (the 15th and the "
        "last day of each month), 'month_end' (the last day).",
    )
    open_shops: list[str] = Field(default_factory=list, description="Shops that must be hubs.")
    closed_shops: list[str] = Field(
        default_factory=list, description="Shops that must not be hubs (for example declined)."
    )
    all_home_fallback: bool = Field(
        False,
        description="Serve everyone at home when that routes cheaper than the open_shops network "
        "(a city plan's districts: the city model's hubs are a proposal, not a must).",
    )
    hub_service_s: PositiveInt = 600
    home_service_s: PositiveInt = 120
    home_window: OpeningHours = "Mo-Su 08:00-20:00"
    max_snap_m: Positive = 500.0
    circuity_factor: Annotated[float, Field(ge=1.0, le=3.0)] = 1.3
    fallback_speed_kmh: Positive = 25.0
    forecast_zone: Literal["auto", "customer", "h3"] = "auto"
    h3_resolution: Annotated[int, Field(ge=5, le=12)] = 9
    location_time_limit_s: Positive = 20.0
    routing_time_limit_s: Positive = 10.0
    routing_engine: Literal["auto", "ortools", "pyvrp"] = "auto"
    max_trips_per_van: Annotated[int, Field(ge=1, le=10)] = Field(
        3, description="Trips a van may make in a day, reloading at its depot between them."
    )
    depot_reload_s: Annotated[int, Field(ge=0, le=14_400)] = Field(
        900, description="Seconds a van spends at its depot to reload between two trips."
    )
    visit_rule: Literal["irp", "below_safety_level", "daily_reload"] = Field(
        "below_safety_level",
        description="How each day's hub visits and quantities are chosen: irp (an inventory-"
        "routing schedule MIP over the remaining days), below_safety_level (a heuristic) or "
        "daily_reload (every hub refilled to its full level daily, leftovers taken back: the "
        "old policy, for comparison).",
    )
    seed: int = 0
    search_work: PositiveInt | None = Field(
        None,
        description="Deterministic work limit of the searches (see Budget.work): the same "
        "scenario, seed and search_work give the same plan on any machine; the time limits "
        "then only guard against runaway searches. None: searches stop on the clock, and the "
        "plan is not reproducible.",
    )

    @model_validator(mode="before")
    @classmethod
    def _replaced_fields(cls, data: object) -> object:
        """Refuse `cycle_days` (replaced by `horizon_days`) with a message saying what to use."""
        if isinstance(data, dict) and "cycle_days" in data:
            raise ValueError(
                f"cycle_days: {str(data['cycle_days'])[:40]} is no longer used: a plan covers "
                "horizon_days days (default 7) and hubs keep their stock from day to day; "
                "set horizon_days instead (horizon_days: 1 plans a single day)"
            )
        return data


class Scenario(_Model):
    """A whole planning problem: the data of one neighbourhood and how to plan it."""

    name: str
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")] = "EUR"
    timezone: TimeZone = Field(
        "UTC",
        description="IANA time zone of the orders: offsets are converted to it, naive times are "
        "taken in it, and timestamps are stored as naive local times.",
    )
    shops: list[Shop]
    products: list[Product]
    orders: list[Order]
    depots: list[Depot]
    vehicle_types: list[VehicleType]
    parameters: Parameters = Parameters()
    inventory: list[InventoryLine] = Field(
        default_factory=list, description="On-hand units at the start of plan_date; none: empty."
    )
    events: list[CalendarEvent] = Field(
        default_factory=list,
        max_length=MAX_EVENTS,
        description="Declared promotions and events (events.csv).",
    )
    streets_file: str | None = Field(
        None, description="OSM extract path, relative to the scenario file; none = straight lines."
    )

    @model_validator(mode="after")
    def _cross_references(self) -> "Scenario":
        zone = ZoneInfo(self.timezone)
        if any(order.timestamp.tzinfo is not None for order in self.orders):
            self.orders = [
                order.model_copy(update={"timestamp": local_time(order.timestamp, zone)})
                for order in self.orders
            ]
        problems: list[str] = []
        for field in ("shops", "products", "orders", "depots", "vehicle_types"):
            problems += _duplicate_ids(field, getattr(self, field))
        if not self.orders:
            problems.append("orders: the order history is empty")
        if not self.depots:
            problems.append("depots: at least one depot is needed")
        if not self.vehicle_types:
            problems.append("vehicle_types: at least one vehicle type is needed")
        if not any(shop.is_candidate for shop in self.shops):
            problems.append("shops: no shop is a candidate hub (is_candidate)")
        product_ids = {product.id for product in self.products}
        problems += [
            f"orders[{i}].product_id: {order.product_id!r} is not a product id"
            for i, order in enumerate(self.orders)
            if order.product_id not in product_ids
        ]
        depot_ids = {depot.id for depot in self.depots}
        problems += [
            f"vehicle_types[{i}].depot_id: {vehicle.depot_id!r} is not a depot id"
            for i, vehicle in enumerate(self.vehicle_types)
            if vehicle.depot_id not in depot_ids
        ]
        shop_ids = {shop.id for shop in self.shops}
        both = set(self.parameters.open_shops) & set(self.parameters.closed_shops)
        problems += [
            f"parameters.open_shops and closed_shops: {shop_id!r} is in both"
            for shop_id in sorted(both)
        ]
        for field in ("open_shops", "closed_shops"):
            problems += [
                f"parameters.{field}: {shop_id!r} is not a shop id"
                for shop_id in getattr(self.parameters, field)
                if shop_id not in shop_ids
            ]
        problems += _inventory_problems(self.inventory, shop_ids, product_ids)
        problems += [
            f"events[{i}].products: {product[:120]!r} is not a product id"
            for i, event in enumerate(self.events)
            for product in event.products or []
            if product not in product_ids
        ]
        problems += _gap_problems(self)
        problems += _far_from_depots(self)
        if problems:
            raise ValueError("; ".join(problems[:30]))
        return self

    @property
    def plan_date(self) -> date:
        """The operating day planned: the parameter, or the day after the last order."""
        if self.parameters.plan_date is not None:
            return self.parameters.plan_date
        return date.fromordinal(
            max(order.timestamp for order in self.orders).date().toordinal() + 1
        )


def _gap_problems(scenario: "Scenario") -> list[str]:
    """A plan date too far after the history for the forecast to cover the days between."""
    if not scenario.orders or scenario.parameters.plan_date is None:
        return []
    plan_date = scenario.parameters.plan_date
    before = [o.timestamp.date() for o in scenario.orders if o.timestamp.date() < plan_date]
    if not before:
        return [f"parameters.plan_date: {plan_date} is not after any order"]
    gap = (plan_date - max(before)).days - 1
    if gap <= MAX_FORECAST_GAP_DAYS:
        return []
    return [
        f"parameters.plan_date: {plan_date} is {gap} days after the day after the last order "
        f"({max(before)}); at most {MAX_FORECAST_GAP_DAYS} days between history and plan can be "
        "forecast honestly: add recent orders or move plan_date closer"
    ]


def _inventory_problems(
    inventory: list[InventoryLine], shop_ids: set[str], product_ids: set[str]
) -> list[str]:
    """Inventory rows naming an unknown shop or product, or a (shop, product) counted twice."""
    problems, seen = [], set()
    for i, line in enumerate(inventory):
        if line.shop_id not in shop_ids:
            problems.append(f"inventory[{i}].shop_id: {line.shop_id!r} is not a shop id")
        if line.product_id not in product_ids:
            problems.append(f"inventory[{i}].product_id: {line.product_id!r} is not a product id")
        if (line.shop_id, line.product_id) in seen:
            problems.append(
                f"inventory[{i}].product_id: {line.product_id!r} is counted twice at shop "
                f"{line.shop_id!r}"
            )
        seen.add((line.shop_id, line.product_id))
    return problems


MAX_CUSTOMER_SPREAD_M = 1_000.0
"""Orders of one customer farther apart than this are warned about: the plan keeps one position
per customer (their latest), so a customer who moved is better given a new `customer_id`."""
MAX_DEPOT_DISTANCE_M = 200_000.0
"""Shops and customers lie within this distance of a depot: farther points are typing errors
(swapped or sign-flipped coordinates), not a neighbourhood a van serves."""


def local_time(value: datetime, zone: ZoneInfo) -> datetime:
    """`value` as a naive time in `zone`: offsets converted, naive times taken as already local."""
    if value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two `[lon, lat]` points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def coordinate_hint(lon: float, lat: float, near: Callable[[float, float], bool]) -> str:
    """A hint when swapping lon/lat or flipping a sign puts a far point `near` (else "")."""
    fixes = (
        ("lon and lat look swapped", lat, lon),
        ("the sign of lon looks flipped", -lon, lat),
        ("the sign of lat looks flipped", lon, -lat),
        ("both signs look flipped", -lon, -lat),
    )
    for label, x, y in fixes:
        if -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0 and near(x, y):
            return f" ({label}: [{x:.6g}, {y:.6g}] would be close)"
    return ""


def _duplicate_ids(field: str, items: list[BaseModel]) -> list[str]:
    """One message per repeated id naming every row that holds it (`shops[0]`, `shops[5]`)."""
    first: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        key = item.id  # type: ignore[attr-defined]
        seen = first.setdefault(key, index)
        if seen != index:
            repeated.setdefault(key, [seen]).append(index)
    return [
        f"{field}[{found[0]}].id: {key[:120]!r} appears {len(found)} times (at "
        + ", ".join(f"{field}[{i}]" for i in found[:10])
        + (", ..." if len(found) > 10 else "")
        + ")"
        for key, found in repeated.items()
    ]


_MAX_WARNINGS = 20


def scenario_warnings(scenario: "Scenario") -> list[str]:
    """What a valid scenario plans, but probably not as meant: customers whose orders lie more
    than `MAX_CUSTOMER_SPREAD_M` from their first one (messages name rows as `orders[i]`)."""
    orders = scenario.orders
    first: dict[str, int] = {}
    warnings: list[str] = []
    reported: set[str] = set()
    for index, order in enumerate(orders):
        start = first.setdefault(order.customer_id, index)
        here, there = order, orders[start]
        if (here.lon, here.lat) == (there.lon, there.lat) or order.customer_id in reported:
            continue
        apart = distance_m(here.lon, here.lat, there.lon, there.lat)
        if apart > MAX_CUSTOMER_SPREAD_M:
            reported.add(order.customer_id)
            warnings.append(
                f"orders[{index}]: customer {order.customer_id[:120]!r} is {apart:,.0f} m from "
                f"their order at orders[{start}] (over {MAX_CUSTOMER_SPREAD_M:,.0f} m: the plan "
                "keeps their latest position only, give a customer who moved a new id)"
            )
    if len(warnings) > _MAX_WARNINGS:
        more = len(warnings) - _MAX_WARNINGS
        warnings = [*warnings[:_MAX_WARNINGS], f"orders: {more} more customers like these"]
    return warnings


def _far_from_depots(scenario: "Scenario") -> list[str]:
    """Shops and customers farther than `MAX_DEPOT_DISTANCE_M` from every depot, with hints."""
    depots = [(d.lon, d.lat) for d in scenario.depots]
    if not depots:
        return []

    def nearest_m(lon: float, lat: float) -> float:
        return min(distance_m(lon, lat, x, y) for x, y in depots)

    def near(lon: float, lat: float) -> bool:
        return nearest_m(lon, lat) <= MAX_DEPOT_DISTANCE_M

    seen: set[str] = set()
    points = [("shops", i, "shop", s.id, s.lon, s.lat) for i, s in enumerate(scenario.shops)]
    for i, order in enumerate(scenario.orders):
        if order.customer_id not in seen:
            seen.add(order.customer_id)
            points.append(("orders", i, "customer", order.customer_id, order.lon, order.lat))
    problems = []
    for field, index, kind, ident, lon, lat in points:
        away = nearest_m(lon, lat)
        if away > MAX_DEPOT_DISTANCE_M:
            problems.append(
                f"{field}[{index}]: {kind} {ident[:120]!r} at [{lon:.6g}, {lat:.6g}] is "
                f"{away / 1000:,.0f} km from the nearest depot (at most "
                f"{MAX_DEPOT_DISTANCE_M / 1000:,.0f} km){coordinate_hint(lon, lat, near)}"
            )
    return problems
