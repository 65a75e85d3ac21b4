"""Plan a whole city: split it into districts, plan them in parallel on Dask, join the plans."""

import time
import uuid
from collections.abc import Callable
from pathlib import Path

from distributed import Client, get_worker

from pickup_net.domain import Budget, Plan, Scenario, StageStats
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.planning import plan
from pickup_net.planning.routed_location import MAX_ROUNDS
from pickup_net.scale.area_join import join_plans
from pickup_net.scale.areas import District, split_city
from pickup_net.scale.borders import better_round, border_round
from pickup_net.scale.city_hubs import fix_hubs
from pickup_net.scale.city_location import CityLocation, city_location
from pickup_net.scale.city_report import all_home_view, city_stage
from pickup_net.scale.executor import executor, fan_out

SPLIT_METHOD = (
    "k-means on customers and candidate shops; walking components kept whole unless too large; "
    "customers follow their nearest candidate shop within max_walk_m, then the hub the city's "
    "location model gives them; the fleet apportioned by orders (districts without a van merged "
    "into the nearest with one); every district routes the city model's hubs"
)


AreaProgress = Callable[[str | None, str, float], None]
"""Called as ``(district id, stage, fraction of its plan done)``, or ``(None, phase, fraction of
the city done)`` for the city's own phases (split, districts, join)."""


class DistrictError(RuntimeError):
    """A district could not be planned; the message names it and the error."""


def plan_city(
    scenario: Scenario,
    districts: int,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    cache_dir: Path | None = None,
    on_district: Callable[[str, int, int], None] | None = None,
    on_progress: AreaProgress | None = None,
    borders: bool = False,
) -> Plan:
    """Plan `scenario` as `districts` districts solved in parallel and joined into one `Plan`.

    Parameters
    ----------
    scenario
        The whole city.
    districts
        Number of districts to split into (1 plans the city in one piece on a worker).
    client
        An open Dask client (for example a sweep's); otherwise `scheduler` or a new LocalCluster
        of `workers` processes.
    cache_dir
        Street-graph cache shared by the workers (they must see the same path).
    on_district
        Called as ``on_district(district_id, done, total)`` when each district finishes.
    on_progress
        Progress of the city's phases and of every district's stages (`AreaProgress`), sent
        from the workers as Dask events and called in the client's event-loop thread.
    borders
        Also move border homes to the neighbouring district with nearer routes in the second
        round (`scale.borders`); idle vans always go to districts that left stops out.

    Raises
    ------
    DistrictError
        When a district's plan fails (naming the district).
    JoinError
        When the district plans do not serve every customer exactly once.
    """
    report = on_progress or (lambda *_: None)
    start = time.perf_counter()
    report(None, "split", 0.0)
    split = split_city(scenario, districts)
    split_s = time.perf_counter() - start
    with executor(client, scheduler, workers) as running:
        report(None, "city location model", 0.02)
        city = _city_model(running, scenario, split.districts, cache_dir)
        areas, moved = fix_hubs(scenario, split.districts, city.hubs, city.assignment)
        report(None, "districts", 0.05)
        topic = f"pickup-net-city-{uuid.uuid4().hex}" if on_progress else None
        if topic is not None:
            running.subscribe_topic(topic, lambda event: report(*event[1]))
        try:
            plans = _plan_districts(running, areas, cache_dir, on_district, topic)
            report(None, "second round", 0.9)
            districts, plans, second = _second_round(
                running, scenario, areas, plans, borders, cache_dir, topic
            )
        finally:
            if topic is not None:
                running.unsubscribe_topic(topic)
    report(None, "join", 0.95)
    wall_s = time.perf_counter() - start
    stats = StageStats(
        seconds=round(split_s, 3),
        method=SPLIT_METHOD,
        details={
            "wall_seconds": round(wall_s, 3),
            "walking": split.walking,
            "moved_to_hub_district": moved,
            "second_round": second,
            "districts": {
                d.id: {"centre": list(d.centre), "customers": len(d.customer_ids),
                       "shops": len(d.shop_ids), "orders": len(d.scenario.orders),
                       "vans": {v.id: v.count for v in d.scenario.vehicle_types},
                       "first_van": d.first_van,
                       "city_hubs": d.scenario.parameters.open_shops, **_area_figures(p)}
                for d, p in zip(districts, plans, strict=True)
            },
        },
    )  # fmt: skip
    joined = join_plans(scenario, districts, plans, stats)
    home = all_home_view(plans, scenario.currency)
    joined.stages["location"] = city_stage(city, joined.stages.get("location"), home)
    joined.warnings = [*([home["why"]] if home["why"] else []), *joined.warnings]
    report(None, "join", 1.0)
    return joined


