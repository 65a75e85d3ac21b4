"""Route-cost estimates of hub visits: what adding a hub to a day's van routes costs, before that
day is routed (the schedule MIP's prices; the routing stage then routes the chosen visits).

A day's estimate is one tour from the depot through its home deliveries and every hub, grown by
cheapest insertion over the driving matrix priced at the cheapest van's per-km and per-hour
rates; a hub's price is its removal saving from that tour plus its service time. Hubs far from
the day's homes pay their detour; hubs next to them pay little.
"""

from collections.abc import Sequence

import numpy as np

from pickup_net.domain import Ref, Scenario, Shop
from pickup_net.inventory.tours import cheapest_insertion
from pickup_net.planning.van_routes import DriveMatrix, HomeDelivery

UNREACHABLE_FACTOR = 10.0
"""An unreachable pair is priced this many times the dearest reachable one (never `inf`)."""


def visit_prices(
    scenario: Scenario,
    hubs: Sequence[Shop],
    homes: Sequence[HomeDelivery],
    drive: DriveMatrix,
) -> np.ndarray:
    """Estimated routing money of visiting each hub (in `hubs` order) on a day with `homes`."""
    if not hubs:
        return np.zeros(0)
    params = scenario.parameters
    van = min(scenario.vehicle_types, key=lambda v: (v.cost_per_km, v.cost_per_hour, v.id))
    index = {ref: i for i, (ref, _, _) in enumerate(drive.places)}
    depot = index[Ref(kind="depot", id=van.depot_id)]
    hub_nodes = [index[Ref(kind="shop", id=s.id)] for s in hubs]
    home_nodes = [index[Ref(kind="customer", id=h.customer_id)] for h in homes]
    nodes = [depot, *hub_nodes, *home_nodes]
    rows = np.array(nodes)
    meters = drive.matrices.meters[np.ix_(rows, rows)]
    seconds = drive.matrices.seconds[np.ix_(rows, rows)] * van.speed_factor
    money = meters / 1000 * van.cost_per_km + seconds / 3600 * van.cost_per_hour
    finite = np.isfinite(money)
    money = np.where(finite, money, UNREACHABLE_FACTOR * (money[finite].max(initial=1.0) + 1.0))
    tour = cheapest_insertion(money, list(range(1, len(nodes))))
    path = [0, *tour, 0]
    saving = {
        stop: money[path[k], stop] + money[stop, path[k + 2]] - money[path[k], path[k + 2]]
        for k, stop in enumerate(tour)
    }
    service = params.hub_service_s / 3600 * van.cost_per_hour
    return np.array([saving[k] + service for k in range(1, len(hubs) + 1)])
