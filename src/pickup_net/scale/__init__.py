"""Scale: what-if sweeps of scenario variants and whole cities in areas, on one Dask executor."""

from pickup_net.scale.area_join import JoinError, join_plans
from pickup_net.scale.area_plans import AreaProgress, DistrictError, plan_city
from pickup_net.scale.areas import District, Split, apportion, split_city
from pickup_net.scale.components import Components, walking_components
from pickup_net.scale.executor import dask_client, executor, fan_out
from pickup_net.scale.report import pareto_front, results_table, write_report
from pickup_net.scale.sweep import (
    OverrideError,
    Sweep,
    SweepError,
    Variant,
    apply_overrides,
    expand_sweep,
    load_sweep,
)
from pickup_net.scale.sweep_result import VariantResult
from pickup_net.scale.sweep_runner import load_results, run_sweep

__all__ = [
    "AreaProgress",
    "Components",
    "District",
    "DistrictError",
    "JoinError",
    "OverrideError",
    "Split",
    "Sweep",
    "SweepError",
    "Variant",
    "VariantResult",
    "apply_overrides",
    "apportion",
    "dask_client",
    "executor",
    "expand_sweep",
    "fan_out",
    "join_plans",
    "load_results",
    "load_sweep",
    "pareto_front",
    "plan_city",
    "results_table",
    "run_sweep",
    "split_city",
    "walking_components",
    "write_report",
]
