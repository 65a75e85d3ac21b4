"""The peak scenario's stock replayed against demand drawn with its declared event applied.

Usage: ``python benchmarks/peak.py [--work W] [--draws N] [--seed S]``. Plans
``scenarios/fontibon-peak`` under a deterministic work limit, then replays the plan's hub stock
(its opening stock and every day's deliveries, fixed) against N demand draws of the horizon made
with the generator's demand model (`pickup_net.synth.orders`, the customers of
``scenarios/build_fontibon.py`` rebuilt from its seed, each customer's `activity`), with every
declared event's uplift multiplying the order probability on its days and products. The draws'
seeds start at S, apart from the plan's seed. Writes ``results/peak.{csv,md}``.

Per draw: the realised fill rate (units picked up over units asked for at the hubs) on the peak
day and over the horizon, and the peak day's van litres (the draw's home parcels plus the plan's
hub deliveries) against the fleet's litres over its trips. Per plan: vans over capacity on any
trip and stops left out by the routing on any day (the deliveries are the plan's, the same in
every draw).
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from pickup_net.domain import Budget, Plan, Scenario
from pickup_net.io.osm_features import read_osm_features
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.planning import plan
from pickup_net.stock import stock_targets
from pickup_net.synth.catalogue import BASE_RATE_PER_CUSTOMER_DAY
from pickup_net.synth.customers import Household, place_customers
from pickup_net.synth.orders import WEEKDAY_FACTOR

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
SCENARIO = ROOT / "scenarios/fontibon-peak/scenario.yaml"
GROWTH_PER_YEAR = 0.05
"""The generator's default trend (`generate_orders`), which `build_fontibon.py` keeps."""
FULL = 0.9
"""A hub whose shelf holds this share of its storage on the peak day is storage-bound."""
DROPPED = re.compile(r"^\d{4}-\d\d-\d\d: (\d+) stops could not be routed")


def households(scenario: Scenario) -> tuple[list[Household], date]:
    """The bundled city's customers as its generator placed them (same streets, settings and
    seed), those of the scenario's orders; and the generator's first history day."""
    sys.path.insert(0, str(ROOT / "scenarios"))
    from build_fontibon import SETTINGS, STREETS

    rng = np.random.default_rng(SETTINGS.seed)
    features = read_osm_features(STREETS)
    placed = place_customers(
        features.residential_streets, SETTINGS.customers, rng, SETTINGS.bbox, SETTINGS.home_share
    )
    known = {order.customer_id for order in scenario.orders}
    start = SETTINGS.last_day - timedelta(days=SETTINGS.history_days - 1)
    return [h for h in placed if h.id in known], start


def draw(
    people: list[Household], scenario: Scenario, start: date, seed: int
) -> dict[tuple[int, str, str], int]:
    """(plan day, customer id, product id) -> units ordered, one seeded draw of the horizon."""
    rng = np.random.default_rng(seed)
    products = list(BASE_RATE_PER_CUSTOMER_DAY)
    rates = np.array([BASE_RATE_PER_CUSTOMER_DAY[p] for p in products])
    activity = np.array([h.activity for h in people])
    out: dict[tuple[int, str, str], int] = {}
    for t in range(scenario.parameters.horizon_days):
        day = scenario.plan_date + timedelta(t)
        factor = WEEKDAY_FACTOR[day.weekday()] * (1 + GROWTH_PER_YEAR) ** ((day - start).days / 365)
        uplift = np.ones(len(products))
        for event in scenario.events:
            if event.date <= day <= (event.end_date or event.date) and event.uplift:
                chosen = set(event.products or products)
                uplift *= np.array([event.uplift if p in chosen else 1.0 for p in products])
        chance = np.clip(np.outer(activity, rates * uplift) * factor, 0.0, 1.0)
        hits = np.argwhere(rng.random(chance.shape) < chance)
        units = 1 + rng.poisson(0.3, len(hits))
        for (c, k), n in zip(hits, units, strict=True):
            out[(t, people[c].id, products[k])] = int(n)
    return out


