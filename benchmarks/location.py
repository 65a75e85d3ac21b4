"""Location benchmark on OR-Library p-median (pmed) and capacitated p-median (pmedcap) instances.

Usage::

    python benchmarks/location.py ../shared/benchmarks/orlib/pmed1.txt ... --out DIR
    python benchmarks/location.py ../shared/benchmarks/orlib/pmedcap1.txt --out DIR
    python benchmarks/location.py --quick --out DIR          # a few instances, 10 s each
    python benchmarks/location.py --city --out DIR           # 10,000 shops x 50,000 points

Writes ``DIR/<name>.json`` (``medians`` as 1-based vertex ids, ``assignment`` = the 1-based median
serving each vertex, ``objective``, ``lower_bound``, ``proven_optimal``, ``seconds``) and
``DIR/results.csv`` plus ``DIR/results.md``. ``--steps N`` gives pickup_net a deterministic work
limit (the time limit is then a safety net; ``clock_hit`` in the JSON says if it cut).
``--references`` also runs spopt's ``PMedian`` (PuLP/CBC) and a plain strong-formulation MIP
(OR-Tools + HiGHS) with the same time limit; every (instance, solver, limit) result is cached
under ``DIR/cache/`` so a long table can be resumed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from pickup_net.location import LocationProblem, solve_location

ORLIB = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "orlib"
RESULTS = Path(__file__).resolve().parent / "results"
QUICK = ["pmed1.txt", "pmed6.txt", "pmed16.txt"]


@dataclass(frozen=True)
class PMedianInstance:
    """A p-median instance: full cost matrix, medians wanted, optional demand and capacity."""

    name: str
    cost: np.ndarray  # (n, n) vertex-to-vertex cost
    p: int
    demand: np.ndarray | None = None  # (n,) for capacitated instances
    capacity: float | None = None


def read_pmed(path: Path) -> PMedianInstance:
    """OR-Library pmed file: n, edges, p, then undirected edges (the last copy of an edge wins)."""
    numbers = path.read_text().split()
    n, e, p = int(numbers[0]), int(numbers[1]), int(numbers[2])
    triples = np.array(numbers[3 : 3 + 3 * e], dtype=np.int64).reshape(e, 3)
    weight: dict[tuple[int, int], int] = {}
    for a, b, c in triples:
        weight[min(a, b) - 1, max(a, b) - 1] = int(c)
    rows = np.array([k[0] for k in weight]), np.array([k[1] for k in weight])
    graph = sp.coo_array((np.array(list(weight.values()), float), rows), shape=(n, n)).tocsr()
    cost = shortest_path(graph, method="D", directed=False)
    return PMedianInstance(path.stem, cost, p)


def read_pmedcap(path: Path) -> list[PMedianInstance]:
    """OR-Library pmedcap1 file: 20 instances; cost = floor of the Euclidean distance."""
    numbers = path.read_text().split()
    count, pos = int(numbers[0]), 1
    out = []
    for _ in range(count):
        number = int(numbers[pos])
        n, p, capacity = int(numbers[pos + 2]), int(numbers[pos + 3]), float(numbers[pos + 4])
        pos += 5
        table = np.array(numbers[pos : pos + 4 * n], dtype=float).reshape(n, 4)
        pos += 4 * n
        xy = table[:, 1:3]
        cost = np.floor(np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)))
        name = f"{path.stem}_{number:02d}"
        out.append(PMedianInstance(name, cost, p, table[:, 3], capacity))
    return out


def to_problem(inst: PMedianInstance) -> LocationProblem:
    """The instance as a LocationProblem: every vertex is a customer and a candidate shop."""
    n = inst.cost.shape[0]
    ids = [str(v + 1) for v in range(n)]
    if inst.demand is None:
        demand, capacity = np.ones(n), np.full(n, np.inf)
    else:
        demand, capacity = inst.demand, np.full(n, inst.capacity)
    return LocationProblem(
        customer_ids=ids,
        shop_ids=ids,
        demand=demand,
        capacity=capacity,
        assign_cost=inst.cost,
        home_cost=np.full(n, np.inf),
        n_hubs=inst.p,
    )


def run_ours(
    inst: PMedianInstance, time_limit_s: float, finisher: str = "auto", steps: int | None = None
) -> dict:
    """Solve with pickup_net.location and return the JSON record."""
    start = time.monotonic()
    result = solve_location(
        to_problem(inst), time_limit_s=time_limit_s, finisher=finisher, steps=steps
    )
    seconds = time.monotonic() - start
    medians = sorted(int(s) for s in result.open_shops)
    assignment = [int(result.assignment[str(v + 1)]) for v in range(inst.cost.shape[0])]
    return {
        "medians": medians,
        "assignment": assignment,
        "objective": result.objective,
        "lower_bound": result.lower_bound,
        "proven_optimal": result.proven_optimal,
        "seconds": seconds,
        "method": result.method,
        "steps": result.steps,
        "clock_hit": result.clock_hit,
    }


def run_plain_mip(inst: PMedianInstance, time_limit_s: float) -> dict:
    """Reference: the strong formulation in OR-Tools with HiGHS, model building inside the limit."""
    from ortools.linear_solver import pywraplp

    start = time.monotonic()
    n = inst.cost.shape[0]
    solver = pywraplp.Solver.CreateSolver("HIGHS")
    y = [solver.BoolVar(f"y{j}") for j in range(n)]
    x = [[solver.NumVar(0, 1, "") for _ in range(n)] for _ in range(n)]
    solver.Add(sum(y) == inst.p)
    objective = solver.Objective()
    for i in range(n):
        solver.Add(sum(x[i]) == 1)
        for j in range(n):
            solver.Add(x[i][j] <= y[j])
            objective.SetCoefficient(x[i][j], float(inst.cost[i, j]))
    if inst.demand is not None:
        for j in range(n):
            solver.Add(sum(inst.demand[i] * x[i][j] for i in range(n)) <= inst.capacity * y[j])
        for row in x:
            for var in row:
                var.SetInteger(True)
    objective.SetMinimization()
    solver.SetTimeLimit(int(max(1.0, time_limit_s - (time.monotonic() - start)) * 1000))
    status = solver.Solve()
    seconds = time.monotonic() - start
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return {
            "medians": [],
            "objective": None,
            "lower_bound": None,
            "proven_optimal": False,
            "seconds": seconds,
        }
    medians = [j + 1 for j in range(n) if y[j].solution_value() > 0.5]
    optimal = status == pywraplp.Solver.OPTIMAL
    return {
        "medians": medians,
        "objective": objective.Value(),
        "lower_bound": objective.Value() if optimal else objective.BestBound(),
        "proven_optimal": optimal,
        "seconds": seconds,
    }


def run_spopt(inst: PMedianInstance, time_limit_s: float) -> dict:
    """Reference: spopt PMedian (PuLP + CBC); 'proven' only when CBC stopped before the limit."""
    import pulp
    from spopt.locate import PMedian

    start = time.monotonic()
    n = inst.cost.shape[0]
    weights = np.ones(n) if inst.demand is None else inst.demand
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s)
    if inst.demand is None:
        model = PMedian.from_cost_matrix(inst.cost, weights, p_facilities=inst.p)
    else:
        # spopt weights the objective by demand; dividing costs by demand keeps the
        # OR-Library objective (plain distance sum) while demand still loads capacity
        model = PMedian.from_cost_matrix(
            inst.cost / weights[:, None],
            weights,
            p_facilities=inst.p,
            facility_capacities=np.full(n, inst.capacity),
        )
    try:
        model = model.solve(solver)
    except RuntimeError as error:  # spopt raises when CBC stops without a solution
        seconds = time.monotonic() - start
        return {
            "medians": [],
            "objective": None,
            "lower_bound": None,
            "proven_optimal": False,
            "seconds": seconds,
            "status": str(error),
        }
    seconds = time.monotonic() - start
    medians = [
        j + 1 for j in range(n) if model.fac_vars[j].value() and model.fac_vars[j].value() > 0.5
    ]
    value = pulp.value(model.problem.objective)
    objective = value if inst.demand is not None or not medians else _objective_of(inst, medians)
    status = pulp.LpStatus[model.problem.status]
    return {
        "medians": medians,
        "objective": objective,
        "lower_bound": None,
        "proven_optimal": status == "Optimal" and seconds < time_limit_s * 0.98,
        "seconds": seconds,
        "status": status,
    }


def _objective_of(inst: PMedianInstance, medians: list[int]) -> float:
    """Uncapacitated p-median cost of a median set."""
    return float(inst.cost[:, [m - 1 for m in medians]].min(axis=1).sum())


def city_problem(n_shops: int, n_points: int, seed: int = 0) -> LocationProblem:
    """Synthetic city on a 20 km square: clustered shops and demand, 500 m walking limit.

    Demand points carry expected pickups/day; walking pairs come from a k-d tree as a sparse
    CSR (cost = pickups x walked metres x 0.002, street circuity 1.3); home delivery costs
    1.5 per pickup; hubs cost 4 to 8 a day; a few existing hubs stay open, some shops decline.
    """
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    side_m, walk_m, circuity = 20_000.0, 500.0, 1.3
    centres = rng.uniform(0, side_m, size=(60, 2))

    def clustered(count: int) -> np.ndarray:
        which = rng.integers(0, centres.shape[0], size=count)
        spread = rng.uniform(600, 2500, size=centres.shape[0])[which, None]
        return np.clip(centres[which] + rng.normal(0, 1, (count, 2)) * spread, 0, side_m)

    shops_xy, points_xy = clustered(n_shops), clustered(n_points)
    pickups = rng.gamma(2.0, 0.15, size=n_points)
    pairs = cKDTree(points_xy).sparse_distance_matrix(
        cKDTree(shops_xy), walk_m / circuity, output_type="coo_matrix"
    )
    walked_m = pairs.data * circuity
    cost = sp.csr_array(
        (pickups[pairs.row] * walked_m * 0.002 + 1e-3, (pairs.row, pairs.col)),
        shape=(n_points, n_shops),
    )
    shop_ids = [f"shop{j}" for j in range(n_shops)]
    status = rng.uniform(size=n_shops)
    return LocationProblem(
        customer_ids=[f"zone{i}" for i in range(n_points)],
        shop_ids=shop_ids,
        demand=pickups,
        capacity=np.full(n_shops, 1e6),
        assign_cost=cost,
        home_cost=1.5 * pickups,
        fixed_cost=rng.uniform(4.0, 8.0, size=n_shops),
        force_open=frozenset(s for s, u in zip(shop_ids, status, strict=True) if u < 0.005),
        force_closed=frozenset(s for s, u in zip(shop_ids, status, strict=True) if u > 0.95),
    )


def run_city(n_shops: int, n_points: int, time_limit_s: float, out: Path) -> dict:
    """Solve the synthetic city and write its summary (JSON, CSV, Markdown)."""
    start = time.monotonic()
    problem = city_problem(n_shops, n_points)
    built_s = time.monotonic() - start
    result = solve_location(problem, time_limit_s=time_limit_s)
    home = sum(v is None for v in result.assignment.values())
    reasons: dict[str, int] = {}
    for why in result.home_reasons.values():
        reasons[why] = reasons.get(why, 0) + 1
    record = {
        "instance": f"city_{n_shops}x{n_points}",
        "shops": n_shops,
        "demand_points": n_points,
        "allowed_pairs": int(problem.assign_cost.nnz),
        "time_limit_s": time_limit_s,
        "build_s": round(built_s, 2),
        "solve_s": round(result.seconds, 2),
        "hubs": len(result.open_shops),
        "home_delivery_points": home,
        "home_reasons": reasons,
        "objective": round(result.objective, 3),
        "lower_bound": round(result.lower_bound, 3),
        "gap_pct": round(100 * result.gap, 4),
        "proven_optimal": result.proven_optimal,
        "method": result.method,
        "machine": f"{os.cpu_count()} cores shared with other sessions, load average "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    out.mkdir(parents=True, exist_ok=True)
    name = record["instance"]
    (out / f"{name}.json").write_text(json.dumps(record, indent=1))
    flat = {k: v for k, v in record.items() if k != "home_reasons"}
    with (out / f"{name}.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(flat))
        writer.writeheader()
        writer.writerow(flat)
    lines = [f"| {k} | {v} |" for k, v in record.items()]
    (out / f"{name}.md").write_text("| field | value |\n|---|---|\n" + "\n".join(lines) + "\n")
    return record


def load_optima() -> dict[str, float]:
    """Known optima from optima.csv."""
    path = ORLIB / "optima.csv"
    with path.open() as fh:
        return {row["instance"]: float(row["optimum"]) for row in csv.DictReader(fh)}


def main() -> None:
    """Command line: solve instances, write JSON per instance and the results tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("instances", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=RESULTS / "location")
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--quick", action="store_true", help="a few pmed instances at 10 s")
    parser.add_argument("--references", action="store_true", help="also run spopt and plain MIP")
    parser.add_argument(
        "--solvers", help="comma list of pickup_net, ortools_highs_plain, spopt_cbc"
    )
    parser.add_argument("--reference-max-n", type=int, default=400, help="largest n for references")
    parser.add_argument("--fresh", action="store_true", help="re-run pickup_net despite the cache")
    parser.add_argument(
        "--steps", type=int, help="deterministic work limit for pickup_net (time = safety net)"
    )
    parser.add_argument("--city", action="store_true", help="10,000 shops x 50,000 points")
    parser.add_argument("--city-size", type=int, nargs=2, default=(10_000, 50_000))
    args = parser.parse_args()
    if args.city:
        limit = args.time_limit if args.time_limit != 20.0 else 300.0
        print(json.dumps(run_city(*args.city_size, limit, args.out), indent=1))
        return
    paths = list(args.instances)
    if args.quick:
        paths, args.time_limit = [ORLIB / q for q in QUICK], 10.0
    instances: list[PMedianInstance] = []
    for path in paths:
        instances += read_pmedcap(path) if path.stem.startswith("pmedcap") else [read_pmed(path)]
    optima = load_optima()
    args.out.mkdir(parents=True, exist_ok=True)
    every = {"pickup_net": run_ours, "ortools_highs_plain": run_plain_mip, "spopt_cbc": run_spopt}
    every["pickup_net"] = partial(run_ours, steps=args.steps)
    for finisher in ("tree", "HIGHS", "SCIP", "CP_SAT"):
        every[f"pickup_net_{finisher.lower()}"] = partial(
            run_ours, finisher=finisher, steps=args.steps
        )
    names = args.solvers.split(",") if args.solvers else ["pickup_net"]
    if args.references:
        names += ["ortools_highs_plain", "spopt_cbc"]
    solvers = {name: every[name] for name in dict.fromkeys(names)}
    primary = next(name for name in solvers if name.startswith("pickup_net"))
    rows = []
    for inst in instances:
        for solver_name, run in solvers.items():
            ours = solver_name.startswith("pickup_net")
            if not ours and inst.cost.shape[0] > args.reference_max_n:
                continue
            record = _cached(args, inst, solver_name, run)
            if solver_name == primary:
                (args.out / f"{inst.name}.json").write_text(json.dumps(record, indent=1))
            rows.append(_row(inst, solver_name, args.time_limit, record, optima.get(inst.name)))
            print(_format(rows[-1]), flush=True)
    _write_tables(args.out, rows)


