"""City-scale and sweep benchmark: time and peak memory of full plans, parallel sweep speed-up.

Scale: for each size (customers), a city generated on a real extract (Fontibón by default,
``--extract`` for another, e.g. Santa Maria) with one candidate shop per 10 customers and one van
per 500 (plus the e-vans of the default fleet, one shared fleet for the city), split into
districts of about 1,500 customers planned on a 2-worker LocalCluster (``--limit`` s location and
routing limits per district; forecast zones are customers). Time counts the split, the district
plans with their baselines and the join (the cluster is started before the clock); peak memory is
the largest sum of the resident memory of this process and all its children (the Dask workers),
sampled every 0.2 s.

Sweep: the 12 variants of ``scenarios/fontibon-sweep.yaml`` on a 2-worker LocalCluster against the
same 12 planned one after another in this process; the ratio is sequential / parallel time.

Run timed: ``flock /tmp/pickup-bench.lock .venv/bin/python benchmarks/scale.py`` (``--quick`` for
1,000 customers and 4 variants). Writes ``benchmarks/results/scale.{csv,md}``, one
``scale_<n>.json`` per size (per-district stage figures) and ``sweep.{csv,md}``.
"""

import argparse
import json
import math
import os
import platform
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import psutil

from pickup_net.domain import Parameters
from pickup_net.io.osm_features import read_osm_features
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.io.scenario_loader import load_scenario
from pickup_net.planning import plan
from pickup_net.scale import (
    DistrictError,
    apply_overrides,
    dask_client,
    load_sweep,
    plan_city,
    run_sweep,
)
from pickup_net.synth.city import CitySettings, generate_city

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = ROOT.parent / "shared" / "data" / "osm" / "bogota_fontibon" / "bogota_fontibon.osm.pbf"
SWEEP = ROOT / "scenarios" / "fontibon-sweep.yaml"
CUSTOMERS_PER_DISTRICT = 1_500


@dataclass
class MemoryPeak:
    """Samples the resident memory of this process and its children in a background thread."""

    interval_s: float = 0.2
    peak_bytes: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> "MemoryPeak":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    continue
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop.wait(self.interval_s)


