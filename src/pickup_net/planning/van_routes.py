"""Build the day's routing problem (hub replenishment and home deliveries) and solve it."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Literal

import numpy as np
import pandas as pd

from pickup_net.domain import Budget, Ref, Scenario, Shop, StockLine, VehicleType
from pickup_net.domain.opening_hours import windows_on
from pickup_net.location import LocationResult
from pickup_net.network import Matrices
from pickup_net.planning.history import Customer
from pickup_net.planning.travel import Place
from pickup_net.routing import RoutingProblem, RoutingResult, Stop, TimeWindow, Vehicle
from pickup_net.routing import solve_routing as solve

REPLENISH_PRIORITY = 1
"""Routing tier of a hub replenishment ("normal"): a hub's stock serves many customers."""
HOME_PRIORITY = 2
"""Routing tier of one home delivery ("flexible"): dropped before a hub when vans run short."""

StopKind = Literal["replenish", "home"]


@dataclass(frozen=True)
class HomeDelivery:
    """One customer's parcels for the plan date, delivered in one stop."""

    customer_id: str
    lon: float
    lat: float
    liters: float
    kg: float


@dataclass(frozen=True)
class DriveMatrix:
    """Driving matrices over depots, routed hubs and home customers, in the order of `places`."""

    places: list[Place]
    matrices: Matrices

    def subset(self, keep: Collection[Ref]) -> "DriveMatrix":
        """The matrix between the depots and the places in `keep`, in this matrix's order
        (shortest paths do not depend on which other places a matrix holds)."""
        index = [
            i for i, (ref, _, _) in enumerate(self.places) if ref.kind == "depot" or ref in keep
        ]
        ids = [self.matrices.ids[i] for i in index]
        kept = set(ids)
        rows = np.array(index, dtype=np.int64)
        sub = Matrices(
            ids=ids,
            target_ids=ids,
            seconds=self.matrices.seconds[np.ix_(rows, rows)],
            meters=self.matrices.meters[np.ix_(rows, rows)],
            unreachable=[(a, b) for a, b in self.matrices.unreachable if a in kept and b in kept],
            snap_offset_m={k: v for k, v in self.matrices.snap_offset_m.items() if k in kept},
            warnings=list(self.matrices.warnings),
        )
        return DriveMatrix([self.places[i] for i in index], sub)


@dataclass
class RoutingInput:
    """The routing problem with what each of its locations and stops stands for."""

    problem: RoutingProblem
    places: list[Place]
    stop_of: dict[str, tuple[StopKind, Ref]]
    depot_of_vehicle: dict[str, str]
    type_of_vehicle: dict[str, str]


