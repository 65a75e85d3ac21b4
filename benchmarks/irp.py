"""IRP benchmark: ``solve_irp`` on the Archetti / DIMACS instances against the best known totals.

Usage: ``python benchmarks/irp.py INSTANCE.dat ... --time-limit S --out DIR [--seed N]`` (or
``--quick``: four small instances at 10 s). Writes ``DIR/<name>.json`` (the solution, in the format
of the instances' README), ``DIR/results.csv`` and ``DIR/results.md``. Every solution is checked by
the independent checker and its cost recomputed before anything is written; a failed check is an
error row. Each (instance, solver, limit, seed, git commit) result is cached in ``DIR/cache/`` so a
long table can be resumed. The commit is the last one that changed the solver, the reader or
this script; the tables show only results of the current one.
Run timed benchmarks alone, one instance at a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np

from pickup_net.inventory import IRPProblem, cost, solve_irp, violations
from pickup_net.io.irp_files import read_irp, read_solution, write_solution

IRP = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "irp"
QUICK = ["S_abs1n5_2_L3", "S_abs1n10_2_L3", "S_abs3n25_2_H6", "S_abs1n50_2_L3"]
COLUMNS = ["instance", "n", "periods", "vehicles", "cost", "best_known", "gap_pct", "seconds"]
SOLVER = "ours"
#: Mean gap % targets per group and the time limit they are measured at.
TARGETS = {"S_": (0.5, 60.0), "L_": (2.5, 300.0)}


#: Files whose version a result depends on: the solver package, the instance reader, this script.
CODE = ["src/pickup_net/inventory", "src/pickup_net/io/irp_files.py", "benchmarks/irp.py"]


def code_version() -> str:
    """Last commit that changed ``CODE``, with ``+dirty`` when those files have local changes."""
    root = Path(__file__).resolve().parents[1]
    head = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%h", "--abbrev=12", "--", *CODE],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    dirty = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--", *CODE],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return head + ("+dirty" if dirty else "")


def best_known(path: Path) -> float | None:
    """Best known total of ``path`` from ``best_known.csv`` in its folder."""
    table = path.parent / "best_known.csv"
    if not table.exists():
        return None
    with table.open() as f:
        values = {row["name"]: float(row["best_known"]) for row in csv.DictReader(f)}
    return values.get(path.stem)


def run_one(path: Path, limit: float, seed: int, out: Path, version: str) -> dict:
    """One cached result: solve, write the solution, re-read it, check it and recompute its cost."""
    cache = out / "cache" / f"{path.stem}__{SOLVER}__{limit:g}s__seed{seed}__{version}.json"
    if cache.exists():
        return json.loads(cache.read_text())["row"]
    problem = read_irp(path)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    try:
        result = solve_irp(problem, limit, seed=seed)
    except RuntimeError as exc:
        return _error_row(path, problem, limit, seed, version, cache, str(exc), started)
    seconds = time.perf_counter() - started
    target = out / f"{path.stem}.json"
    write_solution(target, path.stem, result.solution, result.cost)
    _, stated, solution = read_solution(target, problem.periods)
    errors = violations(problem, solution)
    recomputed = cost(problem, solution).total
    if abs(recomputed - result.cost) > 1e-6 or abs(round(recomputed, 2) - stated) > 1e-9:
        errors.append(f"reported cost {result.cost:.2f} != recomputed {recomputed:.2f}")
    bk = best_known(path)
    row = {
        "instance": path.stem,
        "n": problem.n,
        "periods": problem.periods,
        "vehicles": problem.vehicles,
        "cost": f"error: {errors[0]}" if errors else round(recomputed, 2),
        "best_known": bk,
        "gap_pct": None if errors or bk is None else round(100 * (recomputed - bk) / bk, 3),
        "seconds": round(seconds, 2),
    }
    if errors:
        target.unlink()
    cache.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "limit": limit,
        "seed": seed,
        "version": version,
        "method": result.method,
        "stats": result.stats,
        "errors": errors,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    cache.write_text(json.dumps({"row": row, "meta": meta}))
    return row


def _error_row(
    path: Path,
    problem: IRPProblem,
    limit: float,
    seed: int,
    version: str,
    cache: Path,
    message: str,
    started: float,
) -> dict:
    """Cache and return the row of a run that raised: the error in place of the cost."""
    row = {
        "instance": path.stem,
        "n": problem.n,
        "periods": problem.periods,
        "vehicles": problem.vehicles,
        "cost": f"error: {message}",
        "best_known": best_known(path),
        "gap_pct": None,
        "seconds": round(time.perf_counter() - started, 2),
    }
    meta = {"limit": limit, "seed": seed, "version": version, "errors": [message]}
    meta |= {"load_before": os.getloadavg()[0], "load_after": os.getloadavg()[0]}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"row": row, "meta": meta}))
    return row


def write_tables(entries: list[dict], out: Path, limit: float, version: str) -> str:
    """Write ``results.csv`` and ``results.md`` from cached entries; return the Markdown."""
    rows = [e["row"] for e in entries]
    with (out / "results.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        f"# IRP benchmark at {limit:g} s per instance (code {version})",
        "",
        "| instance | n | periods | vehicles | cost | best known | gap % | seconds | load avg |",
        "|" + " --- |" * 9,
    ]
    for e in entries:
        r, meta = e["row"], e["meta"]
        gap = "" if r["gap_pct"] is None else f"{r['gap_pct'] + 0.0:.2f}".replace("-0.00", "0.00")
        lines.append(
            f"| {r['instance']} | {r['n']} | {r['periods']} | {r['vehicles']} | {r['cost']} | "
            f"{r['best_known']} | {gap} | {r['seconds']} | "
            f"{meta['load_before']:.1f} → {meta['load_after']:.1f} |"
        )
    lines += [
        "",
        "| group | instances | errors | mean gap % | worst instance (gap %) | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for prefix, (target, at) in TARGETS.items():
        group = [r for r in rows if r["instance"].startswith(prefix)]
        if not group:
            continue
        ok = [r for r in group if r["gap_pct"] is not None]
        errors = len(group) - len(ok)
        mean = f"{np.mean([r['gap_pct'] for r in ok]):.2f}" if ok else "-"
        worst = max(ok, key=lambda r: r["gap_pct"], default=None)
        worst_cell = f"{worst['instance']} ({worst['gap_pct']:.2f})" if worst else "-"
        lines.append(
            f"| {prefix}* | {len(group)} | {errors} | {mean} | {worst_cell} | "
            f"<= {target} at {at:g} s |"
        )
    text = "\n".join(lines) + "\n"
    (out / "results.md").write_text(text)
    return text


def main() -> None:
    """Parse arguments, run every instance not yet cached for this commit, write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="*", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="four small instances at 10 s")
    args = parser.parse_args()
    paths = args.instances or ([IRP / f"{name}.dat" for name in QUICK] if args.quick else [])
    if not paths:
        parser.error("give instances or --quick")
    limit = 10.0 if args.quick else args.time_limit
    out = args.out or Path(__file__).parent / "results" / f"irp_{limit:g}s"
    out.mkdir(parents=True, exist_ok=True)
    version = code_version()
    for path in paths:
        row = run_one(path, limit, args.seed, out, version)
        print(
            f"{row['instance']:>16} cost {row['cost']} best {row['best_known']} "
            f"gap {row['gap_pct']}% {row['seconds']} s",
            flush=True,
        )
    suffix = f"__{SOLVER}__{limit:g}s__seed{args.seed}__{version}.json"
    entries = [json.loads(p.read_text()) for p in sorted((out / "cache").glob(f"*{suffix}"))]
    print(write_tables(entries, out, limit, version))


if __name__ == "__main__":
    main()
