"""Money over a plan's horizon, by DESIGN's one rule, for the plan and its baselines alike."""

from collections.abc import Mapping, Sequence

from pickup_net.domain import Costs, Day, Hub, Product


def horizon_costs(
    days: Sequence[Day],
    hubs: Sequence[Hub],
    products: Sequence[Product],
    hub_fixed_cost: float,
    short_units: Mapping[str, float],
) -> Costs:
    """Routing (every route of every day) + hub fees (per hub and day) + handling (per expected
    pickup) + holding (`holding_cost` per unit on each day's closing stock) + expected shortage
    (`stockout_cost` per unit of `short_units`, product id -> expected units short over the days).
    """
    product = {p.id: p for p in products}
    routing = sum(route.cost for day in days for route in day.routes)
    hub_fees = hub_fixed_cost * len(hubs) * len(days)
    handling = sum(hub.expected_pickups_per_day * hub.handling_fee for hub in hubs) * len(days)
    holding = sum(
        line.closing_units * product[line.product_id].holding_cost
        for day in days
        for line in day.stock
    )
    shortage = sum(units * product[p].stockout_cost for p, units in short_units.items())
    parts = [routing, hub_fees, handling, holding, shortage]
    return Costs(
        routing=round(routing, 2),
        hub_fees=round(hub_fees, 2),
        handling=round(handling, 2),
        holding=round(holding, 2),
        shortage=round(shortage, 2),
        total=round(sum(parts), 2),
    )