def replay(
    result: Plan, orders: dict[tuple[int, str, str], int]
) -> tuple[dict[tuple[int, str], float], dict[tuple[int, str], float]]:
    """(day, hub) -> units asked for and picked up there, the plan's stock carried over."""
    hub_of = {c.customer_id: c.hub_id for c in result.customers if c.mode == "pickup"}
    asked: dict[tuple[int, str, str], int] = defaultdict(int)
    for (t, customer, product), n in orders.items():
        if customer in hub_of:
            asked[(t, hub_of[customer], product)] += n
    shelf = {(s.shop_id, s.product_id): s.opening_units for s in result.days[0].stock}
    wanted: dict[tuple[int, str], float] = defaultdict(float)
    served: dict[tuple[int, str], float] = defaultdict(float)
    for t, day in enumerate(result.days):
        for s in day.stock:
            key = (s.shop_id, s.product_id)
            on_hand = shelf.get(key, 0.0) + s.delivered_units
            n = asked.get((t, *key), 0)
            picked = min(on_hand, n)
            shelf[key] = on_hand - picked
            wanted[(t, s.shop_id)] += n
            served[(t, s.shop_id)] += picked
    return wanted, served


def full_hubs(result: Plan, scenario: Scenario, day: int) -> set[str]:
    """Hubs whose shelf after that day's delivery holds at least `FULL` of their storage."""
    volume = {p.id: p.volume_liters for p in scenario.products}
    storage = {s.id: s.storage_liters for s in scenario.shops}
    held: dict[str, float] = defaultdict(float)
    for s in result.days[day].stock:
        held[s.shop_id] += (s.opening_units + s.delivered_units) * volume[s.product_id]
    return {hub for hub, liters in held.items() if liters >= FULL * storage[hub]}


def _rate(wanted: dict, served: dict, keep: Callable[[tuple[int, str]], bool]) -> float:
    """Units picked up over units asked for, over the (day, hub) keys kept."""
    asked = sum(n for key, n in wanted.items() if keep(key))
    return round(sum(n for key, n in served.items() if keep(key)) / asked, 4) if asked else 1.0


def peak_liters(
    result: Plan, scenario: Scenario, orders: dict[tuple[int, str, str], int], peak: int
) -> float:
    """The peak day's van litres: the draw's home parcels and the plan's hub deliveries."""
    volume = {p.id: p.volume_liters for p in scenario.products}
    home = {c.customer_id for c in result.customers if c.mode == "home"}
    homes = sum(n * volume[p] for (t, c, p), n in orders.items() if t == peak and c in home)
    return homes + sum(s.delivered_units * volume[s.product_id] for s in result.days[peak].stock)


def over_capacity(result: Plan, scenario: Scenario) -> int:
    """Van trips of any day whose load is above the van's litres or kilograms."""
    vans = {v.id: v for v in scenario.vehicle_types}
    count = 0
    for day in result.days:
        for route in day.routes:
            van = vans[route.vehicle_type_id]
            trips: dict[int, list[tuple[float, float]]] = defaultdict(list)
            for visit in route.visits:
                trips[visit.trip].append((visit.load_liters, visit.load_kg))
            count += sum(
                max(lt for lt, _ in loads) > van.capacity_liters + 1e-6
                or max(kg for _, kg in loads) > van.capacity_kg + 1e-6
                for loads in trips.values()
            )
    return count


def dropped_stops(result: Plan) -> int:
    """Stops the routing left out over the days (the first day's in `unassigned`, later days'
    in the warnings)."""
    first = sum(item.kind in ("replenish", "home") for item in result.unassigned)
    later = sum(int(m.group(1)) for w in result.warnings if (m := DROPPED.match(w)))
    return first + later


