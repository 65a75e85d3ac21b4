"""Economics benchmark: does the pickup network pay, and does the plan know it?

Usage::

    python benchmarks/economics.py                        # every row below
    python benchmarks/economics.py --scales 0.5 1 --routing-limit 10

Rows: the bundled Fontibón scenario as shipped (home deliveries priced by routing), and
scenarios generated on the same streets by `synth.city.generate_city` with the bundled settings
(`scenarios/build_fontibon.py`) at 0.5x, 1x, 3x and 10x its customers (so its daily orders; vans
scaled alike, at least one), home deliveries priced by routing. Each at two fee levels: the
bundled fees and a tenth of them, where "fees" are both what a shop is paid, the hub fee per
hub-day (`hub_fixed_cost`) and the handling fee per pickup (every shop's `handling_fee`); a tenth
is the operator's cheap-shop case. The high-density rows (>= 3x) also run at a tenth of the fees
with walking not priced (`walk_cost_per_km` 0): the location model then weighs exactly what the
routed total counts, so that row shows whether the method finds hubs where only the customers'
walk stood in the way.

Each row is one full `plan` over the scenario's horizon (7 days), stopped by a work limit
(`--work`, reproducible unless a safety net is hit, which the row says), and reports the chosen
plan's routed total, the location-routing method's own result, both baselines, cost per parcel,
hubs, the fleet (vans available, most used on a day, most trips of a van, stops left out), the
rounds' hub counts, the model's median prices (routed home delivery, pickup, a hub's visits and
stock per day), its break-even fee and whether it agrees with the plan, and seconds. On the
rows of `--check-scales` (default 3x) the break-even fee is also checked against one more full
plan (`check_*`): at half the predicted break-even fee (the model says one hub pays), or at no
fee at all when the model says no fee makes a hub pay; the check agrees when the plan's verdict
(some hub network, the method's or greedy, routes below all-home) matches the model's.

Writes ``benchmarks/results/economics.md`` and ``.csv``; each row is cached in
``benchmarks/results/economics_cache/<commit>-work<W>-limit<S>/`` so a long table can be
resumed. Timed rows need
a quiet machine; the table says how busy it was (load average).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scenarios"))

from build_fontibon import PARAMETERS, SETTINGS, STREETS  # noqa: E402

from pickup_net.domain import Budget, Plan  # noqa: E402
from pickup_net.domain.budget import usable_cores  # noqa: E402
from pickup_net.io.osm_features import read_osm_features  # noqa: E402
from pickup_net.io.osm_loader import load_street_network  # noqa: E402
from pickup_net.io.plan_inputs import load_inputs  # noqa: E402
from pickup_net.planning import PlanInputs, plan, plan_inputs  # noqa: E402
from pickup_net.synth.city import generate_city  # noqa: E402
from pickup_net.synth.street_filter import keep_customers_near_streets  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
BUNDLED = ROOT / "scenarios" / "fontibon" / "scenario.yaml"
SCALES = (0.5, 1.0, 3.0, 10.0)
FEE_FACTORS = (1.0, 0.1)
"""What each row pays the shops: the hub fee and every shop's handling fee times this."""
HIGH_DENSITY = 3.0
"""Rows at or above this scale must show the method >= 5% below all-home."""
CHECK_SCALES = (3.0,)
"""Scales whose rows also plan at the predicted break-even fee (10x rows take too long here)."""
COLUMNS = (
    "scenario", "scale", "fees", "hub_fee", "handling_fee", "walk_cost_per_km", "parcels",
    "chosen", "chosen_total", "chosen_per_parcel", "method_total", "method_hubs",
    "method_vs_all_home_pct", "all_home_total", "all_home_per_parcel", "greedy_total",
    "greedy_hubs", "greedy_vs_all_home_pct", "hubs", "fleet", "vans", "max_vans", "max_trips",
    "unassigned", "rounds", "round_hubs", "home_price", "pickup_price", "hub_day_cost",
    "break_even_fee", "break_even_scale", "model_agrees", "check_fee", "check_hubs",
    "check_vs_all_home_pct", "check_agrees", "violation", "reproducible", "seconds",
)  # fmt: skip