def scale_run(
    customers: int,
    features: object,
    extract: Path,
    limits: tuple[float, int | None],
    cache_dir: Path,
    out: Path,
) -> dict:
    """Generate one city and plan it in districts; return its row of the results table."""
    start = time.perf_counter()
    place = extract.name.split(".")[0]
    limit_s, work = limits
    settings = CitySettings(name=f"{place}-{customers}", customers=customers,
                            shops=customers // 10, customers_per_van=500)  # fmt: skip
    parameters = Parameters(hub_fixed_cost=25_000, walk_cost_per_km=2_000,
                            home_delivery_cost=6_000, location_time_limit_s=limit_s,
                            routing_time_limit_s=limit_s, forecast_zone="customer",
                            search_work=work)  # fmt: skip
    city = generate_city(features, extract, settings, parameters)  # type: ignore[arg-type]
    generate_s = time.perf_counter() - start
    districts = max(1, math.ceil(customers / CUSTOMERS_PER_DISTRICT))
    with dask_client(workers=2) as client:
        client.run(lambda: None)
        with MemoryPeak() as memory:
            start = time.perf_counter()
            joined = plan_city(city, districts, client=client, cache_dir=cache_dir)
            plan_s = time.perf_counter() - start
    (out / f"scale_{place}_{customers}.json").write_text(
        json.dumps({name: s.model_dump() for name, s in joined.stages.items()}, indent=1,
                   default=str), encoding="utf-8")  # fmt: skip
    location = joined.stages["location"]
    districts = joined.stages["districts"].details
    parcels = sum(d.get("parcels") or 0.0 for d in districts["districts"].values())
    fleet = {v.id: v.count for v in city.vehicle_types}
    most = {t: max(sum(r.vehicle_type_id == t for r in day.routes) for day in joined.days)
            for t in fleet}  # fmt: skip
    k = joined.kpis
    return {
        "commit": _commit(),
        "run_utc": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "load_avg_1min": round(os.getloadavg()[0], 1),
        "extract": place,
        "customers": customers,
        "candidate_shops": len(city.shops),
        "synthetic_shops": sum(s.synthetic for s in city.shops),
        "orders": len(city.orders),
        "districts": len(districts["districts"]),
        "walking_components": districts["walking"]["components"],
        "largest_component": districts["walking"]["largest_component"],
        "cut_walk_pairs": districts["walking"]["cut_pairs"],
        "limit_s": limit_s,
        "search_work": work,
        "generate_s": round(generate_s, 1),
        "plan_s": round(plan_s, 1),
        "peak_rss_mb": round(memory.peak_bytes / 2**20),
        "hubs": k.hubs_opened,
        "pickup_share": k.pickup_share,
        "vans_available": sum(fleet.values()),
        "vans_used_day1": k.vans_used,
        "vans_used_max_day": max(len(day.routes) for day in joined.days),
        "within_fleet": all(most[t] <= n for t, n in fleet.items()),
        "km_driven_day1": k.km_driven,
        "routed_total": k.total_cost,
        "cost_per_parcel": round(k.total_cost / parcels, 2) if parcels else None,
        "unassigned": k.unassigned,
        "all_home_total": location.details["all_home"]["all_home_total"],
        "location_objective": round(location.objective, 2),
        "location_bound": round(location.lower_bound, 2),
        "location_gap": location.gap,
        "bound_scope": location.details["bound_scope"],
        "location_components": location.details["components"],
        "location_decomposition": location.details["decomposition"],
        "location_subproblems": location.details["subproblems"],
        "location_proven": location.details["proven_optimal"],
        "location_steps": location.details["steps"],
        "city_model_build_s": location.details["seconds"]["build"],
        "city_model_solve_s": location.details["seconds"]["solve"],
        "moved_to_hub_district": districts["moved_to_hub_district"],
    }


def sweep_run(variants: int, cache_dir: Path) -> dict:
    """The sweep on a 2-worker LocalCluster, then the same variants one after another."""
    sweep = load_sweep(SWEEP)
    sweep.variants = sweep.variants[:variants]
    base = load_scenario(sweep.base)
    load_inputs(base, cache_dir)  # the streets parsed into the cache before either clock
    with tempfile.TemporaryDirectory() as folder, dask_client(workers=2) as client:
        client.run(lambda: None)
        start = time.perf_counter()
        results = run_sweep(sweep, Path(folder), client=client, cache_dir=cache_dir)
        parallel_s = time.perf_counter() - start
    failed = [r.variant for r in results if not r.ok]
    first = apply_overrides(base, sweep.variants[0].overrides).parameters
    start = time.perf_counter()
    sequential_cost = 0.0
    for variant in sweep.variants:
        sequential_cost += plan(
            load_inputs(apply_overrides(base, variant.overrides), cache_dir)
        ).kpis.total_cost
    sequential_s = time.perf_counter() - start
    return {
        "variants": len(sweep.variants),
        "workers": 2,
        "location_time_limit_s": first.location_time_limit_s,
        "routing_time_limit_s": first.routing_time_limit_s,
        "parallel_s": round(parallel_s, 1),
        "sequential_s": round(sequential_s, 1),
        "speedup": round(sequential_s / parallel_s, 2),
        "total_cost_parallel": round(sum(r.kpis.get("total_cost", 0.0) for r in results)),
        "total_cost_sequential": round(sequential_cost),
        "failed": ";".join(failed),
    }


SCALE_NOTES = """
plan_s: wall seconds of split + the city location model + district plans (with their baselines)
+ join; peak_rss_mb: this process plus the Dask workers. location_*: the one location model over
the city (the plan core's first-round model over all customers and candidate shops): its
objective, its proven lower bound (a bound of the whole city's model: bound_scope city) and the
gap between them; location_components: walking components of the model; location_decomposition:
components solved whole, or, when one component is too large, areas at full fees
(location_subproblems: how many) joined, with unpaid hubs closed, and bounded by the whole city
model's Lagrangian; location_steps: search steps all subproblems and the whole-model step used;
city_model_build_s / _solve_s: building it on
the workers (area by area) and solving it. cut_walk_pairs: walkable pairs the districts cut (the
city model keeps them); moved_to_hub_district: customers moved to the district of the hub the
city model gave them. Every district routes the city model's hubs (forced open, its other
candidates closed). all_home_total: the districts' all-home baselines summed, against
routed_total (the plan's total cost over its horizon); cost_per_parcel: routed_total over the
parcels it serves. vans_used_*: routes on day one and on the busiest day; within_fleet: on every
day no vehicle type runs more vans than the shared fleet has. limit_s: location and routing limits
per district (with search_work set, the work limit stops the searches and the limits become safety
nets, 5x); routing_engine auto; forecast zones are customers. Per-district stage figures:
`scale_<extract>_<customers>.json`.
"""
SWEEP_NOTES = """
parallel_s: the sweep on a 2-worker LocalCluster (cluster started before the clock);
sequential_s: the same variants planned one after another in one process. Stage time limits bind
most of each plan's time, so the ratio mostly measures how well two plans overlap on 2 cores;
with `routing_engine: auto` each plan also runs PyVRP in a second process, so two parallel plans
share the 2 cores four ways. total_cost_*: sum of the variants' total cost in each mode.
"""


def _write(rows: list[dict], out: Path, stem: str, title: str, notes: str = "") -> None:
    table = pd.DataFrame(rows)
    table.to_csv(out / f"{stem}.csv", index=False)
    code = (
        f"commits {', '.join(dict.fromkeys(map(str, table['commit'])))} (column `commit`)"
        if "commit" in table
        else f"commit {_commit()}"
    )
    note = (
        f"# {title}\n\nCode: {code}. "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GB, Python {platform.python_version()}. "
        "Other sessions were working on the machine (tests, editors) during the run; timed runs "
        "held /tmp/pickup-bench.lock.\n\n"
    )
    (out / f"{stem}.md").write_text(note + _markdown(table) + notes, "utf-8")
    print(table.to_string(index=False))


def _commit() -> str:
    """The checked-out commit, marked when the working tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=False).stdout.strip()  # fmt: skip

    dirty = git("status", "--porcelain", "--untracked-files=no", "src", "benchmarks/scale.py")
    return git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if dirty else "")


def _markdown(table: pd.DataFrame) -> str:
    """A GitHub Markdown table (no extra dependency)."""
    lines = ["| " + " | ".join(map(str, table.columns)) + " |",
             "|" + "---|" * len(table.columns)]  # fmt: skip
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the scale and sweep benchmarks and write their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 20_000])
    parser.add_argument("--extract", type=Path, nargs="+", default=[EXTRACT])
    parser.add_argument("--limit", type=float, default=20, help="stage limits per district (s)")
    parser.add_argument("--work", type=int, help="search_work per district (limits: safety nets)")
    parser.add_argument("--append", action="store_true", help="keep the rows of scale.csv in --out")
    parser.add_argument("--variants", type=int, default=12)
    parser.add_argument("--quick", action="store_true", help="1,000 customers and 4 variants")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    sizes, variants = ([1_000], 4) if args.quick else (args.sizes, args.variants)
    args.out.mkdir(parents=True, exist_ok=True)
    cache_dir = args.out / "cache"
    if not args.skip_scale:
        earlier = args.out / "scale.csv"
        rows = pd.read_csv(earlier).to_dict("records") if args.append and earlier.exists() else []
        for extract in args.extract:
            features = read_osm_features(extract)
            for n in sizes:
                try:
                    limits = (args.limit, args.work)
                    rows.append(scale_run(n, features, extract, limits, cache_dir, args.out))
                except DistrictError as error:
                    rows.append({"extract": extract.name, "customers": n, "error": str(error)})
                title = "City-scale plans (districts on a 2-worker LocalCluster, one fleet)"
                _write(rows, args.out, "scale", title, SCALE_NOTES)
    if not args.skip_sweep:
        row = sweep_run(variants, cache_dir)
        title = "Sweep of the bundled scenario: parallel vs sequential"
        _write([row], args.out, "sweep", title, SWEEP_NOTES)


if __name__ == "__main__":
    main()
