"""Split a city scenario into districts that can be planned independently.

Districts come from k-means on the metric positions of customers and candidate shops. Every shop
belongs to the district of its nearest centre. Every customer belongs to exactly one district:
the district of its nearest candidate shop when that shop is within `max_walk_m` in a straight
line (so border customers stay with the shops they can walk to), otherwise the district of its
nearest centre. Walking components (`scale.components`) no larger than `COMPONENT_CAP` times an
even district's share move whole into the district holding most of their points, so the split
cuts no walkable pair unless a component is too large to plan in one piece; the cut pairs are
counted. A district left without candidate shops hands its customers and shops to the nearest
district that has some.

The fleet is shared, not copied: each vehicle type (a type belongs to one depot) is apportioned
to the districts by their orders, at least zero each, so the districts together hold exactly the
fleet; a district left without any van hands its customers and shops to the nearest district
with vans. Each district plans with all depots, its vans and a share of `n_hubs`.
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyproj
from scipy.cluster.vq import kmeans2
from scipy.spatial import cKDTree

from pickup_net.domain import Order, Scenario
from pickup_net.network.projection import to_metric_xy, utm_epsg
from pickup_net.scale.components import Components, cut_pairs, walking_components

COMPONENT_CAP = 1.5
"""A walking component stays whole when it holds at most this many times an even district's
points; a larger one is split geographically (its cut pairs counted)."""


@dataclass(frozen=True)
class District:
    """One district: its own scenario and which of the city's customers and shops it holds."""

    id: str
    scenario: Scenario
    customer_ids: tuple[str, ...]
    shop_ids: tuple[str, ...]
    centre: tuple[float, float]
    first_van: dict[str, int]
    """Per vehicle type, how many vans of that type earlier districts hold: this district's
    ``van-k`` is the city's ``van-{first_van + k}``."""


@dataclass(frozen=True)
class Split:
    """The districts of a city and what was approximated to make them."""

    districts: list[District]
    warnings: list[str]
    walking: dict[str, int]
    """Walking components: how many, the largest (points), and walkable pairs the split cut."""


def split_city(scenario: Scenario, n_districts: int, seed: int | None = None) -> Split:
    """Split `scenario` into at most `n_districts` districts (fewer when some end up empty).

    Parameters
    ----------
    scenario
        The whole city.
    n_districts
        How many k-means centres to start from (>= 1).
    seed
        Seed of k-means; default the scenario's `parameters.seed`.

    Raises
    ------
    ValueError
        When `n_districts` is below 1.
    """
    if n_districts < 1:
        raise ValueError(f"n_districts: {n_districts} must be at least 1")
    customers = _customer_positions(scenario.orders)
    customer_ids = list(customers)
    customer_ll = np.array([customers[c] for c in customer_ids])
    shop_ll = np.array([[s.lon, s.lat] for s in scenario.shops])
    candidate = np.array([s.is_candidate for s in scenario.shops])
    epsg = utm_epsg(*customer_ll.mean(axis=0))
    customer_xy = to_metric_xy(customer_ll, epsg)
    shop_xy = to_metric_xy(shop_ll, epsg)
    points = np.vstack([customer_xy, shop_xy[candidate]])
    k = min(n_districts, len(points))
    rng = np.random.default_rng(scenario.parameters.seed if seed is None else seed)
    centres, _ = kmeans2(points, k, seed=rng, minit="++")
    shop_of = _nearest(centres, shop_xy)
    customer_of = _nearest(centres, customer_xy)
    candidate_xy = shop_xy[candidate]
    walk_m, nearest_shop = cKDTree(candidate_xy).query(customer_xy)
    near = walk_m <= scenario.parameters.max_walk_m
    customer_of[near] = shop_of[candidate][nearest_shop[near]]
    components = walking_components(customer_xy, candidate_xy, scenario.parameters.max_walk_m)
    cap = COMPONENT_CAP * len(points) / k
    customer_of, shop_of[candidate] = _keep_whole(components, customer_of, shop_of[candidate], cap)
    shop_of, customer_of = _merge_without_candidates(centres, shop_of, customer_of, candidate)
    orders = _orders_per_customer(scenario.orders, customer_ids)
    vans, shop_of, customer_of = _share_fleet(scenario, centres, orders, shop_of, customer_of)
    sizes = np.bincount(np.concatenate([components.customer_label, components.shop_label]))
    walking = {
        "components": components.count,
        "largest_component": int(sizes.max()) if len(sizes) else 0,
        "cut_pairs": cut_pairs(components, customer_of, shop_of[candidate]),
        "pairs": len(components.pairs),
    }
    districts = _build(scenario, centres, epsg, customer_ids, customer_of, shop_of, vans)
    return Split(districts, _bound_warnings(scenario, walking), walking)