def main() -> None:
    """Run the rows not cached yet for this commit and write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="*", default=list(SCALES))
    parser.add_argument("--routing-limit", type=float, default=PARAMETERS.routing_time_limit_s)
    parser.add_argument(
        "--work", type=int, default=PARAMETERS.search_work, help="Search work per plan."
    )
    parser.add_argument("--no-bundled", action="store_true", help="Skip the bundled rows.")
    parser.add_argument(
        "--check-scales", type=float, nargs="*", default=list(CHECK_SCALES),
        help="Scales whose rows are checked by one more full plan (none: no checks).",
    )  # fmt: skip
    parser.add_argument(
        "--cached-only", action="store_true", help="Write the tables from cached rows only."
    )
    args = parser.parse_args()
    commit = _commit()
    cache = RESULTS / "economics_cache" / f"{commit}-work{args.work}-limit{args.routing_limit:g}"
    cache.mkdir(parents=True, exist_ok=True)
    rows = []
    if not args.no_bundled:
        inputs = load_inputs(BUNDLED, ROOT / ".cache" / "pickup-net")
        for fees in FEE_FACTORS:
            key = f"bundled-fees{fees:g}"
            run = lambda f=fees: _row("bundled", 1.0, _priced(inputs, f, None, args))  # noqa: E731
            rows.append(_cached(cache, key, run, args.cached_only))
    network = load_street_network(STREETS, ROOT / ".cache" / "pickup-net")
    features = read_osm_features(STREETS)
    for scale in args.scales:
        generated = _generated(scale, network, features)
        variants = [(fees, None) for fees in FEE_FACTORS]
        if scale >= HIGH_DENSITY:
            variants.append((min(FEE_FACTORS), 0.0))
        for fees, walk in variants:
            key = f"generated-x{scale:g}-fees{fees:g}" + ("" if walk is None else f"-walk{walk:g}")
            inputs = _priced(generated, fees, walk, args)
            check = scale in args.check_scales
            run = lambda i=inputs, s=scale, c=check: _row("generated", s, i, c)  # noqa: E731
            rows.append(_cached(cache, key, run, args.cached_only))
    _write([row for row in rows if row is not None], commit, args)


def _generated(scale: float, network, features) -> PlanInputs:
    """A scenario generated on the bundled streets at `scale` x its customers and vans."""
    settings = replace(
        SETTINGS,
        customers=max(1, round(SETTINGS.customers * scale)),
        vans=max(1, math.ceil(SETTINGS.vans * scale)),
    )
    params = PARAMETERS.model_copy(update={"home_delivery_cost": None})
    scenario = generate_city(features, STREETS, settings, params)
    scenario = keep_customers_near_streets(scenario, network)
    return plan_inputs(scenario, network)


def _priced(inputs: PlanInputs, fees: float, walk: float | None, args) -> PlanInputs:
    """`inputs` with the hub fee and every shop's handling fee times `fees`, the walk priced at
    `walk` per km (None: as given), and the benchmark's routing limit and work."""
    scenario = inputs.scenario
    update = {
        "hub_fixed_cost": scenario.parameters.hub_fixed_cost * fees,
        "routing_time_limit_s": args.routing_limit,
        "search_work": args.work,
    }
    if walk is not None:
        update["walk_cost_per_km"] = walk
    shops = [s.model_copy(update={"handling_fee": s.handling_fee * fees}) for s in scenario.shops]
    params = scenario.parameters.model_copy(update=update)
    scenario = scenario.model_copy(update={"parameters": params, "shops": shops})
    return plan_inputs(scenario, inputs.network)


