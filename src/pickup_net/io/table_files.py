"""Read the text of scenario files: encodings, CSV rows and GeoJSON Point features.

Hostile files get one clear line each, never a traceback: text that is not UTF-8 (or UTF-16
with a byte order mark) is refused with the byte offset of the first bad byte, CSV cells are
at most `MAX_FIELD_CHARS` long, a file separated by ';' says so, and GeoJSON that is nested too
deeply or is not a FeatureCollection of Points is named feature by feature.
"""

import codecs
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MAX_FIELD_CHARS = 10_000
"""Longest CSV cell or GeoJSON string property accepted (names and opening hours are far
shorter)."""
MAX_INT_DIGITS = 40
"""Longer integers in JSON are read as floats (then refused as too large where they land)."""
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_OTHER_SEPARATORS = (";", "\t", "|")
_BLOCK = 1 << 16

Row = dict[str, Any] | str
"""A row's cells by column, or a one-line problem with that row."""


class FileProblem(ValueError):
    """A file that cannot be read as a table; the message completes `<file>: ...`."""


def text_encoding(file: Path) -> str:
    """The file's encoding: UTF-16/32 or UTF-8 when it starts with a byte order mark, else UTF-8."""
    with file.open("rb") as handle:
        head = handle.read(4)
    return next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8")


def read_text(file: Path) -> str:
    """The whole text of a small file (a scenario YAML) in its `text_encoding`.

    Raises
    ------
    FileProblem
        Naming the byte offset and line of the first byte that is not valid text.
    """
    encoding = text_encoding(file)
    try:
        return file.read_bytes().decode(encoding)
    except UnicodeDecodeError:
        raise decode_problem(file, encoding) from None


def decode_problem(file: Path, encoding: str) -> FileProblem:
    """Where a file stops being valid `encoding`: byte offset and line of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, newlines = 0, 0
    with file.open("rb") as handle:
        while block := handle.read(_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                bad = max(error.start, 0)
                line = newlines + block[:bad].count(b"\n") + 1
                return FileProblem(
                    f"not {_encoding_name(encoding)} text: byte 0x{block[bad]:02x} at offset "
                    f"{offset + bad} (line {line}); save the file as UTF-8"
                )
            offset += len(block)
            newlines += block.count(b"\n")
    return FileProblem(f"not {_encoding_name(encoding)} text: it ends inside a character")


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if encoding.startswith("utf-8") else encoding.upper()


def count_csv_rows(file: Path, limit: int) -> bool:
    """Whether a CSV file has more than `limit` data rows: one cheap pass before validating."""
    rows = 0
    for _, cells in _csv_records(file):
        rows += bool(cells)
        if rows > limit + 1:
            return True
    return False


def read_csv(file: Path) -> Iterator[Any]:
    """The header, then (line, row) pairs with empty cells dropped (so defaults apply); lines
    are 1-based; a row with an over-long cell or extra cells comes as a problem string."""
    records = _csv_records(file)
    first = next(records, None)
    header = [] if first is None else [name.strip() for name in first[1]]
    if len(header) == 1:
        separator = next((s for s in _OTHER_SEPARATORS if s in header[0]), None)
        if separator is not None:
            raise FileProblem(f"looks like {separator!r}-separated; use commas")
    yield header
    for line, cells in records:
        if len(cells) > len(header):
            if any(map(str.strip, cells)):
                yield line, f"{len(cells)} cells but the header has {len(header)}"
            continue
        if cells and max(map(len, cells)) > MAX_FIELD_CHARS:
            long = next(n for n, c in zip(header, cells, strict=False) if len(c) > MAX_FIELD_CHARS)
            yield line, f"{long}: longer than {MAX_FIELD_CHARS} characters"
            continue
        row = {k: v for k, v in zip(header, map(str.strip, cells), strict=False) if v}
        if row:
            yield line, row


def _csv_records(file: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each CSV record; `FileProblem` naming the line for bad text or fields."""
    encoding = text_encoding(file)
    with file.open(newline="", encoding=encoding) as handle:
        reader = csv.reader(handle)
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                limit = csv.field_size_limit()
                raise FileProblem(
                    f"line {reader.line_num}: a field is longer than {limit:,} characters "
                    f"(cells hold at most {MAX_FIELD_CHARS:,})"
                ) from None
            raise FileProblem(f"line {reader.line_num}: not valid CSV ({error})") from None
        except UnicodeDecodeError:
            raise decode_problem(file, encoding) from None


def read_geojson(file: Path) -> Iterator[Any]:
    """The header (None when every feature is malformed), then (feature number, row) pairs of a
    GeoJSON FeatureCollection of Points; lon/lat come from the geometry, and a malformed feature
    comes as a problem string."""
    try:
        collection = json.loads(read_text(file), parse_int=_parse_int)
    except RecursionError:
        raise FileProblem("nested too deeply to be GeoJSON") from None
    except json.JSONDecodeError as error:
        raise FileProblem(f"not valid JSON ({error})") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise FileProblem('not a GeoJSON FeatureCollection (no "features" list)')
    rows: list[Row] = [_feature_row(feature) for feature in features]
    columns = {key for row in rows if isinstance(row, dict) for key in row}
    yield sorted(columns) if columns or not rows else None
    yield from enumerate(rows)


def _parse_int(text: str) -> int | float:
    """JSON integers; one with more than `MAX_INT_DIGITS` digits becomes a (too large) float."""
    return int(text) if len(text) <= MAX_INT_DIGITS else float(text)


def _feature_row(feature: object) -> Row:
    """The properties of a Point feature with its lon/lat, or what is wrong with the feature."""
    if not isinstance(feature, dict):
        return f"expected a Feature object, got {_kind(feature)}"
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        shown = (
            f"type {str(geometry.get('type'))[:40]!r}"
            if isinstance(geometry, dict)
            else f"{_kind(geometry)} {str(geometry)[:40]!r}"
        )
        return f"geometry: expected a Point object, got {shown}"
    coordinates = geometry.get("coordinates")
    if (
        not isinstance(coordinates, list)
        or len(coordinates) not in (2, 3)
        or not all(_is_number(c) for c in coordinates)
    ):
        return f"geometry.coordinates: expected [lon, lat] numbers, got {_kind(coordinates)}"
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return f"properties: expected an object, got {_kind(properties)}"
    long = next(
        (k for k, v in properties.items() if isinstance(v, str) and len(v) > MAX_FIELD_CHARS), None
    )
    if long is not None:
        return f"properties.{str(long)[:80]}: longer than {MAX_FIELD_CHARS} characters"
    row = {**properties, "lon": coordinates[0], "lat": coordinates[1]}
    if "id" not in row and "id" in feature:
        row["id"] = feature["id"]
    return row


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", type(None): "null"}
    return names.get(type(value), f"a {type(value).__name__}")