def _bound_warnings(scenario: Scenario, walking: dict[str, int]) -> list[str]:
    """Why the summed district bounds may not bound the undivided city, when they may not."""
    warnings = []
    if walking["cut_pairs"]:
        warnings.append(
            f"the districts cut {walking['cut_pairs']} of {walking['pairs']} walkable "
            f"customer-shop pairs (largest walking component: {walking['largest_component']} "
            "points): the summed location bound is the split's, not the city's"
        )
    if scenario.parameters.n_hubs is not None:
        warnings.append(
            "n_hubs is shared out between districts by orders: the summed location bound is the "
            "split's, not the city's"
        )
    return warnings


def _customer_positions(orders: list[Order]) -> dict[str, tuple[float, float]]:
    """Each customer's position (its first order's), in first-seen order."""
    positions: dict[str, tuple[float, float]] = {}
    for order in orders:
        positions.setdefault(order.customer_id, (order.lon, order.lat))
    return positions


def _nearest(centres: np.ndarray, xy: np.ndarray) -> np.ndarray:
    return cKDTree(centres).query(xy)[1].astype(int)


def _orders_per_customer(orders: list[Order], customer_ids: list[str]) -> np.ndarray:
    index = {c: i for i, c in enumerate(customer_ids)}
    return np.bincount([index[o.customer_id] for o in orders], minlength=len(customer_ids))


def _keep_whole(
    components: Components, customer_of: np.ndarray, shop_of: np.ndarray, cap: float
) -> tuple[np.ndarray, np.ndarray]:
    """Move every component of at most `cap` points into the district holding most of them."""
    labels = np.concatenate([components.customer_label, components.shop_label])
    areas = np.concatenate([customer_of, shop_of])
    counts = np.zeros((components.count, int(areas.max()) + 1), dtype=int)
    np.add.at(counts, (labels, areas), 1)
    whole = counts.sum(axis=1) <= cap
    target = np.where(whole, counts.argmax(axis=1), -1)[labels]
    moved = np.where(target >= 0, target, areas)
    return moved[: len(customer_of)], moved[len(customer_of) :]


def _share_fleet(
    scenario: Scenario,
    centres: np.ndarray,
    orders: np.ndarray,
    shop_of: np.ndarray,
    customer_of: np.ndarray,
) -> tuple[dict[str, dict[int, int]], np.ndarray, np.ndarray]:
    """Apportion the fleet to the districts by orders (at least zero each); merge the smallest
    district without a van into the nearest district with one until none is left.

    Returns the vans per vehicle type and district, and the districts of shops and customers.
    """
    while True:
        used = np.union1d(customer_of, shop_of)
        demand = np.array([orders[customer_of == d].sum() for d in used], dtype=float)
        vans = _apportion_types(scenario, demand)
        total = np.sum(list(vans.values()), axis=0) if vans else np.zeros(len(used), dtype=int)
        if len(used) == 1 or total.sum() == 0 or total.min() > 0:
            keyed = {t: dict(zip(used.tolist(), parts, strict=True)) for t, parts in vans.items()}
            return keyed, shop_of, customer_of
        lacking = used[total == 0]
        smallest = lacking[np.argmin(demand[total == 0])]
        having = used[total > 0]
        target = having[_nearest(centres[having], centres[[smallest]])[0]]
        shop_of = np.where(shop_of == smallest, target, shop_of)
        customer_of = np.where(customer_of == smallest, target, customer_of)


def _apportion_types(scenario: Scenario, demand: np.ndarray) -> dict[str, list[int]]:
    """Vans of each type per district: type after type, each by what the districts still lack
    of their share of the whole fleet, so small types do not all land in the same district."""
    if demand.sum() == 0:
        demand = np.ones_like(demand)
    target = demand / demand.sum() * sum(v.count for v in scenario.vehicle_types)
    given = np.zeros(len(demand))
    vans = {}
    for vehicle in scenario.vehicle_types:
        lack = np.clip(target - given, 0.0, None)
        vans[vehicle.id] = apportion(vehicle.count, lack if lack.sum() > 0 else demand)
        given += vans[vehicle.id]
    return vans


