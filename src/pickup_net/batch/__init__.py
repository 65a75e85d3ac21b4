"""Batch sweeps: expand a sweep file into scenario variants, run them on Dask, compare them."""

from pickup_net.batch.cluster import dask_client
from pickup_net.batch.report import pareto_front, results_table, write_report
from pickup_net.batch.result import VariantResult
from pickup_net.batch.runner import load_results, run_sweep
from pickup_net.batch.sweep import (
    OverrideError,
    Sweep,
    SweepError,
    Variant,
    apply_overrides,
    expand_sweep,
    load_sweep,
)

__all__ = [
    "OverrideError",
    "Sweep",
    "SweepError",
    "Variant",
    "VariantResult",
    "apply_overrides",
    "dask_client",
    "expand_sweep",
    "load_results",
    "load_sweep",
    "pareto_front",
    "results_table",
    "run_sweep",
    "write_report",
]