def _row(name: str, scale: float, inputs: PlanInputs, check: bool = False) -> dict:
    """Plan once and read the row off the plan; with `check`, plan again at the fee where the
    model's break-even view predicts the opposite of today or at no fee, and compare."""
    start = time.perf_counter()
    result = _plan(inputs)
    seconds = time.perf_counter() - start
    details = result.stages["location"].details
    base = {b.name: b for b in result.baselines}
    method = details["method_result"]
    home, greedy = base["all_home"], base["greedy"]
    parcels = details.get("parcels") or 0.0
    pays_at = details["break_even"]
    params = inputs.parameters
    fee = params.hub_fixed_cost
    cheapest = min(home.total_cost, greedy.total_cost)
    predicted = pays_at["hub_fee_per_day"] is not None and fee < pays_at["hub_fee_per_day"]
    candidates = [s for s in inputs.scenario.shops if s.is_candidate]
    row = {
        "scenario": name,
        "scale": scale,
        "fees": f"x{fee / PARAMETERS.hub_fixed_cost:g}",
        "hub_fee": fee,
        "handling_fee": round(sum(s.handling_fee for s in candidates) / len(candidates), 1),
        "walk_cost_per_km": params.walk_cost_per_km,
        "parcels": parcels,
        "chosen": details["chosen"],
        "chosen_total": result.kpis.total_cost,
        "chosen_per_parcel": round(result.kpis.total_cost / parcels, 1) if parcels else None,
        "method_total": method["total_cost"],
        "method_hubs": method["hubs_opened"],
        "method_vs_all_home_pct": _pct(method["total_cost"], home.total_cost),
        "all_home_total": home.total_cost,
        "all_home_per_parcel": home.cost_per_parcel,
        "greedy_total": greedy.total_cost,
        "greedy_hubs": greedy.hubs_opened,
        "greedy_vs_all_home_pct": _pct(greedy.total_cost, home.total_cost),
        "hubs": result.kpis.hubs_opened,
        "fleet": sum(v.count for v in inputs.scenario.vehicle_types),
        "vans": result.kpis.vans_used,
        "max_vans": max(sum(1 for r in day.routes if r.visits) for day in result.days),
        "max_trips": max(
            (v.trip for day in result.days for r in day.routes for v in r.visits), default=0
        ),
        "unassigned": result.kpis.unassigned + sum(r["dropped_stops"] for r in details["rounds"]),
        "rounds": len(details["rounds"]),
        "round_hubs": ">".join(str(r["hubs_opened"]) for r in details["rounds"]),
        "home_price": pays_at.get("home_price_per_delivery"),
        "pickup_price": pays_at.get("pickup_price"),
        "hub_day_cost": pays_at.get("hub_visits_and_stock_per_day"),
        "break_even_fee": pays_at["hub_fee_per_day"],
        "break_even_scale": pays_at["demand_scale"],
        "model_agrees": predicted == (method["hubs_opened"] > 0),
        "violation": result.kpis.total_cost > cheapest + 0.01,
        "reproducible": _reproducible(result),
        "seconds": round(seconds, 1),
    }
    if check and pays_at["hub_fee_per_day"] is not None:
        row.update(_check(inputs, pays_at["hub_fee_per_day"]))
    return row


def _check(inputs: PlanInputs, break_even_fee: float) -> dict:
    """One more full plan at half the break-even fee (the model: one hub pays), or at no fee when
    the model says no fee makes a hub pay; whether the plan's verdict matches the model's."""
    fee = break_even_fee / 2
    params = inputs.parameters.model_copy(update={"hub_fixed_cost": fee})
    result = _plan(plan_inputs(inputs.scenario.model_copy(update={"parameters": params}),
                               inputs.network))  # fmt: skip
    details = result.stages["location"].details
    base = {b.name: b for b in result.baselines}
    method = details["method_result"]
    home = base["all_home"].total_cost
    networks = [method["total_cost"]] if method["hubs_opened"] else []
    if base["greedy"].hubs_opened:
        networks.append(base["greedy"].total_cost)
    pays = bool(networks) and min(networks) < home
    return {
        "check_fee": round(fee, 1),
        "check_hubs": method["hubs_opened"],
        "check_vs_all_home_pct": _pct(min(networks), home) if networks else None,
        "check_agrees": pays == (break_even_fee > 0),
    }


def _plan(inputs: PlanInputs) -> Plan:
    """One full plan with the machine's cores (the work limit in the parameters stops it)."""
    return plan(inputs, Budget(processes=usable_cores(), start_method="fork"))


def _pct(value: float, reference: float) -> float:
    """How far `value` is above (+) or below (-) `reference`, in percent."""
    return round(100 * (value / reference - 1), 2)


def _reproducible(result: Plan) -> bool:
    """Whether work, not a safety net, stopped every search of the plan."""
    stages = result.stages
    return bool(
        stages["location"].details.get("reproducible")
        and not stages["location"].details.get("time_limit_hit")
        and not stages["routing"].details.get("time_limit_hit")
    )


