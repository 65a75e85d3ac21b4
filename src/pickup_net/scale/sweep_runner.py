"""Run the variants of a sweep as Dask tasks, writing each result as soon as it finishes.

Each variant's folder ``OUT/variants/<name>/`` receives the plan files and, last, ``result.json``.
A re-run reuses a variant whose ``result.json`` says ``ok`` for the same base scenario and
overrides; failed or stale variants run again. A failing variant is recorded with its error and
the others go on.
"""

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from distributed import Client

from pickup_net.domain import Plan, Scenario
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.io.plan_writer import write_plan
from pickup_net.io.scenario_loader import load_scenario
from pickup_net.planning import plan
from pickup_net.scale.executor import executor, fan_out
from pickup_net.scale.sweep import Sweep, Variant, apply_overrides, scenario_digest
from pickup_net.scale.sweep_result import RESULT_FILE, VariantResult


@dataclass(frozen=True)
class _Outcome:
    """What a worker sends back: the plan, or the error text (never a live exception)."""

    plan: Plan | None
    error: str
    seconds: float


def run_sweep(
    sweep: Sweep,
    out_dir: Path,
    scheduler: str | None = None,
    workers: int = 2,
    on_result: Callable[[VariantResult], None] | None = None,
    cache_dir: Path | None = None,
    client: Client | None = None,
) -> list[VariantResult]:
    """Run every variant of `sweep` on Dask and return the results in the sweep's order.

    Parameters
    ----------
    sweep
        The expanded sweep (see `load_sweep`).
    out_dir
        Results go to ``out_dir/variants/<name>/`` (plan files and ``result.json``).
    scheduler
        Address of a running Dask scheduler; None starts a `LocalCluster` of `workers` processes.
        Workers must see the base scenario's street file at the same path.
    on_result
        Called on this process as each variant is reused, finishes or fails (for progress bars).
    cache_dir
        Street-graph cache shared by the variants; default ``out_dir/cache`` on a local cluster.
    client
        An open Dask client to use instead of `scheduler`/`workers`.

    Raises
    ------
    ScenarioError
        When the base scenario itself does not load (no variant could run).
    """
    out_dir = Path(out_dir)
    base = load_scenario(sweep.base)
    digest = scenario_digest(base)
    results: dict[str, VariantResult] = {}
    pending: list[Variant] = []
    for variant in sweep.variants:
        reused = _finished(out_dir, variant, digest)
        if reused is None:
            pending.append(variant)
            continue
        results[variant.name] = reused
        if on_result is not None:
            on_result(reused)
    if pending:
        if cache_dir is None and client is None and scheduler is None:
            cache_dir = out_dir / "cache"
        with executor(client, scheduler, workers) as running:
            _run_pending(running, base, digest, pending, out_dir, cache_dir, results, on_result)
    return [results[variant.name] for variant in sweep.variants]


def load_results(sweep: Sweep, out_dir: Path) -> list[VariantResult]:
    """The results already written for `sweep` in `out_dir` (variants never run are left out)."""
    found = []
    for variant in sweep.variants:
        path = Path(out_dir) / "variants" / variant.name / RESULT_FILE
        if path.is_file():
            found.append(VariantResult(**json.loads(path.read_text(encoding="utf-8"))))
    return found


def _run_pending(
    client: Client,
    base: Scenario,
    digest: str,
    pending: list[Variant],
    out_dir: Path,
    cache_dir: Path | None,
    results: dict[str, VariantResult],
    on_result: Callable[[VariantResult], None] | None,
) -> None:
    """Submit the pending variants and record each as it completes, in completion order."""
    # A unique key per sweep: a content-hashed key is shared with the previous sweep on the same
    # client, whose release can then race with this scatter and lose the data.
    [base_future] = client.scatter([base], broadcast=True, hash=False)
    cache = str(cache_dir) if cache_dir is not None else None
    for variant, done, error in fan_out(client, _plan_variant, pending, base_future, cache):
        outcome: _Outcome = done if error is None else _Outcome(None, error, 0.0)
        result = _record(out_dir, variant, variant.fingerprint(digest), outcome)
        results[variant.name] = result
        if on_result is not None:
            on_result(result)


def _plan_variant(variant: Variant, base: Scenario, cache_dir: str | None) -> _Outcome:
    """Worker task: apply the variant's overrides and plan; any error comes back as text."""
    start = time.perf_counter()
    try:
        scenario = apply_overrides(base, variant.overrides)
        result = plan(load_inputs(scenario, Path(cache_dir) if cache_dir else None))
    except Exception as error:
        detail = f"{type(error).__name__}: {error}"
        return _Outcome(None, detail, round(time.perf_counter() - start, 3))
    return _Outcome(result, "", round(time.perf_counter() - start, 3))


def _record(out_dir: Path, variant: Variant, fingerprint: str, outcome: _Outcome) -> VariantResult:
    """Write the variant's plan files and then its ``result.json`` (the 'finished' marker)."""
    folder = out_dir / "variants" / variant.name
    folder.mkdir(parents=True, exist_ok=True)
    result = VariantResult(
        variant=variant.name,
        status="failed" if outcome.plan is None else "ok",
        overrides=variant.overrides,
        fingerprint=fingerprint,
        seconds=outcome.seconds,
        error=outcome.error,
    )
    if outcome.plan is not None:
        try:
            write_plan(outcome.plan, folder)
        except OSError as error:
            result.status, result.error = "failed", f"writing the plan: {error}"
        result.kpis = outcome.plan.kpis.model_dump()
        result.stages = {
            name: stats.model_dump(exclude={"details"})
            for name, stats in outcome.plan.stages.items()
        }
        result.warnings = list(outcome.plan.warnings)
    marker = folder / RESULT_FILE
    partial = marker.with_suffix(".tmp")
    partial.write_text(json.dumps(asdict(result), indent=2, default=str), encoding="utf-8")
    partial.replace(marker)
    return result


def _finished(out_dir: Path, variant: Variant, digest: str) -> VariantResult | None:
    """The earlier result of `variant` when it succeeded on the same inputs, else None."""
    path = out_dir / "variants" / variant.name / RESULT_FILE
    if not path.is_file():
        return None
    try:
        earlier = VariantResult(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        return None
    if not earlier.ok or earlier.fingerprint != variant.fingerprint(digest):
        return None
    earlier.status = "reused"
    return earlier
