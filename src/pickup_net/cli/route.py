"""`pickup-net route`: solve one VRPLIB instance (CVRP or VRPTW) and write its solution."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pickup_net.cli import app


@app.command("route")
def route(
    instance: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="VRPLIB file")],
    out: Annotated[Path, typer.Option("--out", help="VRPLIB solution file to write")],
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds", min=0.1)] = 10.0,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    engine: Annotated[str, typer.Option(help="auto, ortools or pyvrp")] = "auto",
) -> None:
    """Route a VRPLIB instance with the routing stage and write `Route #k` lines and the cost."""
    from pickup_net.io.vrplib_files import read_vrplib, result_routes, routes_cost, write_solution
    from pickup_net.routing import solve_routing

    console = Console()
    vi = read_vrplib(instance)
    result = solve_routing(vi.problem, time_limit, seed=seed, engine=engine)  # type: ignore[arg-type]
    routes = result_routes(result)
    cost = routes_cost(vi, routes)
    write_solution(out, routes, cost)
    engines = ", ".join(sorted({r.engine for r in result.routes})) or "none"
    console.print(
        f"{vi.name}: cost {cost:g} ({vi.convention}), {len(routes)} routes, "
        f"{len(result.unassigned)} unassigned, engine {engines}, "
        f"{result.stats['seconds']:.1f} s -> {out}"
    )
    for u in result.unassigned[:10]:
        console.print(f"  unassigned {u.stop_id}: {u.reason}")
