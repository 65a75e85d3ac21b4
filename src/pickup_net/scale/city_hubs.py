"""Give every district the city model's hubs: its customers follow their hub's district, and each
district's candidate shops are forced open (the city's hubs) or closed (the rest), so a district
plan routes and stocks the city's network instead of choosing its own; it serves everyone at
home instead when its all-home baseline routes cheaper (`all_home_fallback`), unless the planner
fixed hubs."""

from collections.abc import Mapping, Sequence
from dataclasses import replace

from pickup_net.domain import Scenario
from pickup_net.scale.areas import District


def fix_hubs(
    city: Scenario,
    districts: Sequence[District],
    hubs: Sequence[str],
    assignment: Mapping[str, str | None],
) -> tuple[list[District], int]:
    """The districts with the city's `hubs` fixed, and how many customers moved district.

    A customer the city model serves at a hub of another district moves there with its orders
    (walks cross district borders); every other customer stays. Vans stay where the split put them.
    A district may serve everyone at home instead unless the planner fixed hubs (`n_hubs`,
    `open_shops`).
    """
    district_of_shop = {s: d.id for d in districts for s in d.shop_ids}
    area_of = {c: d.id for d in districts for c in d.customer_ids}
    moved = 0
    for customer, hub in assignment.items():
        target = district_of_shop.get(hub) if hub is not None else None
        if target is not None and area_of.get(customer, target) != target:
            area_of[customer] = target
            moved += 1
    opened = set(hubs)
    free = city.parameters.n_hubs is None and not city.parameters.open_shops
    fixed = []
    for district in districts:
        candidates = [s.id for s in district.scenario.shops if s.is_candidate]
        orders = [o for o in city.orders if area_of[o.customer_id] == district.id]
        params = district.scenario.parameters.model_copy(
            update={
                "n_hubs": None,
                "all_home_fallback": free,
                "open_shops": [s for s in candidates if s in opened],
                "closed_shops": [s for s in candidates if s not in opened],
            }
        )
        scenario = district.scenario.model_copy(update={"orders": orders, "parameters": params})
        customers = tuple(dict.fromkeys(o.customer_id for o in orders))
        fixed.append(replace(district, scenario=scenario, customer_ids=customers))
    return [d for d in fixed if d.customer_ids], moved
