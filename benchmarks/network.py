"""Benchmark of the street-network stage on the largest real extract in ../shared/data/osm/.

Measures parse time, graph size, cached reload, and travel-time matrices for 500, 2,000 and
5,000 points drawn on the streets, beside a plain networkx `single_source_dijkstra_path_length`
loop on the same points and, when a Python 3.12 venv with `osrm-bindings` is given, beside
OSRM's car profile (contraction hierarchies) on the same points. Run it holding the machine
lock:

    flock /tmp/pickup-bench.lock .venv/bin/python benchmarks/network.py

Writes `benchmarks/results/network.csv`, `network_summary.json` and `network.md`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from pickup_net.domain.budget import usable_cores
from pickup_net.io.osm_loader import load_street_network, read_osm_elements
from pickup_net.network import Point, StreetNetwork, build_street_network, street_matrices
from pickup_net.network.projection import to_metric_xy
from pickup_net.network.snapping import snap_points

REPO = Path(__file__).resolve().parents[1]
SHARED_OSM = REPO.parent / "shared" / "data" / "osm"
RESULTS = REPO / "benchmarks" / "results"
CORES = usable_cores()

OSRM_TABLE_SCRIPT = r"""
import json, sys, time
import numpy as np
import osrm
base, points_path, out_path = sys.argv[1:4]
lonlat = np.load(points_path)
started = time.perf_counter()
engine = osrm.OSRM(algorithm="CH", storage_config=base, use_shared_memory=False,
                   max_locations_distance_table=1_000_000)
params = osrm.TableParameters(coordinates=[(float(a), float(b)) for a, b in lonlat],
                              annotations=["duration", "distance"])
loaded = time.perf_counter()
answer = engine.Table(params)
tabled = time.perf_counter()
durations = np.array([[np.nan if v is None else v for v in row] for row in answer["durations"]])
distances = np.array([[np.nan if v is None else v for v in row] for row in answer["distances"]])
converted = time.perf_counter()
np.savez(out_path, durations=durations, distances=distances)
print(json.dumps({"load_s": loaded - started, "table_s": tabled - loaded,
                  "convert_s": converted - tabled}))