def _merge_without_candidates(
    centres: np.ndarray, shop_of: np.ndarray, customer_of: np.ndarray, candidate: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Move everything of a district without candidate shops to the nearest district with some."""
    with_candidates = np.unique(shop_of[candidate])
    lacking = np.setdiff1d(np.arange(len(centres)), with_candidates)
    if len(lacking) == 0:
        return shop_of, customer_of
    target = with_candidates[_nearest(centres[with_candidates], centres[lacking])]
    remap = np.arange(len(centres))
    remap[lacking] = target
    return remap[shop_of], remap[customer_of]


def _build(
    scenario: Scenario,
    centres: np.ndarray,
    epsg: int,
    customer_ids: list[str],
    customer_of: np.ndarray,
    shop_of: np.ndarray,
    vans: dict[str, dict[int, int]],
) -> list[District]:
    """Make one sub-scenario per non-empty district, numbered D01.. in k-means order."""
    orders_of: dict[int, list[Order]] = defaultdict(list)
    district_of_customer = dict(zip(customer_ids, customer_of.tolist(), strict=True))
    for order in scenario.orders:
        orders_of[district_of_customer[order.customer_id]].append(order)
    used = sorted(orders_of)
    width = max(2, len(str(len(used))))
    names = {d: f"D{i + 1:0{width}d}" for i, d in enumerate(used)}
    total_orders = len(scenario.orders)
    shares = np.array([len(orders_of[d]) / total_orders for d in used])
    first_van = dict.fromkeys(vans, 0)
    n_hubs = scenario.parameters.n_hubs
    hubs = apportion(n_hubs, shares, minimum=1) if n_hubs is not None else None
    lonlat = _to_lonlat(centres, epsg)
    districts = []
    for position, d in enumerate(used):
        shops = [s for s, owner in zip(scenario.shops, shop_of, strict=True) if owner == d]
        shop_ids = {s.id for s in shops}
        params = scenario.parameters.model_copy(
            update={
                "n_hubs": None if hubs is None else hubs[position],
                "open_shops": [s for s in scenario.parameters.open_shops if s in shop_ids],
                "closed_shops": [s for s in scenario.parameters.closed_shops if s in shop_ids],
                "plan_date": scenario.plan_date,
            }
        )
        fleet = [
            v.model_copy(update={"count": vans[v.id][d]})
            for v in scenario.vehicle_types
            if vans[v.id][d] > 0
        ]
        sub = scenario.model_copy(  # valid by construction: every reference stays inside
            update={
                "name": f"{scenario.name} / {names[d]}",
                "shops": shops,
                "orders": orders_of[d],
                "vehicle_types": fleet,
                "parameters": params,
            }
        )
        districts.append(
            District(
                id=names[d],
                scenario=sub,
                customer_ids=tuple(dict.fromkeys(o.customer_id for o in orders_of[d])),
                shop_ids=tuple(s.id for s in shops),
                centre=(round(float(lonlat[d, 0]), 7), round(float(lonlat[d, 1]), 7)),
                first_van=dict(first_van),
            )
        )
        first_van = {t: n + vans[t][d] for t, n in first_van.items()}
    return districts


def apportion(total: int, shares: np.ndarray, minimum: int = 0) -> list[int]:
    """Split `total` by `shares` with largest remainders, each part at least `minimum`.

    The parts sum to `total` unless `minimum * len(shares)` exceeds it.
    """
    shares = np.asarray(shares, dtype=float)
    n = len(shares)
    spare = total - minimum * n
    if spare <= 0:
        return [minimum] * n
    exact = shares / shares.sum() * spare
    parts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - parts), kind="stable")
    parts[order[: spare - parts.sum()]] += 1
    return [int(p) + minimum for p in parts]


def _to_lonlat(xy: np.ndarray, epsg: int) -> np.ndarray:
    back = pyproj.Transformer.from_crs(epsg, 4326, always_xy=True)
    lon, lat = back.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])