def build_routing(
    scenario: Scenario,
    hubs: Sequence[Shop],
    stock: Sequence[StockLine],
    homes: Sequence[HomeDelivery],
    drive: DriveMatrix,
) -> RoutingInput:
    """Vehicles of the fleet working on the plan date (their shift that day), one replenishment
    stop per stocked hub open that day (its hours, public holidays included: a closed hub gets no
    stop, as no window would mean any time), one stop per home."""
    params = scenario.parameters
    country = params.country
    products = {p.id: p for p in scenario.products}
    index = {ref: i for i, (ref, _, _) in enumerate(drive.places)}
    day = scenario.plan_date
    vehicles, depot_of, type_of = [], {}, {}
    for vtype in scenario.vehicle_types:
        shift = shift_on(vtype, day, country)
        if shift is None:
            continue
        depot = index[Ref(kind="depot", id=vtype.depot_id)]
        for k in range(vtype.count):
            vid = f"{vtype.id}-{k + 1}"
            depot_of[vid], type_of[vid] = vtype.depot_id, vtype.id
            vehicles.append(
                Vehicle(
                    id=vid,
                    type_id=vtype.id,
                    start_location=depot,
                    end_location=depot,
                    capacity_liters=vtype.capacity_liters,
                    capacity_kg=vtype.capacity_kg,
                    fixed_cost=vtype.fixed_cost,
                    cost_per_km=vtype.cost_per_km,
                    cost_per_hour=vtype.cost_per_hour,
                    speed_factor=vtype.speed_factor,
                    shift_start_s=shift[0],
                    shift_end_s=shift[1],
                    max_duration_s=vtype.max_duration_s,
                    max_trips=params.max_trips_per_van,
                    reload_s=params.depot_reload_s,
                )
            )
    stops, stop_of = [], {}
    for hub in hubs:
        hours = windows_on(hub.opening_hours, day, country)
        lines = [line for line in stock if line.hub_id == hub.id and line.units > 0]
        if not lines or not hours:
            continue
        ref = Ref(kind="shop", id=hub.id)
        stop_of[str(ref)] = ("replenish", ref)
        stops.append(
            Stop(
                id=str(ref),
                kind="replenish",
                location=index[ref],
                liters=sum(line.units * products[line.product_id].volume_liters for line in lines),
                kg=sum(line.units * products[line.product_id].weight_kg for line in lines),
                service_s=params.hub_service_s,
                windows=tuple(TimeWindow(a, b) for a, b in hours),
                priority=REPLENISH_PRIORITY,
            )
        )
    home_windows = tuple(TimeWindow(a, b) for a, b in windows_on(params.home_window, day, country))
    for home in homes:
        ref = Ref(kind="customer", id=home.customer_id)
        stop_of[str(ref)] = ("home", ref)
        stops.append(
            Stop(
                id=str(ref),
                kind="home",
                location=index[ref],
                liters=home.liters,
                kg=home.kg,
                service_s=params.home_service_s,
                windows=home_windows,
                priority=HOME_PRIORITY,
            )
        )
    problem = RoutingProblem(
        location_ids=[str(ref) for ref, _, _ in drive.places],
        seconds=drive.matrices.seconds,
        meters=drive.matrices.meters,
        vehicles=vehicles,
        stops=stops,
    )
    return RoutingInput(problem, list(drive.places), stop_of, depot_of, type_of)


def solve_routes(
    scenario: Scenario, routing: RoutingInput, time_limit_s: float, budget: Budget
) -> RoutingResult:
    """Solve with the scenario's engine and seed, within `time_limit_s` and budget's processes
    (and its work, shared evenly by the horizon's days)."""
    params = scenario.parameters
    return solve(
        routing.problem,
        time_limit_s=time_limit_s,
        seed=params.seed,
        engine=params.routing_engine,
        processes=budget.processes,
        start_method=budget.start_method,
        work=budget.routing_steps(params.horizon_days),
    )


def shift_on(vtype: VehicleType, day: date, country: str | None) -> tuple[int, int] | None:
    """The shift of `vtype`'s vans on `day` in seconds since midnight, or None on a closed day
    (its `shifts` with `PH` rules on `country`'s public holidays; default every day from
    shift_start to shift_end)."""
    if vtype.shifts is None:
        return _seconds(vtype.shift_start), _seconds(vtype.shift_end)
    windows = windows_on(vtype.shifts, day, country)
    return windows[0] if windows else None


def vans_work(scenario: Scenario, day: date) -> bool:
    """Whether any van of the fleet works on `day`."""
    country = scenario.parameters.country
    return any(shift_on(v, day, country) is not None for v in scenario.vehicle_types)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def home_deliveries(
    scenario: Scenario,
    day_orders: pd.DataFrame,
    people: Sequence[Customer],
    location: LocationResult,
) -> list[HomeDelivery]:
    """The day's orders of customers served at home, one delivery per customer."""
    if day_orders.empty:
        return []
    at_home = {c.id for c in people if c.prefers_home or location.assignment.get(c.id) is None}
    products = {p.id: p for p in scenario.products}
    position = {c.id: c for c in people}
    booked = day_orders[day_orders["customer_id"].isin(at_home)]
    volume = booked["product_id"].map({p: x.volume_liters for p, x in products.items()})
    weight = booked["product_id"].map({p: x.weight_kg for p, x in products.items()})
    booked = booked.assign(liters=booked["quantity"] * volume, kg=booked["quantity"] * weight)
    totals = booked.groupby("customer_id", sort=True)[["liters", "kg"]].sum()
    return [
        HomeDelivery(
            customer_id=str(cid),
            lon=position[cid].lon,
            lat=position[cid].lat,
            liters=float(row.liters),
            kg=float(row.kg),
        )
        for cid, row in totals.iterrows()
    ]
