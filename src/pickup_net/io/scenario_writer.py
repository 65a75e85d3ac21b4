"""Write a `Scenario` as a folder: a YAML file naming one CSV per table, for `load_scenario`."""

import csv
import shutil
from pathlib import Path

import yaml

from pickup_net.domain import Scenario
from pickup_net.io.scenario_loader import OPTIONAL_TABLES, TABLES


def write_scenario(scenario: Scenario, folder: Path, yaml_name: str = "scenario.yaml") -> Path:
    """Write `scenario` into `folder` (CSV tables, the street file copied beside them).

    Returns the path of the YAML file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    spec: dict = {
        "name": scenario.name,
        "currency": scenario.currency,
        "timezone": scenario.timezone,
    }
    if scenario.streets_file:
        source = Path(scenario.streets_file)
        target = folder / source.name
        if source.resolve() != target.resolve():
            shutil.copyfile(source, target)
        spec["streets"] = target.name
    present = {t: m for t, m in OPTIONAL_TABLES.items() if getattr(scenario, t)}
    for table, model in {**TABLES, **present}.items():
        file = folder / f"{table}.csv"
        with file.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(model.model_fields))
            writer.writeheader()
            for item in getattr(scenario, table):
                row = item.model_dump(mode="json")
                writer.writerow({k: _cell(v) for k, v in row.items()})
        spec[table] = file.name
    spec["parameters"] = scenario.parameters.model_dump(mode="json", exclude_defaults=True)
    path = folder / yaml_name
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _cell(value: object) -> object:
    """A CSV cell: empty for None, a list (an event's products) joined by ';'."""
    if value is None:
        return ""
    return ";".join(map(str, value)) if isinstance(value, list) else value
