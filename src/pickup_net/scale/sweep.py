"""A sweep file: a base scenario and the parameter overrides that make each variant.

A sweep YAML names its base scenario (relative to the sweep file) and any mix of

- ``set``: overrides applied to every variant,
- ``grid``: dotted paths each with a list of values; every combination is one variant,
- ``variants``: a list of ``{name, set}`` entries, one variant each.

Paths are dotted into the `Scenario`: ``parameters.max_walk_m``, ``vehicle_types[0].count`` (by
position) or ``vehicle_types[van].count`` (by id), ``parameters.demand_scale`` for growth.
"""

import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pickup_net.domain import Scenario
from pickup_net.io.scenario_loader import format_errors

_STEP = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?P<indices>(\[[^\]]+\])*)$")
_INDEX = re.compile(r"\[([^\]]+)\]")
_UNSAFE = re.compile(r"[^A-Za-z0-9._=+-]+")


class SweepError(ValueError):
    """A sweep file that cannot be expanded; `messages` holds one line per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


class OverrideError(ValueError):
    """An override that does not fit the scenario (unknown path or invalid value)."""


@dataclass(frozen=True)
class Variant:
    """One run of a sweep: a file-safe name and the overrides (dotted path -> value) it applies."""

    name: str
    overrides: dict[str, Any]

    def fingerprint(self, base_digest: str) -> str:
        """A digest of the base scenario and the overrides: a finished result is reused only when
        both are unchanged."""
        payload = json.dumps([base_digest, self.overrides], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass
class Sweep:
    """A parsed sweep: where the base scenario is, and the variants to run in order."""

    name: str
    base: Path
    variants: list[Variant] = field(default_factory=list)

    @property
    def parameters(self) -> list[str]:
        """Every dotted path some variant overrides, in first-seen order (the report's columns)."""
        seen: dict[str, None] = {}
        for variant in self.variants:
            seen.update(dict.fromkeys(variant.overrides))
        return list(seen)


def load_sweep(path: Path) -> Sweep:
    """Read and expand the sweep YAML at `path`.

    Raises
    ------
    SweepError
        When the file is not a mapping, the base is missing, a grid entry is not a non-empty list,
        or two variants share a name.
    """
    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SweepError([f"{path.name}: cannot read sweep ({error})"]) from None
    if not isinstance(spec, dict):
        raise SweepError([f"{path.name}: expected a mapping with keys base, set, grid, variants"])
    return expand_sweep(spec, path.parent, default_name=path.stem)


def expand_sweep(spec: dict[str, Any], root: Path, default_name: str = "sweep") -> Sweep:
    """Expand a parsed sweep mapping (paths relative to `root`) into its variants."""
    problems: list[str] = []
    unknown = set(spec) - {"name", "base", "set", "grid", "variants"}
    problems += [f"unknown key {key!r} (expected base, set, grid, variants)" for key in unknown]
    base = spec.get("base")
    if not isinstance(base, str) or not base:
        problems.append(f"base: {base!r} is not a scenario path")
    elif not (root / base).is_file():
        problems.append(f"base: file {base!r} does not exist")
    common = spec.get("set") or {}
    if not isinstance(common, dict):
        problems.append(f"set: {common!r} is not a mapping of path: value")
        common = {}
    grid = spec.get("grid") or {}
    if not isinstance(grid, dict):
        problems.append(f"grid: {grid!r} is not a mapping of path: [values]")
        grid = {}
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            problems.append(f"grid.{key}: {values!r} is not a non-empty list of values")
    listed = spec.get("variants") or []
    if not isinstance(listed, list):
        problems.append(f"variants: {listed!r} is not a list")
        listed = []
    variants: list[Variant] = []
    if grid and not problems:
        keys = list(grid)
        for values in itertools.product(*(grid[key] for key in keys)):
            chosen = dict(zip(keys, values, strict=True))
            variants.append(Variant(_auto_name(chosen), {**common, **chosen}))
    for i, entry in enumerate(listed):
        if not isinstance(entry, dict) or not isinstance(entry.get("set", {}), dict):
            problems.append(f"variants[{i}]: {entry!r} is not a mapping with name and set")
            continue
        chosen = entry.get("set") or {}
        name = str(entry.get("name") or _auto_name(chosen))
        if _UNSAFE.search(name):
            problems.append(f"variants[{i}].name: {name!r} may hold only letters, digits, ._=+-")
            continue
        variants.append(Variant(name, {**common, **chosen}))
    if not grid and not listed and not problems:
        variants.append(Variant("base", dict(common)))
    names = [variant.name for variant in variants]
    problems += [f"variant name {n!r} appears {names.count(n)} times" for n in sorted(set(names))
                 if names.count(n) > 1]  # fmt: skip
    if problems:
        raise SweepError(problems)
    return Sweep(name=str(spec.get("name") or default_name), base=root / base, variants=variants)


def apply_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """Return a validated copy of `scenario` with each dotted path set to its value.

    Raises
    ------
    OverrideError
        Naming the path and value when a path does not exist or the result does not validate.
    """
    if not overrides:
        return scenario
    data = scenario.model_dump(mode="json", exclude={"orders"})
    for path, value in overrides.items():
        _set_path(data, path, value)
    data["orders"] = scenario.orders
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise OverrideError("; ".join(format_errors(error))) from None


def scenario_digest(scenario: Scenario) -> str:
    """A short digest of the whole scenario, to tell when a finished variant is stale."""
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()[:16]


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `data` at dotted `path` (list steps by position or by the item's id)."""
    target: Any = data
    steps = path.split(".")
    for depth, step in enumerate(steps):
        match = _STEP.match(step)
        if match is None:
            raise OverrideError(f"{path}: {step!r} is not a field name")
        key = match["key"]
        indices = _INDEX.findall(match["indices"])
        last = depth == len(steps) - 1 and not indices
        if not isinstance(target, dict) or key not in target:
            raise OverrideError(f"{path}: no field {key!r} in {_where(steps, depth)}")
        if last:
            target[key] = value
            return
        container = target[key]
        for n, index in enumerate(indices):
            container_index = _list_index(container, index, path)
            if depth == len(steps) - 1 and n == len(indices) - 1:
                container[container_index] = value
                return
            container = container[container_index]
        target = container


def _list_index(container: Any, index: str, path: str) -> int:
    """The position in `container` named by `index`: an integer or an item id."""
    if not isinstance(container, list):
        raise OverrideError(f"{path}: [{index}] indexes something that is not a list")
    if index.lstrip("-").isdigit():
        position = int(index)
        if not -len(container) <= position < len(container):
            last = len(container) - 1
            raise OverrideError(f"{path}: index {position} is out of range (0..{last})")
        return position
    for position, item in enumerate(container):
        if isinstance(item, dict) and str(item.get("id")) == index:
            return position
    raise OverrideError(f"{path}: no item with id {index!r}")


def _where(steps: list[str], depth: int) -> str:
    return ".".join(steps[:depth]) or "the scenario"


def _auto_name(chosen: dict[str, Any]) -> str:
    """A file-safe name from the overridden values, e.g. ``max_walk_m=400_n_hubs=10``."""
    if not chosen:
        return "base"
    parts = [f"{_leaf(path)}={value}" for path, value in chosen.items()]
    return _UNSAFE.sub("-", "_".join(parts)).strip("-") or "variant"


def _leaf(path: str) -> str:
    """The last step, qualified by its list item when alone it is ambiguous (``van.count``)."""
    steps = path.split(".")
    leaf = steps[-1]
    if leaf in {"count", "id", "name"} and len(steps) > 1:
        match = _STEP.match(steps[-2])
        indices = _INDEX.findall(match["indices"]) if match else []
        owner = indices[-1] if indices and not indices[-1].isdigit() else steps[-2]
        return f"{owner}.{leaf}"
    return leaf
