"""Turn an uploaded scenario (JSON body or zip of a scenario folder) into a validated `Scenario`.

The same validation and messages as the CLI apply; a zip is checked for size, entry count,
path escapes and links before anything is unpacked, into a private temporary folder, and its
tables are read row by row up to their row limits (413 past them).
"""

import re
import stat
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import IO, Any

import yaml
from pydantic import ValidationError

from pickup_net.domain import Scenario
from pickup_net.io.scenario_loader import (
    OPTIONAL_TABLES,
    TABLES,
    ScenarioError,
    TooManyRows,
    format_errors,
    load_scenario,
)
from pickup_net.service.json_body import JsonBodyError, parse_json
from pickup_net.service.public_text import without_server_paths

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class UploadError(ValueError):
    """An upload that cannot become a scenario; `errors` are (location, message) pairs, answered
    with `status_code` (422, or 413 for a table over its row limit)."""

    def __init__(self, errors: list[tuple[list[str | int], str]], status_code: int = 422) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors
        self.status_code = status_code


@dataclass(frozen=True)
class UploadedScenario:
    """A validated scenario and, for zips that name one, its street file."""

    scenario: Scenario
    streets_name: str | None = None
    streets: bytes | None = None


def scenario_from_json(body: bytes, max_rows: Mapping[str, int]) -> UploadedScenario:
    """Validate a scenario sent as a JSON document; tables are counted before validation.

    Raises
    ------
    UploadError
        When the body is not JSON or is out of bounds (`json_body`), a table has more rows
        than `max_rows` allows (413), or a field is wrong (each message names field and value).
    """
    try:
        data = parse_json(body)
    except JsonBodyError as error:
        raise UploadError([(["body"], str(error))]) from None
    if not isinstance(data, dict):
        raise UploadError([(["body"], f"body: expected a JSON object, got {_kind(data)}")])
    if data.get("streets_file") is not None:
        raise UploadError(
            [
                (
                    ["body", "streets_file"],
                    f"streets_file: {data['streets_file']!r} cannot name a file on the server; "
                    "upload a zip of the scenario folder with its street file instead",
                )
            ]
        )
    for table, limit in max_rows.items():
        rows = data.get(table)
        if isinstance(rows, list) and len(rows) > limit:
            message = f"{table}: {len(rows)} rows (the limit is {limit})"
            raise UploadError([(["body", table], message)], status_code=413)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise UploadError([(_location(line), line) for line in format_errors(error)]) from None
    return UploadedScenario(scenario)


def scenario_from_zip(
    data: bytes | IO[bytes],
    max_unzipped_bytes: int,
    max_entries: int,
    max_rows: Mapping[str, int] | None = None,
) -> UploadedScenario:
    """Validate a zip of a scenario folder (a YAML file naming its CSV/GeoJSON/OSM files).

    Raises
    ------
    UploadError
        For a damaged or oversized archive, an entry that escapes the folder or is a link, a
        reference outside the folder, a table over its row limit (413), or any scenario
        problem the CLI would report.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(data) if isinstance(data, bytes) else data)
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _file_error(f"file: not a readable zip archive ({error})") from None
    with archive, tempfile.TemporaryDirectory(prefix="pickup-net-upload-") as tmp:
        root = Path(tmp).resolve()
        _check_entries(infos, max_unzipped_bytes, max_entries)
        _extract(archive, infos, root, max_unzipped_bytes)
        yaml_path = _find_yaml(root)
        _check_references(yaml_path, root)
        try:
            scenario = load_scenario(yaml_path, max_rows)
        except TooManyRows as error:
            loc: list[str | int] = ["body", "file", error.table]
            lines = [without_server_paths(line, root) for line in error.messages]
            raise UploadError([(loc, line) for line in lines], status_code=413) from None
        except ScenarioError as error:
            lines = [without_server_paths(line, root) for line in error.messages]
            raise UploadError([(["body", "file"], line) for line in lines]) from None
        if scenario.streets_file is None:
            return UploadedScenario(scenario)
        streets = Path(scenario.streets_file)
        return UploadedScenario(
            scenario.model_copy(update={"streets_file": None}), streets.name, streets.read_bytes()
        )


def _check_entries(infos: list[zipfile.ZipInfo], max_bytes: int, max_entries: int) -> None:
    if len(infos) > max_entries:
        raise _file_error(f"file: {len(infos)} entries in the zip (at most {max_entries})")
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ":" in name or ".." in parts:
            raise _file_error(f"file: entry {name!r} escapes the scenario folder")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _file_error(f"file: entry {name!r} is a link, which is not accepted")
        if info.flag_bits & 0x1:
            raise _file_error(f"file: entry {name!r} is encrypted")
        total += info.file_size
    if total > max_bytes:
        raise _file_error(f"file: unzips to {total} bytes (at most {max_bytes})")


def _extract(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], root: Path, max_bytes: int
) -> None:
    """Unpack entry by entry, counting the bytes really produced (headers can lie)."""
    written = 0
    for info in infos:
        target = (root / info.filename.replace("\\", "/")).resolve()
        if not target.is_relative_to(root):
            raise _file_error(f"file: entry {info.filename!r} escapes the scenario folder")
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as source, target.open("wb") as sink:
                while chunk := source.read(1 << 16):
                    written += len(chunk)
                    if written > max_bytes:
                        raise _file_error(f"file: unzips to more than {max_bytes} bytes")
                    sink.write(chunk)
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as error:
            raise _file_error(f"file: entry {info.filename!r} cannot be read ({error})") from None


def _find_yaml(root: Path) -> Path:
    """The scenario YAML: the shallowest `*.yaml`/`*.yml`, `scenario.yaml` preferred."""
    found = sorted(
        (len(p.relative_to(root).parts), p.name != "scenario.yaml", str(p), p)
        for p in root.rglob("*")
        if p.suffix.lower() in (".yaml", ".yml") and p.is_file()
    )
    if not found:
        raise _file_error("file: the zip holds no scenario YAML file (e.g. scenario.yaml)")
    if len(found) > 1 and found[0][:2] == found[1][:2]:
        names = ", ".join(sorted(str(f[3].relative_to(root)) for f in found[:2]))
        raise _file_error(f"file: more than one scenario YAML at the same level ({names})")
    return found[0][3]


def _check_references(yaml_path: Path, root: Path) -> None:
    """Every file the YAML names must lie inside the uploaded folder."""
    try:
        spec = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return  # load_scenario reports it with the CLI's message
    if not isinstance(spec, dict):
        return
    for key in (*TABLES, *OPTIONAL_TABLES, "streets"):
        value = spec.get(key)
        if not isinstance(value, str) or not value:
            continue
        target = (yaml_path.parent / value).resolve()
        if not target.is_relative_to(root):
            raise _file_error(f"{yaml_path.name}: {key}: {value!r} is outside the uploaded folder")


def _file_error(message: str) -> UploadError:
    return UploadError([(["body", "file"], message)])


def _location(line: str) -> list[str | int]:
    """`shops[12].lon: ...` as the location ["body", "shops", 12, "lon"]."""
    where = line.split(": ", 1)[0] if ": " in line else ""
    parts: list[str | int] = ["body"]
    if " " in where:
        return parts
    for name, index in _PATH_PART.findall(where):
        parts.append(int(index) if index else name)
    return parts


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )
