"""Join district plans into one city plan, checking that every customer is served exactly once."""

from collections import Counter
from collections.abc import Sequence

from pickup_net.domain import Costs, Day, Plan, Route, Scenario, StageStats
from pickup_net.planning.assemble import kpis
from pickup_net.scale.areas import District


class JoinError(RuntimeError):
    """District plans that do not add up to the city (a customer missing or served twice)."""


def join_plans(
    city: Scenario, districts: Sequence[District], plans: Sequence[Plan], split: StageStats
) -> Plan:
    """One `Plan` for `city` from the plans of its `districts` (same order).

    Districts share the fleet: a district's ``van-k`` is renamed to the city's van
    ``van-{first_van + k}``, so every van of the joined plan is one of the fleet's and appears
    at most once a day. Customers and hubs are listed district by district, in district order.
    Stage statistics add up the districts' seconds, objectives and bounds and list every
    district's figures in ``details["districts"]``; the summed bound bounds the undivided city
    only when the split cut no walkable pair (`plan_city` says which in ``bound_scope``). Days
    join by date and costs add up; baselines are not joined (each plan prices its own).

    Raises
    ------
    JoinError
        When a customer of the city appears in no district plan or in more than one.
    """
    customers = [c for p in plans for c in p.customers]
    _check_exactly_once(city, [c.customer_id for c in customers])
    first = plans[0]
    joined = {
        name: [item for p in plans for item in getattr(p, name)]
        for name in Plan.model_fields
        if isinstance(getattr(first, name), list)
    }  # every list field is the union of the districts' lists (hubs, stock, unassigned, ...)
    joined.update(
        first.model_dump(include={n for n in Plan.model_fields if n not in joined}),
    )
    joined["routes"] = [
        _city_van(route, district)
        for district, p in zip(districts, plans, strict=True)
        for route in p.routes
    ]
    joined["days"] = [
        Day(
            date=same_days[0].date,
            routes=[
                _city_van(route, district)
                for district, day in zip(districts, same_days, strict=True)
                for route in day.routes
            ],
            stock=[line for day in same_days for line in day.stock],
        )
        for same_days in zip(*(p.days for p in plans), strict=True)
    ]
    costs = Costs(
        **{field: round(sum(getattr(p.costs, field) for p in plans if p.costs), 2)
           for field in Costs.model_fields}
    )  # fmt: skip
    joined["baselines"] = []
    joined["warnings"] = list(dict.fromkeys(joined["warnings"]))
    joined.update(
        scenario=city.name,
        plan_date=city.plan_date,
        currency=city.currency,
        depots=city.depots,
        customers=customers,
        stages={"districts": split, **_joined_stages(districts, plans)},
        costs=costs,
    )
    parts = (joined[n] for n in ("hubs", "customers", "stock", "routes", "unassigned"))
    joined["kpis"] = kpis(costs, *parts)
    return Plan.model_validate(joined)


def _check_exactly_once(city: Scenario, served: list[str]) -> None:
    counts = Counter(served)
    expected = dict.fromkeys(o.customer_id for o in city.orders)
    missing = [c for c in expected if c not in counts]
    twice = [c for c, n in counts.items() if n > 1]
    unknown = [c for c in counts if c not in expected]
    if missing or twice or unknown:
        raise JoinError(
            f"district plans do not cover the city: missing {missing[:10]}, "
            f"served more than once {twice[:10]}, unknown {unknown[:10]}"
        )


def _city_van(route: Route, district: District) -> Route:
    """`route` with its district's van id replaced by the city's (``van-2`` -> ``van-7``)."""
    prefix = f"{route.vehicle_type_id}-"
    number = int(route.vehicle_id.removeprefix(prefix))
    first = district.first_van[route.vehicle_type_id]
    return route.model_copy(update={"vehicle_id": f"{prefix}{first + number}"})


def _joined_stages(districts: Sequence[District], plans: Sequence[Plan]) -> dict[str, StageStats]:
    """Per stage: summed seconds, objectives and bounds, and each district's own figures."""
    names = list(dict.fromkeys(name for p in plans for name in p.stages))
    joined = {}
    for name in names:
        parts = {d.id: p.stages[name] for d, p in zip(districts, plans, strict=True)
                 if name in p.stages}  # fmt: skip
        objectives = [s.objective for s in parts.values()]
        bounds = [s.lower_bound for s in parts.values()]
        objective = sum(objectives) if all(v is not None for v in objectives) else None
        bound = sum(bounds) if all(v is not None for v in bounds) else None
        gap = None
        if objective is not None and bound is not None and objective != 0:
            gap = round(max(objective - bound, 0.0) / abs(objective), 6)
        joined[name] = StageStats(
            seconds=round(sum(s.seconds for s in parts.values()), 3),
            method=", ".join(sorted({s.method for s in parts.values() if s.method})),
            objective=objective,
            lower_bound=bound,
            gap=gap,
            details={
                "districts": {d: s.model_dump(exclude={"details"}) for d, s in parts.items()},
                "seconds_is": "sum over districts (they run in parallel)",
            },
        )
    return joined