"""


def largest_extract() -> Path:
    """The biggest .osm.pbf under ../shared/data/osm/."""
    files = sorted(SHARED_OSM.glob("*/*.osm.pbf"), key=lambda p: p.stat().st_size)
    if not files:
        raise SystemExit(f"no .osm.pbf under {SHARED_OSM}")
    return files[-1]


def points_on_streets(network: StreetNetwork, n: int, seed: int) -> list[Point]:
    """`n` points at uniform random places along the drivable streets (length-weighted)."""
    graph = network.drive_arrays
    rng = np.random.default_rng(seed)
    segments = rng.choice(graph.n_segments, n, p=graph.seg_len_m / graph.seg_len_m.sum())
    points = []
    for k, seg in enumerate(segments):
        shape = graph.segment_lonlat(int(seg))
        i = rng.integers(0, shape.shape[0] - 1)
        lon, lat = shape[i] + rng.random() * (shape[i + 1] - shape[i])
        points.append(Point(f"p{k}", float(lon), float(lat)))
    return points


def networkx_loop(network: StreetNetwork, points: list[Point]) -> tuple[np.ndarray, float]:
    """The plain approach: nearest graph node per point, a networkx Dijkstra per source."""
    started = time.perf_counter()
    graph = network.drive
    nodes = list(graph.nodes)
    xy_nodes = to_metric_xy(
        np.array([[graph.nodes[v]["lon"], graph.nodes[v]["lat"]] for v in nodes]),
        network.drive_arrays.epsg,
    )
    xy_points = to_metric_xy(np.array([[p.lon, p.lat] for p in points]), network.drive_arrays.epsg)
    _, nearest = cKDTree(xy_nodes).query(xy_points)
    targets = [nodes[k] for k in nearest]
    out = np.empty((len(points), len(points)))
    for i, source in enumerate(targets):
        lengths = nx.single_source_dijkstra_path_length(graph, source, weight="time_s")
        out[i] = [lengths.get(t, np.inf) for t in targets]
    return out, time.perf_counter() - started


def networkx_turn_loop(network: StreetNetwork, points: list[Point]) -> float:
    """The plain approach on our turn graph (same answers as ours): seconds for the loop."""
    graph = network.drive_arrays
    started = time.perf_counter()
    turns = nx.DiGraph()
    weights = graph.edge_time_s[graph.arc_from] + graph.arc_turn_s
    turns.add_weighted_edges_from(
        zip(graph.arc_from.tolist(), graph.arc_to.tolist(), weights.tolist(), strict=True)
    )
    snapped = snap_points(graph, points, 500.0)
    edges = np.where(
        graph.seg_edge[snapped.seg, 0] >= 0,
        graph.seg_edge[snapped.seg, 0],
        graph.seg_edge[snapped.seg, 1],
    ).tolist()
    out = np.empty((len(points), len(points)))
    for i, source in enumerate(edges):
        lengths = nx.single_source_dijkstra_path_length(turns, source)
        out[i] = [lengths.get(t, np.inf) for t in edges]
    return time.perf_counter() - started


def osrm_prepare(venv: Path, extract: Path, folder: Path) -> tuple[Path, float]:
    """osrm-extract with the wheel's car.lua, then osrm-contract; returns the .osrm base."""
    python = venv / "bin" / "python"
    found = subprocess.run(
        [str(python), "-c", "import osrm, os; print(os.path.dirname(osrm.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    )
    profile = Path(found.stdout.strip()) / "share" / "profiles" / "car.lua"
    copy = folder / extract.name
    shutil.copy(extract, copy)
    started = time.perf_counter()
    for step in (
        ["extract", "-p", str(profile), str(copy)],
        ["contract", str(copy).replace(".osm.pbf", ".osrm")],
    ):
        subprocess.run(
            [str(python), "-m", "osrm", *step], capture_output=True, check=True, cwd=folder
        )
    return Path(str(copy).replace(".osm.pbf", ".osrm")), time.perf_counter() - started


def osrm_table(venv: Path, base: Path, points: list[Point], folder: Path) -> tuple[dict, dict]:
    """OSRM durations and distances for the points, and its timings."""
    points_path = folder / "points.npy"
    out_path = folder / "osrm_table.npz"
    np.save(points_path, np.array([[p.lon, p.lat] for p in points]))
    run = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            OSRM_TABLE_SCRIPT,
            str(base),
            str(points_path),
            str(out_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    timings = json.loads(run.stdout.strip().splitlines()[-1])
    with np.load(out_path) as arrays:
        return {"durations": arrays["durations"], "distances": arrays["distances"]}, timings


def compare_with_osrm(network: StreetNetwork, points: list[Point], ours, osrm: dict) -> dict:
    """Median time and distance ratios, and agreement on the faster direction of one-way pairs."""
    durations = osrm["durations"]
    useful = np.isfinite(durations) & (durations > 60.0) & np.isfinite(ours.seconds)
    ratio = ours.seconds[useful] / durations[useful]
    distance_ratio = ours.meters[useful] / osrm["distances"][useful]
    graph = network.drive_arrays
    snapped = snap_points(graph, points, 500.0)
    on_one_way = (graph.seg_edge[snapped.seg] < 0).any(axis=1)
    ours_gap = ours.seconds - ours.seconds.T
    osrm_gap = durations - durations.T
    pairs = np.triu(np.ones_like(useful), 1) & useful & useful.T
    pairs &= on_one_way[:, None] | on_one_way[None, :]
    pairs &= np.abs(ours_gap) > np.maximum(30.0, 0.2 * np.minimum(ours.seconds, ours.seconds.T))
    agree = np.sign(ours_gap[pairs]) == np.sign(osrm_gap[pairs])
    return {
        "pairs_compared": int(useful.sum()),
        "median_time_ratio": float(np.median(ratio)),
        "p10_time_ratio": float(np.percentile(ratio, 10)),
        "p90_time_ratio": float(np.percentile(ratio, 90)),
        "median_distance_ratio": float(np.median(distance_ratio)),
        "one_way_pairs": int(pairs.sum()),
        "one_way_same_faster_direction": float(agree.mean()) if agree.size else float("nan"),
    }


def extract_check(path: Path, venv: Path, seed: int, n: int = 300) -> dict:
    """Load one real extract, time a small drive matrix and compare it with OSRM's."""
    tick = time.perf_counter()
    network = build_street_network(read_osm_elements(path))
    loaded = time.perf_counter() - tick
    points = points_on_streets(network, n, seed)
    tick = time.perf_counter()
    ours = street_matrices(network, points, workers=CORES)
    walk = street_matrices(network, points[: n // 3], points, mode="walk", workers=CORES)
    check = {
        "extract": f"{path.parent.name}/{path.name}",
        "parse_build_s": loaded,
        "drive_nodes": network.stats["drive_nodes"],
        "drive_edges": network.stats["drive_edges"],
        "walk_edges": network.stats["walk_edges"],
        "missing_node_refs": network.stats["drive_missing_node_refs"],
        "warnings": network.warnings,
        "points": n,
        "drive_and_walk_matrices_s": time.perf_counter() - tick,
        "unreachable_pairs": len(ours.unreachable) + len(walk.unreachable),
    }
    if (venv / "bin" / "python").exists():
        with tempfile.TemporaryDirectory() as folder:
            base, _ = osrm_prepare(venv, path, Path(folder))
            table, _ = osrm_table(venv, base, points, Path(folder))
        check.update(compare_with_osrm(network, points, ours, table))
    print(json.dumps(check, default=str), flush=True)
    return check


def peak_memory_mb() -> tuple[float, float]:
    """Peak resident memory so far of this process and of its largest forked worker, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024.0, children / 1024.0


def main() -> None:
    """Run the benchmark and write its tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extract", type=Path, default=None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--nx-sizes", type=int, nargs="*", default=[500, 2000, 5000])
    parser.add_argument("--nx-turn-sizes", type=int, nargs="*", default=[500, 2000])
    parser.add_argument("--osrm-venv", type=Path, default=Path("/tmp/osrm-venv"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2, help="runs of ours; the best counts")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    extract = args.extract or largest_extract()
    load_at_start = os.getloadavg()
    summary: dict[str, object] = {
        "extract": f"{extract.parent.name}/{extract.name}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "load_average_at_start": [round(x, 2) for x in load_at_start],
        "repeat": args.repeat,
    }
    started = time.perf_counter()
    elements = read_osm_elements(extract)
    parsed = time.perf_counter()
    network = build_street_network(elements)
    built = time.perf_counter()
    summary.update(parse_s=parsed - started, build_s=built - parsed, graph=network.stats)
    with tempfile.TemporaryDirectory() as cache:
        first = time.perf_counter()
        load_street_network(extract, Path(cache))
        second = time.perf_counter()
        load_street_network(extract, Path(cache))
        summary.update(
            cold_load_with_cache_write_s=second - first, cached_load_s=time.perf_counter() - second
        )
    points = points_on_streets(network, max(args.sizes), args.seed)
    rows, answers = [], {}
    for n in args.sizes:
        subset = points[:n]
        ours_s, serial_s = [], []
        for _ in range(args.repeat):
            tick = time.perf_counter()
            answers[n] = street_matrices(network, subset, workers=CORES)
            ours_s.append(time.perf_counter() - tick)
            tick = time.perf_counter()
            street_matrices(network, subset, workers=1)
            serial_s.append(time.perf_counter() - tick)
        ours_s, serial_s = min(ours_s), min(serial_s)
        own, workers = peak_memory_mb()
        rows.append(
            {
                "n": n,
                "ours_s": ours_s,
                "ours_one_process_s": serial_s,
                "unreachable_pairs": len(answers[n].unreachable),
                "peak_memory_mb": own,
                "peak_worker_memory_mb": workers,
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    for row in rows:
        if row["n"] in args.nx_sizes:
            ours = answers[row["n"]]
            reference, nx_s = networkx_loop(network, points[: row["n"]])
            both = np.isfinite(reference) & (reference > 60.0)
            row.update(
                networkx_s=nx_s,
                speedup_vs_networkx=nx_s / min(row["ours_s"], row["ours_one_process_s"]),
                median_time_ratio_vs_networkx=float(
                    np.median(ours.seconds[both] / reference[both])
                ),
            )
            print(json.dumps(row), flush=True)
        if row["n"] in args.nx_turn_sizes:
            turn_s = networkx_turn_loop(network, points[: row["n"]])
            row.update(
                networkx_turn_graph_s=turn_s,
                speedup_vs_networkx_turn_graph=turn_s
                / min(row["ours_s"], row["ours_one_process_s"]),
            )
            print(json.dumps(row), flush=True)
    if (args.osrm_venv / "bin" / "python").exists():
        with tempfile.TemporaryDirectory() as folder:
            base, prepare_s = osrm_prepare(args.osrm_venv, extract, Path(folder))
            summary["osrm_extract_contract_s"] = prepare_s
            for row in rows:
                subset = points[: row["n"]]
                table, timings = osrm_table(args.osrm_venv, base, subset, Path(folder))
                row.update(
                    osrm_table_s=timings["table_s"],
                    osrm_to_numpy_s=timings["convert_s"],
                    **compare_with_osrm(network, subset, answers[row["n"]], table),
                )
                print(json.dumps(row), flush=True)
    else:
        summary["osrm"] = f"no venv at {args.osrm_venv}; OSRM columns left empty"
    summary["extracts"] = [
        extract_check(path, args.osrm_venv, args.seed)
        for path in sorted(SHARED_OSM.glob("*/*.pbf"))
    ]
    summary["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    summary["rows"] = rows
    args.out.mkdir(parents=True, exist_ok=True)
    write_results(args.out, summary, rows)


def target_checks(summary: dict, rows: list[dict]) -> list[str]:
    """The issue's targets, each with the measured value and whether this run met it."""
    by_n = {row["n"]: row for row in rows}
    checks = []

    def check(label: str, value: float | None, ok: bool) -> None:
        if value is not None:
            checks.append(f"- {label}: {value:.3g} ({'met' if ok else 'NOT met'})")

    for n, limit in ((2000, 2.0), (5000, 6.0)):
        if n in by_n:
            best = min(by_n[n]["ours_s"], by_n[n]["ours_one_process_s"])
            check(f"{n}x{n} under {limit:g} s (best of the two runs)", best, best < limit)
    peak = max(max(r["peak_memory_mb"], r["peak_worker_memory_mb"]) for r in rows)
    check("peak memory under 4,000 MB", peak, peak < 4000)
    for row in rows:
        if "speedup_vs_networkx" in row:
            speedup = row["networkx_s"] / min(row["ours_s"], row["ours_one_process_s"])
            check(f"{row['n']} points: at least 20x the networkx loop", speedup, speedup >= 20)
        if "speedup_vs_networkx_turn_graph" in row:
            speedup = row["speedup_vs_networkx_turn_graph"]
            check(
                f"{row['n']} points: at least 20x networkx on the same turn graph (same answers)",
                speedup,
                speedup >= 20,
            )
    check("cached second load under 2 s", summary["cached_load_s"], summary["cached_load_s"] < 2)
    for row in rows:
        if "median_time_ratio" in row:
            ratio = row["median_time_ratio"]
            check(
                f"{row['n']} points: median time ratio to OSRM in 0.85-1.15",
                ratio,
                0.85 <= ratio <= 1.15,
            )
            agree = row["one_way_same_faster_direction"]
            check(
                f"{row['n']} points: same faster direction as OSRM on one-way pairs",
                agree,
                agree >= 0.95,
            )
    return checks


def write_results(out: Path, summary: dict, rows: list[dict]) -> None:
    """CSV of the per-size rows, JSON of everything, and a Markdown table."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with open(out / "network.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()})
    summary["targets"] = target_checks(summary, rows)
    (out / "network_summary.json").write_text(json.dumps(summary, indent=2, default=str))
    graph = summary["graph"]
    lines = [
        "# Street-network benchmark",
        "",
        f"Extract `{summary['extract']}`; machine: {summary['machine']}. Other sessions were "
        "working on this machine (tests, editors, other benchmarks) during the run; load "
        f"average {summary['load_average_at_start']} at start, "
        f"{summary['load_average_at_end']} at end (1, 5, 15 min).",
        "",
        f"- parse {summary['parse_s']:.2f} s + build {summary['build_s']:.2f} s; "
        f"drive graph {graph['drive_nodes']} nodes, {graph['drive_edges']} directed edges, "
        f"{graph['drive_turn_arcs']} turn arcs, {graph['drive_km']} km "
        f"(dropped {graph['drive_dropped_edges']} edges outside the largest strongly connected "
        f"part); walk graph {graph['walk_nodes']} nodes, {graph['walk_edges']} edges",
        f"- cached second load {summary['cached_load_s']:.2f} s "
        f"(first load with cache write {summary['cold_load_with_cache_write_s']:.2f} s)",
    ]
    if "osrm_extract_contract_s" in summary:
        lines.append(
            f"- OSRM osrm-extract + osrm-contract (car.lua): "
            f"{summary['osrm_extract_contract_s']:.1f} s"
        )
    lines += ["", "| measure | " + " | ".join(f"{r['n']} points" for r in rows) + " |"]
    lines.append("|---|" + "---|" * len(rows))
    for key in columns[1:]:
        cells = [
            f"{r[key]:.3g}" if isinstance(r.get(key), float) else str(r.get(key, "")) for r in rows
        ]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    lines += ["", "Targets of the issue, as measured in this run:", "", *summary["targets"]]
    lines += ["", "Every real extract, with 300 points on its streets:", ""]
    for check in summary["extracts"]:
        osrm = (
            f"; median time ratio to OSRM {check['median_time_ratio']:.3f}, same faster "
            f"direction on {check['one_way_same_faster_direction']:.1%} of "
            f"{check['one_way_pairs']} one-way pairs"
            if "median_time_ratio" in check
            else ""
        )
        lines.append(
            f"- `{check['extract']}`: parse + build {check['parse_build_s']:.2f} s, drive "
            f"{check['drive_nodes']} nodes / {check['drive_edges']} edges, "
            f"{check['missing_node_refs']} clipped node references, "
            f"{len(check['warnings'])} warnings; drive 300x300 + walk 100x300 in "
            f"{check['drive_and_walk_matrices_s']:.2f} s, {check['unreachable_pairs']} "
            f"unreachable pairs{osrm}"
        )
    lines += [
        "",
        "Times are wall-clock seconds, end to end with numpy arrays out, best of "
        f"{summary['repeat']} runs for ours: `ours_s` uses the "
        "default worker count (forked processes on the usable cores), `ours_one_process_s` one "
        "process. `networkx_s` snaps each point to its nearest graph node and runs "
        "`single_source_dijkstra_path_length` per source on the same drive graph (no turn "
        "costs); the speed-up check uses the faster of our two runs. `networkx_turn_graph_s` "
        "runs the same networkx loop on our turn graph (a node per directed street edge, arcs "
        "are turns with their costs), which computes what we compute. OSRM times are its Table "
        "call and the conversion of its answer to numpy. Memory: peak resident MB of the "
        "benchmark process after our matrices of that size (parse, graphs and earlier sizes "
        "included), and of the largest forked worker. Ratios compare our seconds with OSRM's "
        "car-profile durations on pairs OSRM puts over 60 s; one-way pairs are those with a "
        "point on a one-way street whose two directions differ by over 30 s and 20 %.",
    ]
    (out / "network.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
