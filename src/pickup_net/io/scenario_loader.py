"""Read a scenario YAML and the CSV/GeoJSON files it names into a validated `Scenario`.

Every problem is reported as one line naming the file, the line or feature, the field and the bad
value, and loading stops before anything is written anywhere. CSV rows are read and validated one
at a time, so each row is held once, as its model, and a row limit stops reading at once.
"""

import re
from array import array
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from pickup_net.domain import Depot, Order, Parameters, Product, Scenario, Shop, VehicleType
from pickup_net.domain.scenario import CalendarEvent, InventoryLine
from pickup_net.io.table_files import FileProblem, count_csv_rows, read_csv, read_geojson, read_text

TABLES: dict[str, type[BaseModel]] = {
    "shops": Shop,
    "products": Product,
    "orders": Order,
    "depots": Depot,
    "vehicle_types": VehicleType,
}
OPTIONAL_TABLES: dict[str, type[BaseModel]] = {"inventory": InventoryLine, "events": CalendarEvent}
"""Tables a scenario may leave out (no `inventory`: hubs start empty; no `events`: no declared
promotions)."""
_MAX_REPORTED = 30
_SHOWN_CHARS = 80


class ScenarioError(ValueError):
    """A scenario that cannot be planned; `messages` holds one line per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


class TooManyRows(ScenarioError):
    """A table with more rows than its limit; `table` and `limit` name which one."""

    def __init__(self, file: str, table: str, limit: int) -> None:
        super().__init__([f"{file}: {table}: more than {limit} rows (the limit is {limit})"])
        self.table = table
        self.limit = limit


def load_scenario(path: Path, max_rows: Mapping[str, int] | None = None) -> Scenario:
    """Load and validate the scenario YAML at `path`; street file paths become absolute.

    Parameters
    ----------
    max_rows
        Optional row limit per table (`"orders"`, `"shops"`, ...); reading stops past it.

    Raises
    ------
    TooManyRows
        When a table has more rows than `max_rows` allows.
    ScenarioError
        With one message per problem found (file, line, field and value named): problems in
        rows and problems between files (unknown product ids, duplicates) in one pass.
    """
    return load_located(path, max_rows)[0]


Locator = Callable[[list[str]], list[str]]
"""Rewrites messages like `orders[4].lon: ...` to name the file and line of `orders[4]`."""


def load_located(path: Path, max_rows: Mapping[str, int] | None = None) -> tuple[Scenario, Locator]:
    """`load_scenario`, and the function that names file and line for `table[i]` messages."""
    path = Path(path)
    spec = _read_yaml(path)
    problems: list[str] = []
    data: dict[str, Any] = {"name": spec.get("name") or path.stem}
    for key in ("currency", "timezone"):
        if key in spec:
            data[key] = spec[key]
    sources: dict[str, tuple[str, array]] = {}
    broken: set[str] = set()
    for table, model in {**TABLES, **OPTIONAL_TABLES}.items():
        if table not in spec and table in OPTIONAL_TABLES:
            continue
        if table not in spec:
            problems.append(f"{path.name}: missing key {table!r} (the {table} file)")
            broken.add(table)
            continue
        name = str(spec[table])[:200]
        limit = (max_rows or {}).get(table)
        rows, lines, read_problems = _read_table(path.parent / name, name, model, table, limit)
        problems += read_problems
        broken |= {table} if read_problems else set()
        data[table] = rows
        sources[table] = (name, lines)
    if "parameters" in spec:
        try:
            data["parameters"] = Parameters.model_validate(spec["parameters"] or {})
        except ValidationError as error:
            problems += [f"{path.name}: parameters.{m}" for m in format_errors(error)]
    if spec.get("streets"):
        problems += _check_streets(path, str(spec["streets"])[:200], data)
    known = {"name", "currency", "timezone", "streets", "parameters", *TABLES, *OPTIONAL_TABLES}
    unknown = set(spec) - known
    problems += [f"{path.name}: unknown key {str(key)[:80]!r}" for key in sorted(map(str, unknown))]

    def locate(messages: list[str]) -> list[str]:
        return _locate(messages, sources)

    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        cross = locate(format_errors(error))
        if problems:
            cross = [m for m in cross if not m.startswith(tuple(f"{t}:" for t in broken))]
        raise ScenarioError((problems + cross)[:_MAX_REPORTED]) from None
    if problems:
        raise ScenarioError(problems[:_MAX_REPORTED])
    return scenario, locate


def _check_streets(path: Path, name: str, data: dict[str, Any]) -> list[str]:
    """Problems with the street file (missing, or not an OSM extract); records its full path."""
    from pickup_net.io.osm_loader import osm_file_problem

    streets = (path.parent / name).resolve()
    data["streets_file"] = str(streets)
    if not streets.is_file():
        return [f"{path.name}: streets: file {name!r} does not exist"]
    problem = osm_file_problem(streets, name)
    return [] if problem is None else [f"{path.name}: {problem}"]


def format_errors(error: ValidationError) -> list[str]:
    """Turn a pydantic error into lines like `shops[12].lon: 190.0 is not a longitude`."""
    lines = []
    for item in error.errors():
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"]
        )
        message = item["msg"].removeprefix("Value error, ")
        if not item["loc"]:
            lines += message.split("; ")
            continue
        value = item.get("input")
        shown = (
            ""
            if isinstance(value, dict | list) or str(value) in message
            else f" (got {_short(value)})"
        )
        lines.append(f"{where.lstrip('.')}: {message}{shown}")
    return lines


def _short(value: object) -> str:
    """The repr of a bad value, cut to `_SHOWN_CHARS` (a 5,000-digit number stays one line)."""
    text = repr(value)
    if len(text) <= _SHOWN_CHARS:
        return text
    return f"{text[:_SHOWN_CHARS]}... ({len(text):,} characters)"


_INDEX = re.compile(r"\b(shops|products|orders|depots|vehicle_types|inventory|events)\[(\d+)\]")


def _locate(messages: list[str], sources: dict[str, tuple[str, array]]) -> list[str]:
    """Rewrite `orders[4].product_id: ...` as `orders.csv line 6 (orders[4]).product_id: ...`,
    and other row references in the message (`at orders[9]`) as `line 11`."""

    def line_of(table: str, index: int) -> str:
        lines = sources[table][1]
        return str(lines[index]) if index < len(lines) else str(index)

    def inner(match: re.Match[str]) -> str:
        table, index = match.group(1), int(match.group(2))
        if table not in sources:
            return match.group(0)
        return f"{_row_word(sources[table][0])} {line_of(table, index)}"

    located = []
    for message in messages:
        table, _, rest = message.partition("[")
        if table in sources and rest[:1].isdigit():
            index_text, _, tail = rest.partition("]")
            file = sources[table][0]
            prefix = f"{file} {_row_word(file)} {line_of(table, int(index_text))}"
            message = f"{prefix}: {table}[{index_text}]{_INDEX.sub(inner, tail)}"
        located.append(message)
    return located[:_MAX_REPORTED]


def _row_word(file: str) -> str:
    return "feature" if file.endswith((".geojson", ".json")) else "line"


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ScenarioError([f"{path}: scenario file does not exist"])
    try:
        spec = yaml.safe_load(read_text(path))
    except FileProblem as error:
        raise ScenarioError([f"{path.name}: {error}"]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([f"{path.name}: not valid YAML ({error})"]) from None
    except RecursionError:
        raise ScenarioError([f"{path.name}: not valid YAML (nested too deeply)"]) from None
    if not isinstance(spec, dict):
        raise ScenarioError([f"{path.name}: expected a mapping of keys, got {type(spec).__name__}"])
    return spec


def _read_table(
    file: Path, name: str, model: type[BaseModel], table: str, limit: int | None
) -> tuple[list[BaseModel], array, list[str]]:
    """Read and validate the rows of a CSV or GeoJSON file against `model`, one at a time;
    `name` is the file as the scenario names it (messages never show server paths)."""
    if not file.is_file():
        return [], array("l"), [f"{name}: file does not exist"]
    models: list[BaseModel] = []
    lines = array("l")
    problems: list[str] = []
    word = _row_word(name)
    read = 0
    try:
        if limit is not None and word == "line" and count_csv_rows(file, limit):
            raise TooManyRows(name, table, limit)
        reader = read_geojson(file) if word == "feature" else read_csv(file)
        header = next(reader)
        if header is not None:
            missing = [
                f"{name}: missing column {column!r}"
                for column, field in model.model_fields.items()
                if field.is_required() and column not in header
            ]
            unknown = [
                f"{name}: unknown column {str(column)[:80]!r}"
                for column in sorted(set(header) - set(model.model_fields))
            ]
            if missing or unknown:
                return [], array("l"), (missing + unknown)[:_MAX_REPORTED]
        for line, row in reader:
            read += 1
            if limit is not None and read > limit:
                raise TooManyRows(name, table, limit)
            if isinstance(row, str):
                problems.append(f"{name} {word} {line}: {row}")
            else:
                try:
                    models.append(model.model_validate(row))
                    lines.append(line)
                except ValidationError as error:
                    label = f" ({str(row['id'])[:80]})" if row.get("id") else ""
                    problems += [f"{name} {word} {line}{label}: {m}" for m in format_errors(error)]
            if len(problems) >= _MAX_REPORTED:
                break
    except FileProblem as error:
        return [], array("l"), [f"{name}: {error}"]
    except OSError as error:
        return [], array("l"), [f"{name}: cannot be read ({error.strerror})"]
    return models, lines, problems[:_MAX_REPORTED]
