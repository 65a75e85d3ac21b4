"""Sweep files: expansion into variants, overrides by dotted path, and their errors."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pickup_net.domain import Scenario
from pickup_net.scale.sweep import (
    OverrideError,
    SweepError,
    apply_overrides,
    expand_sweep,
    load_sweep,
)


def _write(path: Path, spec: dict) -> Path:
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_grid_and_list_expand_to_every_combination(tiny_scenario_file: Path) -> None:
    """A 2x3 grid plus two listed variants gives eight variants, each with the common overrides."""
    sweep = load_sweep(
        _write(
            tiny_scenario_file.parent.parent / "s.yaml",
            {
                "base": "tiny/scenario.yaml",
                "set": {"parameters.routing_time_limit_s": 2},
                "grid": {"parameters.max_walk_m": [400, 800], "parameters.n_hubs": [1, 2, 3]},
                "variants": [
                    {"name": "growth", "set": {"parameters.demand_scale": 1.2}},
                    {"set": {"vehicle_types[van].count": 5}},
                ],
            },
        )
    )
    assert len(sweep.variants) == 8
    assert len({v.name for v in sweep.variants}) == 8
    assert all(v.overrides["parameters.routing_time_limit_s"] == 2 for v in sweep.variants)
    combos = {(v.overrides.get("parameters.max_walk_m"), v.overrides.get("parameters.n_hubs"))
              for v in sweep.variants[:6]}  # fmt: skip
    assert combos == {(w, n) for w in (400, 800) for n in (1, 2, 3)}
    assert sweep.variants[6].name == "growth"
    assert sweep.variants[7].name == "van.count=5"
    assert sweep.base == tiny_scenario_file.parent / "scenario.yaml"


@given(
    walk=st.floats(min_value=50, max_value=5_000, allow_nan=False),
    count=st.integers(min_value=1, max_value=50),
    scale=st.floats(min_value=0.1, max_value=5, allow_nan=False),
)
@settings(max_examples=25, deadline=None)
def test_overrides_set_exactly_the_named_fields(
    tiny: Scenario, walk: float, count: int, scale: float
) -> None:
    """Overrides by position, by id and into parameters change those fields and nothing else."""
    base = tiny
    changed = apply_overrides(
        base,
        {
            "parameters.max_walk_m": walk,
            "vehicle_types[e-van].count": count,
            "parameters.demand_scale": scale,
        },
    )
    assert changed.parameters.max_walk_m == walk
    assert changed.parameters.demand_scale == scale
    assert changed.vehicle_types[1].count == count
    assert changed.vehicle_types[0] == base.vehicle_types[0]
    assert changed.orders == base.orders
    assert changed.shops == base.shops
    assert base.parameters.max_walk_m == 600.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"parameters.max_walk": 5}, "no field 'max_walk' in parameters"),
        ({"vehicle_types[7].count": 2}, "index 7 is out of range (0..1)"),
        ({"vehicle_types[bus].count": 2}, "no item with id 'bus'"),
        ({"vehicle_types[0].count": 0}, "vehicle_types[0].count: 0 must be greater than 0"),
        ({"parameters.max_walk_m": -3}, "parameters.max_walk_m: -3.0 must be greater than 0"),
    ],
)
def test_bad_override_names_path_and_value(tiny: Scenario, overrides: dict, message: str) -> None:
    """An override that does not fit names the path and the bad value."""
    with pytest.raises(OverrideError) as caught:
        apply_overrides(tiny, overrides)
    assert message in str(caught.value)


def test_sweep_file_problems_are_all_listed(tmp_path: Path) -> None:
    """A broken sweep file reports every problem at once, each naming the key and value."""
    with pytest.raises(SweepError) as caught:
        expand_sweep(
            {"base": "missing.yaml", "grid": {"parameters.n_hubs": 3},
             "variants": [{"name": "a b", "set": {}}], "extra": 1},
            tmp_path,
        )  # fmt: skip
    text = str(caught.value)
    assert "base: file 'missing.yaml' does not exist" in text
    assert "grid.parameters.n_hubs: 3 is not a non-empty list" in text
    assert "variants[0].name: 'a b'" in text
    assert "unknown key 'extra'" in text


def test_duplicate_variant_names_are_refused(tiny_scenario_file: Path) -> None:
    """Two variants with one name would overwrite each other's results, so the sweep is refused."""
    with pytest.raises(SweepError, match="variant name 'x' appears 2 times"):
        expand_sweep(
            {"base": "scenario.yaml", "variants": [{"name": "x"}, {"name": "x"}]},
            tiny_scenario_file.parent,
        )
