"""Economics benchmark: does the pickup network pay, and does the plan know it?

Usage::

    python benchmarks/economics.py                        # every row below
    python benchmarks/economics.py --scales 0.5 1 --routing-limit 10

Rows: the bundled Fontibón scenario as shipped (home deliveries priced by routing), and
scenarios generated on the same streets by `synth.city.generate_city` with the bundled settings
(`scenarios/build_fontibon.py`) at 0.5x, 1x, 3x and 10x its customers (so its daily orders; vans
scaled alike, at least one), home deliveries priced by routing; each at the bundled hub fee and a
tenth of it. Each row is one full `plan` over the scenario's horizon (7 days) and reports the
chosen plan's routed total, the location-routing method's own result, both baselines, cost per
parcel, hubs, vans, rounds, the model's break-even fee and whether it agrees with the plan, and
seconds.

Writes ``benchmarks/results/economics.md`` and ``.csv``; each row is cached in
``benchmarks/results/economics_cache/<commit>/`` so a long table can be resumed. Timed rows need
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
from pickup_net.planning import plan, plan_inputs  # noqa: E402
from pickup_net.synth.city import generate_city  # noqa: E402
from pickup_net.synth.street_filter import keep_customers_near_streets  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
BUNDLED = ROOT / "scenarios" / "fontibon" / "scenario.yaml"
SCALES = (0.5, 1.0, 3.0, 10.0)
HIGH_DENSITY = 3.0
"""Rows at or above this scale must show the method >= 5% below all-home."""
COLUMNS = (
    "scenario", "scale", "hub_fee", "home_price", "parcels", "chosen", "chosen_total",
    "chosen_per_parcel", "method_total", "method_hubs", "method_vs_all_home_pct",
    "all_home_total", "all_home_per_parcel", "greedy_total", "greedy_hubs", "greedy_per_parcel",
    "hubs", "vans", "unassigned", "rounds", "break_even_fee", "break_even_scale", "model_agrees",
    "violation", "seconds",
)  # fmt: skip


def main() -> None:
    """Run the rows not cached yet for this commit and write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="*", default=list(SCALES))
    parser.add_argument("--routing-limit", type=float, default=PARAMETERS.routing_time_limit_s)
    parser.add_argument("--no-bundled", action="store_true", help="Skip the bundled rows.")
    args = parser.parse_args()
    commit = _commit()
    cache = RESULTS / "economics_cache" / commit
    cache.mkdir(parents=True, exist_ok=True)
    fees = (PARAMETERS.hub_fixed_cost, PARAMETERS.hub_fixed_cost / 10)
    rows = []
    if not args.no_bundled:
        for fee in fees:
            rows.append(_cached(cache, f"bundled-fee{fee:g}", lambda f=fee: _bundled(f, args)))
    network = load_street_network(STREETS, ROOT / ".cache" / "pickup-net")
    features = read_osm_features(STREETS)
    for scale in args.scales:
        for fee in fees:
            key = f"generated-x{scale:g}-fee{fee:g}"
            run = lambda s=scale, f=fee: _generated(s, f, args, network, features)  # noqa: E731
            rows.append(_cached(cache, key, run))
    _write(rows, commit, args.routing_limit)


def _bundled(fee: float, args: argparse.Namespace) -> dict:
    """One row on the bundled scenario as shipped, at hub fee `fee`."""
    inputs = load_inputs(BUNDLED, ROOT / ".cache" / "pickup-net")
    scenario = inputs.scenario
    params = scenario.parameters.model_copy(
        update={"hub_fixed_cost": fee, "routing_time_limit_s": args.routing_limit}
    )
    scenario = scenario.model_copy(update={"parameters": params})
    return _row("bundled", 1.0, plan_inputs(scenario, inputs.network))


def _generated(scale: float, fee: float, args: argparse.Namespace, network, features) -> dict:
    """One row on a scenario generated on the bundled streets at `scale` x its customers."""
    settings = replace(
        SETTINGS,
        customers=max(1, round(SETTINGS.customers * scale)),
        vans=max(1, math.ceil(SETTINGS.vans * scale)),
    )
    params = PARAMETERS.model_copy(
        update={
            "hub_fixed_cost": fee,
            "home_delivery_cost": None,
            "routing_time_limit_s": args.routing_limit,
        }
    )
    scenario = generate_city(features, STREETS, settings, params)
    scenario = keep_customers_near_streets(scenario, network)
    return _row("generated", scale, plan_inputs(scenario, network))