def _cached(cache: Path, key: str, run, cached_only: bool = False) -> dict | None:
    """The row of `key` from this commit's cache, or run it and cache it (`cached_only`: None)."""
    path = cache / f"{key}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    if cached_only:
        return None
    print(f"running {key}", flush=True)
    row = run()
    path.write_text(json.dumps(row, indent=1), encoding="utf-8")
    return row


def _write(rows: list[dict], commit: str, args) -> None:
    """economics.csv and economics.md, with the targets checked row by row."""
    with (RESULTS / "economics.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["commit", *COLUMNS])
        writer.writeheader()
        writer.writerows({"commit": commit, **{c: row.get(c) for c in COLUMNS}} for row in rows)
    violations = sum(1 for row in rows if row["violation"])
    dense = [r for r in rows if r["scenario"] == "generated" and r["scale"] >= HIGH_DENSITY]
    weak = [r for r in dense if r["method_vs_all_home_pct"] > -5]
    checked = [r for r in rows if r.get("check_agrees") is not None]
    fleet_short = sum(1 for r in rows if r["unassigned"] or r["max_vans"] >= r["fleet"])
    lines = [
        "# Economics: does the network pay?",
        "",
        f"Commit `{commit}`, search work {args.work} per plan (reproducible where the row says "
        f"so), routing safety net 5 x {args.routing_limit:g} s per hub choice for all its days "
        f"(the plan's and each baseline's), {usable_cores()} cores shared with other work "
        f"(load average {os.getloadavg()[0]:.1f} when written): seconds are upper bounds.",
        "",
        f"- chosen plan above the cheapest baseline: **{violations}** of {len(rows)} rows",
        f"- high-density rows (>= {HIGH_DENSITY:g}x) where the location-routing method is not "
        f"5% below all-home: **{len(weak)}** of {len(dense)}",
        f"- break-even fee checked by a full plan: **{sum(r['check_agrees'] for r in checked)}** "
        f"of {len(checked)} agree; model and method agree at the row's fee on "
        f"**{sum(r['model_agrees'] for r in rows)}** of {len(rows)} rows",
        f"- rows where the fleet left stops out or used every van: **{fleet_short}**",
        "",
        "Money in COP over the plan's horizon (every day, DESIGN's rule: routing, hub fees, "
        "handling, holding, expected shortage; the customers' walk is not in it; parcels "
        "likewise). `fees`: the bundled fees (x1) or a tenth of both of them (x0.1): the hub "
        "fee per hub-day (`hub_fee`) and every shop's handling fee per pickup (`handling_fee`, "
        "mean over the candidates). `walk_cost_per_km`: the price of a customer's walk in the "
        "location model only (the customer's inconvenience). `method` is the location-routing "
        "method's own result (routed in full), `chosen` what the plan keeps (the method or a "
        "baseline, whichever routes cheaper); `*_vs_all_home_pct` below zero is cheaper than "
        "all-home. `fleet`: vans available; `vans`: used on day one; `max_vans`, `max_trips`: "
        "the most on any day; `unassigned`: stops left out (the plan's first day and every "
        "round's days). `round_hubs`: hubs opened in each round. `home_price`, `pickup_price`, "
        "`hub_day_cost`: the routing-priced model's medians of a home delivery, a pickup at the "
        "cheapest shop in reach (handling and walk) and a hub's routed visits, holding and "
        "expected shortage per day. `break_even_fee`: the hub fee below which one hub pays in "
        "that model; `model_agrees`: whether that prediction matches the method opening hubs "
        "at this row's fee; `check_*`: a full plan at half the break-even fee (or at no fee "
        "when it is 0), its method's hubs, its best hub network against all-home and whether "
        "that verdict matches the model's.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in COLUMNS) + " |" for row in rows]
    (RESULTS / "economics.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"
    return "" if value is None else str(value)


def _commit() -> str:
    """The short commit of the code measured (a `+` marks uncommitted changes)."""
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True, text=True
    ).stdout.strip()
    return head + ("+" if dirty else "")


if __name__ == "__main__":
    main()