def main() -> None:
    """Plan, replay, print and write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=int, default=1250)
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args()
    inputs = load_inputs(SCENARIO, ROOT / ".cache/pickup-net")
    scenario = inputs.scenario
    result = plan(inputs, Budget(work=args.work))
    event = scenario.events[0]
    peak = (event.date - scenario.plan_date).days
    targets = stock_targets(scenario.products, scenario.parameters.service_level)
    target = min(t.level for t in targets.values())
    fleet = sum(v.count * v.capacity_liters for v in scenario.vehicle_types)
    fleet *= scenario.parameters.max_trips_per_van
    people, start = households(scenario)
    full = full_hubs(result, scenario, peak)
    rows = []
    for n in range(args.draws):
        orders = draw(people, scenario, start, args.seed + n)
        wanted, served = replay(result, orders)
        rows.append(
            {
                "draw": n,
                "seed": args.seed + n,
                "peak_units_asked": int(sum(v for (t, _), v in wanted.items() if t == peak)),
                "peak_fill_rate": _rate(wanted, served, lambda key: key[0] == peak),
                "peak_fill_full_hubs": _rate(
                    wanted, served, lambda key: key[0] == peak and key[1] in full
                ),
                "peak_fill_other_hubs": _rate(
                    wanted, served, lambda key: key[0] == peak and key[1] not in full
                ),
                "units_asked": int(sum(wanted.values())),
                "fill_rate": _rate(wanted, served, lambda key: True),
                "peak_van_liters": round(peak_liters(result, scenario, orders, peak), 1),
                "fleet_liters": fleet,
            }
        )
    over, dropped = over_capacity(result, scenario), dropped_stops(result)
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / "peak.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    text = report(rows, result, target, peak, (over, dropped, len(full)), commit, args)
    (RESULTS / "peak.md").write_text(text)
    print(text)


def report(
    rows: list[dict[str, object]],
    result: Plan,
    target: float,
    peak: int,
    counts: tuple[int, int, int],
    commit: str,
    args: argparse.Namespace,
) -> str:
    """The markdown table and its summary; `counts`: trips over capacity, stops left out and
    storage-bound hubs."""
    over, dropped, n_full = counts
    peak_fill = np.array([float(r["peak_fill_rate"]) for r in rows])  # type: ignore[arg-type]
    fill = np.array([float(r["fill_rate"]) for r in rows])  # type: ignore[arg-type]
    full = np.array([float(r["peak_fill_full_hubs"]) for r in rows])  # type: ignore[arg-type]
    other = np.array([float(r["peak_fill_other_hubs"]) for r in rows])  # type: ignore[arg-type]
    stock = result.stages["stock"].details
    closing = [sum(s.closing_units for s in day.stock) for day in result.days]
    lines = [
        "# Peak replay: scenarios/fontibon-peak",
        "",
        f"Code {commit}; plan with work {args.work} (deterministic), {len(result.hubs)} hubs, "
        f"rule `{result.stages['stock'].method}`; {args.draws} draws, seeds {args.seed}.."
        f"{args.seed + args.draws - 1} (the plan's seed is 0).",
        "",
        "Draw model: the generator's (`synth/orders.py`): each customer of "
        "`scenarios/build_fontibon.py` (rebuilt from its seed, with its activity) orders each "
        "product on a day with probability base rate x activity x weekday factor x trend, "
        "times the declared uplift on the event's days and products; an order holds "
        "1 + Poisson(0.3) units. Pickup customers ask at the plan's hub for them; the hub's "
        "shelf is the plan's opening stock plus its deliveries, carried over day by day.",
        "",
        f"Plan: expected fill rate {stock['expected_fill_rate']}, target {target}; hub stock "
        f"at closing per day {', '.join(f'{c:.0f}' for c in closing)} (peak day {peak + 1}); "
        f"van trips over capacity: {over}; stops left out by the routing: {dropped}.",
        "",
        f"Realised on the peak day: mean {peak_fill.mean():.4f}, min {peak_fill.min():.4f}, "
        f"max {peak_fill.max():.4f} (target within 3 points of {target}: "
        f"{'met' if abs(peak_fill.mean() - target) <= 0.03 else 'not met'}); over the "
        f"horizon: mean {fill.mean():.4f}, min {fill.min():.4f}. On the peak day the "
        f"{n_full} hubs whose shelf holds at least {FULL:.0%} of their storage reach "
        f"{full.mean():.4f} on average, the other {len(result.hubs) - n_full} hubs "
        f"{other.mean():.4f}.",
        "",
        "Peak van litres: the draw's home parcels plus the plan's hub deliveries on the peak "
        "day, against the fleet's litres over its trips (a capacity check, not a routing of "
        "the draw).",
        "",
        "| draw | seed | peak units asked | peak fill rate | storage-bound hubs | other hubs "
        "| units asked | fill rate | peak van litres | fleet litres |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['draw']} | {r['seed']} | {r['peak_units_asked']} | {r['peak_fill_rate']} "
        f"| {r['peak_fill_full_hubs']} | {r['peak_fill_other_hubs']} "
        f"| {r['units_asked']} | {r['fill_rate']} | {r['peak_van_liters']} "
        f"| {r['fleet_liters']} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