def _row(name: str, scale: float, inputs) -> dict:
    """Plan once and read the row off the plan."""
    start = time.perf_counter()
    result: Plan = plan(inputs, Budget(processes=usable_cores(), start_method="fork"))
    seconds = time.perf_counter() - start
    details = result.stages["location"].details
    base = {b.name: b for b in result.baselines}
    method = details["method_result"]
    home, greedy = base["all_home"], base["greedy"]
    parcels = details.get("parcels") or 0.0
    pays_at = details["break_even"]
    fee = inputs.parameters.hub_fixed_cost
    cheapest = min(home.total_cost, greedy.total_cost)
    predicted = pays_at["hub_fee_per_day"] is not None and fee < pays_at["hub_fee_per_day"]
    return {
        "scenario": name,
        "scale": scale,
        "hub_fee": fee,
        "home_price": pays_at.get("home_price", ""),
        "parcels": parcels,
        "chosen": details["chosen"],
        "chosen_total": result.kpis.total_cost,
        "chosen_per_parcel": round(result.kpis.total_cost / parcels, 1) if parcels else None,
        "method_total": method["total_cost"],
        "method_hubs": method["hubs_opened"],
        "method_vs_all_home_pct": round(100 * (method["total_cost"] / home.total_cost - 1), 2),
        "all_home_total": home.total_cost,
        "all_home_per_parcel": home.cost_per_parcel,
        "greedy_total": greedy.total_cost,
        "greedy_hubs": greedy.hubs_opened,
        "greedy_per_parcel": greedy.cost_per_parcel,
        "hubs": result.kpis.hubs_opened,
        "vans": result.kpis.vans_used,
        "unassigned": result.kpis.unassigned,
        "rounds": len(details["rounds"]),
        "break_even_fee": pays_at["hub_fee_per_day"],
        "break_even_scale": pays_at["demand_scale"],
        "model_agrees": predicted == (method["hubs_opened"] > 0),
        "violation": result.kpis.total_cost > cheapest + 0.01,
        "seconds": round(seconds, 1),
    }


def _cached(cache: Path, key: str, run) -> dict:
    """The row of `key` from this commit's cache, or run it and cache it."""
    path = cache / f"{key}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    print(f"running {key}", flush=True)
    row = run()
    path.write_text(json.dumps(row, indent=1), encoding="utf-8")
    return row


def _write(rows: list[dict], commit: str, routing_limit: float) -> None:
    """economics.csv and economics.md, with the targets checked row by row."""
    with (RESULTS / "economics.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["commit", *COLUMNS])
        writer.writeheader()
        writer.writerows({"commit": commit, **{c: row.get(c) for c in COLUMNS}} for row in rows)
    violations = sum(1 for row in rows if row["violation"])
    dense = [r for r in rows if r["scenario"] == "generated" and r["scale"] >= HIGH_DENSITY]
    weak = [r for r in dense if r["method_vs_all_home_pct"] > -5]
    lines = [
        "# Economics: does the network pay?",
        "",
        f"Commit `{commit}`, routing limit {routing_limit:g} s per hub choice for all its days "
        f"(the plan's and each baseline's), {usable_cores()} cores shared with other work "
        f"(load average {os.getloadavg()[0]:.1f} when written): timings are indicative only.",
        "",
        f"- chosen plan above the cheapest baseline: **{violations}** of {len(rows)} rows",
        f"- high-density rows (>= {HIGH_DENSITY:g}x) where the location-routing method is not "
        f"5% below all-home: **{len(weak)}** of {len(dense)}",
        "",
        "Money in COP over the plan's horizon (every day, DESIGN's rule; parcels likewise). "
        "`method` is the location-routing method's own result (routed in full), `chosen` "
        "what the plan keeps (the method or a baseline, whichever "
        "routes cheaper). `break_even_fee`: the hub fee below which one hub pays in the "
        "routing-priced location model; `model_agrees`: whether that prediction matches the "
        "method opening hubs at this row's fee.",
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
