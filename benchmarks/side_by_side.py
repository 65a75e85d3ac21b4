"""How much two searches side by side on the two cores slow each other down (PyVRP iterations).

Usage: ``python benchmarks/side_by_side.py [INSTANCE.vrp] [--seconds S]``. Runs two PyVRP searches
of S seconds one after the other, then both at once, and writes
``results/side_by_side.{csv,md}``. ``engine="auto"`` always runs its two searches side by side,
while a reference in ``routing.py`` has the machine to itself; this is the speed that costs.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyvrp
from pyvrp.stop import MaxRuntime

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
RESULTS = Path(__file__).parent / "results"


def iterations(path: Path, seconds: float, seed: int) -> int:
    """PyVRP iterations completed on ``path`` in ``seconds``."""
    data = pyvrp.read(str(path), round_func="round")
    result = pyvrp.solve(data, stop=MaxRuntime(seconds), seed=seed, collect_stats=False)
    return result.num_iterations


def main() -> None:
    """Measure alone and side by side, print and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", nargs="?", type=Path, default=SHARED / "cvrp/X-n401-k29.vrp")
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    context = multiprocessing.get_context("fork")
    seeds = (1, 2)
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        alone = [pool.submit(iterations, args.instance, args.seconds, s).result() for s in seeds]
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        futures = [pool.submit(iterations, args.instance, args.seconds, s) for s in seeds]
        paired = [f.result() for f in futures]
    loss = 100 * (1 - sum(paired) / sum(alone))
    rows = [
        {"mode": mode, "seed": s, "iterations": n}
        for mode, counts in (("alone", alone), ("side by side", paired))
        for s, n in zip(seeds, counts, strict=True)
    ]
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / "side_by_side.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["mode", "seed", "iterations"])
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        f"PyVRP on {args.instance.stem}, {args.seconds:g} s per search, "
        f"{multiprocessing.cpu_count()} cores",
        "",
        "| mode | seed | iterations |",
        "| --- | --- | --- |",
        *(f"| {r['mode']} | {r['seed']} | {r['iterations']} |" for r in rows),
        "",
        f"Side by side: {loss:.1f}% fewer iterations than one after the other.",
    ]
    text = "\n".join(lines) + "\n"
    (RESULTS / "side_by_side.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
