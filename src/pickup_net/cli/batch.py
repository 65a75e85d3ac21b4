"""`pickup-net batch`: run a sweep of scenario variants on Dask and write the comparison report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pickup_net.cli import app
from pickup_net.cli.extras import require_extra

if TYPE_CHECKING:
    from pickup_net.scale import VariantResult

_console = Console()


@app.command("batch")
def batch(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep YAML: base scenario and overrides.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for variants, CSV and report.")],
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address (default: local).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes.")] = 2,
) -> None:
    """Run every variant of a sweep in parallel; re-runs skip finished variants.

    Writes OUT/variants/<name>/ (plan files, result.json), OUT/results.csv and OUT/report.html.
    Exits with 1 when a variant failed (the others are still planned and reported).
    """
    require_extra("batch", "batch")
    from pickup_net.io.scenario_loader import ScenarioError
    from pickup_net.scale import SweepError, load_sweep, run_sweep, write_report

    try:
        sweep = load_sweep(sweep_file)
    except SweepError as error:
        _fail(error.messages)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=_console) as progress:
        task = progress.add_task(f"sweep {sweep.name}", total=len(sweep.variants))

        def report(result: VariantResult) -> None:
            progress.console.print(_line(result))
            progress.advance(task)

        try:
            results = run_sweep(sweep, out, scheduler=scheduler, workers=workers, on_result=report)
        except ScenarioError as error:
            _fail([f"base scenario {sweep.base}: {m}" for m in error.messages])
    csv_path, html_path = write_report(results, sweep.parameters, out, f"Sweep {sweep.name}")
    _console.print(_summary(results))
    _console.print(f"wrote {csv_path} and {html_path}")
    failed = [r.variant for r in results if not r.ok]
    if failed:
        _console.print(f"[red]{len(failed)} variant(s) failed: {', '.join(failed)}")
        raise typer.Exit(1)


def _line(result: VariantResult) -> str:
    if not result.ok:
        return f"[red]✗ {result.variant}[/red]: {result.error}"
    kpis = result.kpis
    how = "reused" if result.status == "reused" else f"{result.seconds:.0f} s"
    return (
        f"[green]✓ {result.variant}[/green] ({how}): {kpis['hubs_opened']} hubs, "
        f"pickup {kpis['pickup_share']:.0%}, {kpis['vans_used']} vans, "
        f"{kpis['km_driven']:.1f} km, cost {kpis['total_cost']:,.0f}"
    )


def _summary(results: list[VariantResult]) -> Table:
    table = Table("variant", "status", "hubs", "pickup", "vans", "km", "total cost")
    for r in results:
        k = r.kpis
        if r.ok:
            table.add_row(
                r.variant,
                r.status,
                str(k["hubs_opened"]),
                f"{k['pickup_share']:.0%}",
                str(k["vans_used"]),
                f"{k['km_driven']:.1f}",
                f"{k['total_cost']:,.0f}",
            )
        else:
            table.add_row(r.variant, "[red]failed", "", "", "", "", "")
    return table  # fmt: skip


def _fail(messages: list[str]) -> None:
    for message in messages:
        _console.print(f"[red]{message}")
    raise typer.Exit(2)