def _cached(args: argparse.Namespace, inst: PMedianInstance, solver: str, run) -> dict:
    """Result of (instance, solver, limit) from the cache, or run and cache it."""
    work = f"__{args.steps}steps" if args.steps and solver.startswith("pickup_net") else ""
    cache = args.out / "cache" / f"{inst.name}__{solver}__{args.time_limit:g}s{work}.json"
    if cache.exists() and not (args.fresh and solver.startswith("pickup_net")):
        return json.loads(cache.read_text())
    record = run(inst, args.time_limit)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(record))
    return record


def _row(inst: PMedianInstance, solver: str, limit: float, rec: dict, opt: float | None) -> dict:
    """One results-table row."""
    objective = rec.get("objective")
    gap = None
    if objective is not None and opt:
        gap = 100.0 * (objective - opt) / opt
    return {
        "instance": inst.name,
        "n": inst.cost.shape[0],
        "p": inst.p,
        "solver": solver,
        "time_limit_s": limit,
        "objective": objective,
        "lower_bound": rec.get("lower_bound"),
        "optimum": opt,
        "gap_to_optimum_pct": None if gap is None else round(gap, 4),
        "proven_optimal": rec.get("proven_optimal"),
        "seconds": round(rec["seconds"], 2),
    }


def _format(row: dict) -> str:
    """A printed table line."""
    return "  ".join(f"{k}={v}" for k, v in row.items())


def _write_tables(out: Path, rows: list[dict]) -> None:
    """results.csv and results.md with a per-solver summary."""
    if not rows:
        return
    with (out / "results.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, "
        f"load average at the end {load} (other sessions were working on the machine).",
        "",
        "| " + " | ".join(rows[0]) + " |",
        "|" + "---|" * len(rows[0]),
    ]
    lines += [
        "| " + " | ".join("" if v is None else str(v) for v in r.values()) + " |" for r in rows
    ]
    lines.append("")
    for solver in dict.fromkeys(r["solver"] for r in rows):
        mine = [r for r in rows if r["solver"] == solver]
        proven = sum(bool(r["proven_optimal"]) for r in mine)
        total = sum(r["seconds"] for r in mine)
        worst = max(r["seconds"] for r in mine)
        at_opt = sum(
            r["objective"] is not None
            and r["optimum"] is not None
            and math.isclose(r["objective"], r["optimum"], abs_tol=1e-6)
            for r in mine
        )
        lines.append(
            f"- {solver}: {proven}/{len(mine)} proven optimal, {at_opt}/{len(mine)} at the known "
            f"optimum, total {total:.1f} s, worst {worst:.1f} s"
        )
    (out / "results.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
