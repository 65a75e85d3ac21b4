"""Plans made on an evening of the operation: the scenario as known then, with the shelves as the
shop owners counted them as opening stock.

This is the service's re-plan with stock reports (the counts replace the scenario's inventory,
`plan(inputs, budget)` does the rest), used by the rolling backtest on the eve of each week and,
with `--replan-every`, on the evenings inside it: the plan's first day is the next day, the days
already run are not part of it, and the week's hubs stay open.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta

from pickup_net.domain import Budget, Plan, Scenario
from pickup_net.domain.scenario import InventoryLine
from pickup_net.network import StreetNetwork
from pickup_net.planning.inputs import plan_inputs
from pickup_net.planning.plan import plan

Shelves = Mapping[tuple[str, str], float]
"""(shop id, product id) -> units on the shelf (the owners' counts)."""


def eve_scenario(
    scenario: Scenario,
    first_day: date,
    days: int,
    policy: str,
    counts: Shelves,
    hubs: Sequence[str] = (),
) -> Scenario:
    """`scenario` as known on the eve of `first_day`: the orders before it and that day's
    bookings, a horizon of `days` days from it, the visit rule `policy`, the counted shelves as
    opening inventory (whole units), and `hubs` (when given) forced open and no others."""
    cutoff = datetime.combine(first_day + timedelta(days=1), time())
    known = [o for o in scenario.orders if o.timestamp.replace(tzinfo=None) < cutoff]
    update: dict[str, object] = {
        "plan_date": first_day,
        "horizon_days": days,
        "visit_rule": policy,
    }
    if hubs:
        update |= {"open_shops": list(hubs), "n_hubs": len(hubs)}
    params = scenario.parameters.model_copy(update=update)
    inventory = [
        InventoryLine(shop_id=shop, product_id=product, units=int(units))
        for (shop, product), units in sorted(counts.items())
        if units >= 1
    ]
    return Scenario.model_validate(
        {**scenario.model_dump(), "orders": known, "parameters": params, "inventory": inventory}
    )


def plan_on_counts(
    scenario: Scenario,
    network: StreetNetwork | None,
    budget: Budget,
    first_day: date,
    days: int,
    policy: str,
    counts: Shelves,
    hubs: Sequence[str] = (),
) -> Plan:
    """The plan of `days` days from `first_day`, made on its eve from the counted shelves (see
    `eve_scenario`)."""
    known = eve_scenario(scenario, first_day, days, policy, counts, hubs)
    return plan(plan_inputs(known, network), budget)
