"""`pickup-net matrix`: a travel-time table from a street file, as one would ask OSRM for it."""

from __future__ import annotations

import csv
import time
import warnings
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from pickup_net.cli import app

if TYPE_CHECKING:
    from pickup_net.network import Point


class Mode(StrEnum):
    """Travel mode of the table."""

    drive = "drive"
    walk = "walk"


def read_points_csv(path: Path) -> list[Point]:
    """Points from a CSV with columns `id,lon,lat`; ValueError naming the row and field."""
    from pickup_net.network import Point

    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"id", "lon", "lat"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
        points = []
        for row_number, row in enumerate(reader, start=2):
            try:
                lon, lat = float(row["lon"]), float(row["lat"])
            except (TypeError, ValueError):
                raise ValueError(
                    f"{path.name} line {row_number}: lon/lat {row['lon']!r}, {row['lat']!r} "
                    "are not numbers"
                ) from None
            points.append(Point(str(row["id"]), lon, lat))
    return points


@app.command("matrix")
def matrix(
    streets_file: Annotated[Path, typer.Argument(help="OSM extract (.osm.pbf, .osm, .osm.bz2).")],
    points_csv: Annotated[Path, typer.Argument(help="CSV with columns id,lon,lat.")],
    out: Annotated[Path, typer.Option("--out", help="Output .npz (ids, seconds, meters).")],
    mode: Annotated[Mode, typer.Option("--mode", help="drive or walk.")] = Mode.drive,
    max_snap_m: Annotated[
        float, typer.Option("--max-snap-m", help="Farthest a point may lie from a street.")
    ] = 500.0,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Cache of parsed extracts and matrices.")
    ] = None,
) -> None:
    """Write the many-to-many travel seconds and metres between the points to a .npz file."""
    import numpy as np

    from pickup_net.domain.budget import usable_cores
    from pickup_net.io.network_cache import cached_street_matrices
    from pickup_net.io.osm_loader import StreetDataWarning, load_street_network
    from pickup_net.network import SnapError

    console = Console(stderr=True)
    started = time.perf_counter()
    try:
        points = read_points_csv(points_csv)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", StreetDataWarning)
            network = load_street_network(streets_file, cache_dir)
        for warning in caught:
            console.print(f"[yellow]warning:[/] {warning.message}")
        loaded = time.perf_counter()
        result = cached_street_matrices(
            network, points, None, mode.value, max_snap_m, cache_dir, workers=usable_cores()
        )
    except (SnapError, ValueError, FileNotFoundError) as error:
        console.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=2) from None
    for message in result.warnings:
        console.print(f"[yellow]warning:[/] {message}")
    np.savez(
        out,
        ids=np.array(result.ids),
        seconds=result.seconds,
        meters=result.meters,
        unreachable=np.array(result.unreachable, dtype=str).reshape(-1, 2),
    )
    done = time.perf_counter()
    console.print(
        f"{len(points)}x{len(points)} {mode.value} matrix -> {out} "
        f"(streets {loaded - started:.2f} s, matrix {done - loaded:.2f} s, "
        f"{len(result.unreachable)} unreachable pairs)"
    )