def _city_model(
    client: Client, city: Scenario, districts: list[District], cache_dir: Path | None
) -> CityLocation:
    """The city's location model on `client`, with what one location round of each district
    would have had: `location_time_limit_s` per district side by side on the workers (a cap,
    also with a work limit, so that the city model cannot eat the plan's time) and a round's
    share of a district's search steps (a district plan shares them over `MAX_ROUNDS`)."""
    params = city.parameters
    steps = Budget().with_work(params.search_work).location_steps()
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    return city_location(
        client,
        city,
        districts,
        cache_dir,
        params.location_time_limit_s * max(1.0, len(districts) / workers),
        None if steps is None else max(1, steps // MAX_ROUNDS),
    )


def _area_figures(area_plan: Plan) -> dict[str, float | int | None]:
    """Cost and coverage of one district's plan, for the city's per-district table and map."""
    k = area_plan.kpis
    location = area_plan.stages.get("location")
    parcels = location.details.get("parcels") if location else None
    return {
        "hubs": k.hubs_opened, "pickup_share": k.pickup_share, "vans_used": k.vans_used,
        "km_driven": k.km_driven, "total_cost": k.total_cost, "unassigned": k.unassigned,
        "parcels": parcels,
        "cost_per_parcel": round(k.total_cost / parcels, 2) if parcels else None,
    }  # fmt: skip


def _second_round(
    client: Client,
    city: Scenario,
    districts: list[District],
    plans: list[Plan],
    borders: bool,
    cache_dir: Path | None,
    topic: str | None,
) -> tuple[list[District], list[Plan], dict]:
    """Plan the districts the border round changes again; keep the round only when better.

    Returns the districts and plans that stand, and what the round did.
    """
    second = border_round(city, districts, plans, borders)
    again = [d for d in second.districts if d.id in second.changed]
    replanned = dict(
        zip(second.changed, _plan_districts(client, again, cache_dir, None, topic), strict=True)
    )
    candidate = [replanned.get(d.id, p) for d, p in zip(districts, plans, strict=True)]
    kept = bool(again) and better_round(plans, candidate)
    details = {
        "changed": second.changed, "moved_customers": second.moved_customers,
        "moved_vans": second.moved_vans, "kept": kept,
        "total_cost_first": round(sum(p.kpis.total_cost for p in plans), 2),
        "total_cost_second": round(sum(p.kpis.total_cost for p in candidate), 2),
    }  # fmt: skip
    return (second.districts, candidate, details) if kept else (districts, plans, details)


def _plan_districts(
    client: Client,
    districts: list[District],
    cache_dir: Path | None,
    on_district: Callable[[str, int, int], None] | None,
    topic: str | None,
) -> list[Plan]:
    """Submit one plan task per district, largest first, and collect the plans in order."""
    cache = Path(cache_dir) if cache_dir is not None else None
    biggest_first = sorted(districts, key=lambda d: -len(d.scenario.orders))
    plans: dict[str, Plan] = {}
    for district, result, error in fan_out(client, _plan_area, biggest_first, cache, topic):
        if error is not None:
            raise DistrictError(f"district {district.id}: {error}")
        plans[district.id] = result
        if on_district is not None:
            on_district(district.id, len(plans), len(districts))
    return [plans[d.id] for d in districts]


def _plan_area(district: District, cache_dir: Path | None, topic: str | None) -> Plan:
    """One area's plan on a worker, its street network read there (from the shared cache);
    its stages are logged as events of `topic` when given."""
    if topic is None:
        return plan(load_inputs(district.scenario, cache_dir))
    worker = get_worker()

    def send(stage: str, fraction: float) -> None:
        worker.log_event(topic, (district.id, stage, fraction))

    send("inputs", 0.0)
    return plan(load_inputs(district.scenario, cache_dir), progress=send)
