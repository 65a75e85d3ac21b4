"""Routing problems as JSON files: what VRPLIB cannot carry (several windows, reloads, tiers).

The form (``"format": "pickup-net-routing-problem"``, ``"version": 1``)::

    {"format": "pickup-net-routing-problem", "version": 1, "name": "fontibon-day",
     "location_ids": ["depot:D1", "shop:S3", ...],
     "seconds": [[0, 412.5, ...], ...],        # n x n, null = unreachable
     "meters": [[0, 3120.0, ...], ...],        # n x n, null = unreachable
     "vehicles": [{"id": "van-1", "type_id": "van", "start_location": 0, "end_location": 0,
                   "capacity_liters": 1500, "capacity_kg": 600, "fixed_cost": 40000,
                   "cost_per_km": 900, "cost_per_hour": 12000, "speed_factor": 1.0,
                   "shift_start_s": 25200, "shift_end_s": 68400, "max_duration_s": null,
                   "max_trips": 3, "reload_s": 900}, ...],
     "stops": [{"id": "shop:S3", "kind": "replenish", "location": 1, "liters": 120.5,
                "kg": 40.2, "service_s": 600, "windows": [[32400, 46800], [57600, 72000]],
                "priority": 1}, ...]}

Times are seconds since midnight of the plan date, locations are indices into
``location_ids``; every field is checked on reading and the first bad one is named.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pickup_net.routing import RoutingProblem, Stop, TimeWindow, Vehicle

FORMAT = "pickup-net-routing-problem"
VERSION = 1
#: Largest problem read: locations (a matrix of this side) and file size.
MAX_LOCATIONS = 5000
MAX_FILE_BYTES = 512 * 1024 * 1024

_Id = Annotated[str, Field(min_length=1, max_length=200)]
_Index = Annotated[int, Field(ge=0, lt=MAX_LOCATIONS)]
_Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
_Second = Annotated[int, Field(ge=0, le=10 * 86_400)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Vehicle(_Strict):
    id: _Id
    type_id: _Id
    start_location: _Index
    end_location: _Index
    capacity_liters: _Amount
    capacity_kg: _Amount
    fixed_cost: _Amount
    cost_per_km: _Amount
    cost_per_hour: _Amount
    speed_factor: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] = 1.0
    shift_start_s: _Second = 0
    shift_end_s: _Second = 86_400
    max_duration_s: _Second | None = None
    max_trips: Annotated[int, Field(ge=1, le=10)] = 1
    reload_s: _Second = 0


class _Stop(_Strict):
    id: _Id
    kind: Literal["replenish", "home"]
    location: _Index
    liters: _Amount
    kg: _Amount
    service_s: _Second
    windows: list[tuple[_Second, _Second]] = Field(default_factory=list, max_length=24)
    priority: Annotated[int, Field(ge=0, le=3)] = 1


class _Problem(_Strict):
    format: Literal["pickup-net-routing-problem"]
    version: Literal[1]
    name: Annotated[str, Field(max_length=200)] = ""
    location_ids: list[_Id] = Field(min_length=1, max_length=MAX_LOCATIONS)
    seconds: list[list[_Amount | None]]
    meters: list[list[_Amount | None]]
    vehicles: list[_Vehicle] = Field(max_length=1000)
    stops: list[_Stop] = Field(max_length=MAX_LOCATIONS * 4)


def read_routing_problem(path: str | Path) -> tuple[str, RoutingProblem]:
    """Read a routing problem file: its name and the problem.

    Raises
    ------
    ValueError
        If the file is too large, not JSON, or a field is missing or out of range (named).
    """
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    try:
        raw = _Problem.model_validate_json(path.read_bytes())
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ValueError(f"{path}: {where}: {first['msg']}") from None
    n = len(raw.location_ids)
    matrices = {}
    for name in ("seconds", "meters"):
        rows = getattr(raw, name)
        if len(rows) != n or any(len(row) != n for row in rows):
            raise ValueError(f"{path}: {name}: not a {n} x {n} matrix")
        matrices[name] = np.array(
            [[math.inf if x is None else x for x in row] for row in rows], dtype=float
        )
    vehicles = [Vehicle(**v.model_dump()) for v in raw.vehicles]
    stops = [
        Stop(
            **s.model_dump(exclude={"windows"}),
            windows=tuple(TimeWindow(a, b) for a, b in s.windows),
        )
        for s in raw.stops
    ]
    try:
        problem = RoutingProblem(
            list(raw.location_ids), matrices["seconds"], matrices["meters"], vehicles, stops
        )
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return raw.name, problem


def write_routing_problem(path: str | Path, problem: RoutingProblem, name: str = "") -> None:
    """Write ``problem`` in the documented JSON form (unreachable pairs as null)."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "location_ids": list(problem.location_ids),
        "seconds": _matrix(problem.seconds),
        "meters": _matrix(problem.meters),
        "vehicles": [_Vehicle.model_validate(v, from_attributes=True).model_dump()
                     for v in problem.vehicles],
        "stops": [
            {
                "id": s.id,
                "kind": s.kind,
                "location": s.location,
                "liters": s.liters,
                "kg": s.kg,
                "service_s": s.service_s,
                "windows": [[w.start_s, w.end_s] for w in s.windows],
                "priority": s.priority,
            }
            for s in problem.stops
        ],
    }  # fmt: skip
    Path(path).write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")


def _matrix(values: np.ndarray) -> list[list[float | None]]:
    return [[float(x) if math.isfinite(x) else None for x in row] for row in np.asarray(values)]
