"""Read a scenario YAML and the CSV/GeoJSON files it names into a validated `Scenario`.

Every problem is reported as one line naming the file, the line or feature, the field and the bad
value, and loading stops before anything is written anywhere. CSV rows are read and validated one
at a time, so each row is held once, as its model, and a row limit stops reading at once.
"""

import csv
import json
from array import array
from collections.abc import Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from pickup_net.domain import Depot, Order, Parameters, Product, Scenario, Shop, VehicleType
from pickup_net.domain.scenario import InventoryLine

TABLES: dict[str, type[BaseModel]] = {
    "shops": Shop,
    "products": Product,
    "orders": Order,
    "depots": Depot,
    "vehicle_types": VehicleType,
}
OPTIONAL_TABLES: dict[str, type[BaseModel]] = {"inventory": InventoryLine}
"""Tables a scenario may leave out (no `inventory`: hubs start empty)."""
_MAX_REPORTED = 30


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
        With one message per problem found (file, line, field and value named).
    """
    path = Path(path)
    spec = _read_yaml(path)
    problems: list[str] = []
    data: dict[str, Any] = {"name": spec.get("name") or path.stem}
    if "currency" in spec:
        data["currency"] = spec["currency"]
    sources: dict[str, tuple[str, array]] = {}
    for table, model in {**TABLES, **OPTIONAL_TABLES}.items():
        if table not in spec and table in OPTIONAL_TABLES:
            continue
        if table not in spec:
            problems.append(f"{path.name}: missing key {table!r} (the {table} file)")
            continue
        file = path.parent / str(spec[table])
        limit = (max_rows or {}).get(table)
        rows, lines, read_problems = _read_table(file, model, table, limit)
        problems += read_problems
        data[table] = rows
        sources[table] = (file.name, lines)
    if "parameters" in spec:
        try:
            data["parameters"] = Parameters.model_validate(spec["parameters"] or {})
        except ValidationError as error:
            problems += [f"{path.name}: parameters.{m}" for m in format_errors(error)]
    if spec.get("streets"):
        streets = (path.parent / str(spec["streets"])).resolve()
        if not streets.is_file():
            problems.append(f"{path.name}: streets: file {str(spec['streets'])!r} does not exist")
        data["streets_file"] = str(streets)
    unknown = set(spec) - {"name", "currency", "streets", "parameters", *TABLES, *OPTIONAL_TABLES}
    problems += [f"{path.name}: unknown key {key!r}" for key in sorted(unknown)]
    if problems:
        raise ScenarioError(problems[:_MAX_REPORTED])
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_locate(format_errors(error), sources)) from None


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
            "" if isinstance(value, dict | list) or str(value) in message else f" (got {value!r})"
        )
        lines.append(f"{where.lstrip('.')}: {message}{shown}")
    return lines


def _locate(messages: list[str], sources: dict[str, tuple[str, array]]) -> list[str]:
    """Rewrite `orders[4].product_id: ...` as `orders.csv line 6 (orders[4]).product_id: ...`."""
    located = []
    for message in messages:
        table, _, rest = message.partition("[")
        if table in sources and rest[:1].isdigit():
            index = int(rest.split("]", 1)[0])
            file, lines = sources[table]
            line = lines[index] if index < len(lines) else index
            message = f"{file} {_row_word(file)} {line}: {table}[{rest}"
        located.append(message)
    return located[:_MAX_REPORTED]


def _row_word(file: str) -> str:
    return "feature" if file.endswith((".geojson", ".json")) else "line"


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ScenarioError([f"{path}: scenario file does not exist"])
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ScenarioError([f"{path.name}: not valid YAML ({error})"]) from None
    if not isinstance(spec, dict):
        raise ScenarioError([f"{path.name}: expected a mapping of keys, got {type(spec).__name__}"])
    return spec


def _read_table(
    file: Path, model: type[BaseModel], table: str, limit: int | None
) -> tuple[list[BaseModel], array, list[str]]:
    """Read and validate the rows of a CSV or GeoJSON file against `model`, one at a time."""
    if not file.is_file():
        return [], array("l"), [f"{file.name}: file does not exist ({file})"]
    models: list[BaseModel] = []
    lines = array("l")
    problems: list[str] = []
    word = _row_word(file.name)
    try:
        if limit is not None and word == "line" and _more_rows_than(file, limit):
            raise TooManyRows(file.name, table, limit)
        reader = _read_geojson(file) if word == "feature" else _read_csv(file)
        header = next(reader)
        missing = [
            f"{file.name}: missing column {name!r}"
            for name, field in model.model_fields.items()
            if field.is_required() and name not in header
        ]
        unknown = [
            f"{file.name}: unknown column {name!r}"
            for name in sorted(set(header) - set(model.model_fields))
        ]
        if missing or unknown:
            return [], array("l"), missing or unknown
        for line, row in reader:
            if limit is not None and len(lines) >= limit:
                raise TooManyRows(file.name, table, limit)
            lines.append(line)
            try:
                models.append(model.model_validate(row))
            except ValidationError as error:
                label = f" ({row['id']})" if row.get("id") else ""
                problems += [f"{file.name} {word} {line}{label}: {m}" for m in format_errors(error)]
                if len(problems) >= _MAX_REPORTED:
                    break
    except (ValueError, KeyError, UnicodeDecodeError) as error:
        if isinstance(error, ScenarioError):
            raise
        return [], array("l"), [f"{file.name}: cannot be read ({error})"]
    return models, lines, problems[:_MAX_REPORTED]


def _more_rows_than(file: Path, limit: int) -> bool:
    """Whether a CSV file has more than `limit` data rows: one cheap pass before validating."""
    with file.open(newline="", encoding="utf-8-sig") as handle:
        rows = (row for row in csv.reader(handle) if row)
        return next(islice(rows, limit + 1, None), None) is not None


def _read_csv(file: Path) -> Iterator[Any]:
    """The header, then (line, row) pairs of a CSV file with empty cells dropped (so defaults
    apply); lines are 1-based."""
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        yield [name.strip() for name in reader.fieldnames or []]
        for raw in reader:
            if None in raw:
                raise ValueError(f"line {reader.line_num} has more cells than the header")
            row = {k.strip(): v.strip() for k, v in raw.items() if v is not None and v.strip()}
            yield reader.line_num, row


def _read_geojson(file: Path) -> Iterator[Any]:
    """The header, then (feature number, row) pairs of the Point features of a GeoJSON
    FeatureCollection; lon/lat come from the geometry."""
    collection = json.loads(file.read_text(encoding="utf-8"))
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise ValueError("not a GeoJSON FeatureCollection")
    rows, header = [], set()
    for number, feature in enumerate(features):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") != "Point":
            raise ValueError(f"feature {number} is not a Point")
        lon, lat = geometry["coordinates"][:2]
        row = {**(feature.get("properties") or {}), "lon": lon, "lat": lat}
        if "id" not in row and "id" in feature:
            row["id"] = feature["id"]
        header |= set(row)
        rows.append(row)
    yield sorted(header)
    yield from enumerate(rows)
