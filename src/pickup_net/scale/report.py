"""The comparison of a sweep: ``results.csv`` (one row per variant) and ``report.html`` (plots).

Plots are drawn with matplotlib and inlined as SVG, so the report is one self-contained file.
The figures are built with `matplotlib.figure.Figure` directly (no pyplot state), so reports can be
drawn from any thread or worker.
"""

import html
import io
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from pickup_net.scale.sweep_result import VariantResult

KPI_COLUMNS = (
    "hubs_opened", "customers", "customers_pickup", "pickup_share", "mean_walk_m",
    "units_prepositioned", "vans_used", "km_driven", "driving_hours", "routing_cost", "hub_cost",
    "total_cost", "unassigned",
)  # fmt: skip
QUALITY_STAGES = ("location", "routing")
BASELINE_NAMES = ("all_home", "greedy")
ECONOMICS_COLUMNS = (
    "cost_per_parcel", "all_home_total", "all_home_cost_per_parcel", "greedy_total",
    "greedy_cost_per_parcel", "chosen",
)  # fmt: skip


def results_table(
    results: Sequence[VariantResult], parameters: Sequence[str], out_dir: Path | None = None
) -> pd.DataFrame:
    """One row per variant: name, status, the overridden values, KPIs, the plan beside its
    baselines with cost per parcel (read from each variant's plan.json under `out_dir`), solver
    gaps, error."""
    rows = []
    for result in results:
        row: dict[str, object] = {"variant": result.variant, "status": result.status}
        row.update({path: result.overrides.get(path) for path in parameters})
        row.update({kpi: result.kpis.get(kpi) for kpi in KPI_COLUMNS})
        row.update(_economics(out_dir, result) if out_dir is not None and result.ok else {})
        for stage in QUALITY_STAGES:
            stats = result.stages.get(stage, {})
            row[f"{stage}_gap"] = stats.get("gap")
            row[f"{stage}_lower_bound"] = stats.get("lower_bound")
        row["seconds"] = result.seconds
        row["error"] = result.error
        rows.append(row)
    table = pd.DataFrame(rows).reindex(
        columns=list(dict.fromkeys([*(k for row in rows for k in row), *ECONOMICS_COLUMNS]))
    )
    ok = table["status"].isin(["ok", "reused"]) if len(table) else pd.Series(dtype=bool)
    table["pareto"] = False
    if ok.any():
        done = table[ok]
        mask = pareto_front(
            done["total_cost"].to_numpy(float), done["pickup_share"].to_numpy(float)
        )
        table.loc[done.index, "pareto"] = mask
    return table


def _economics(out_dir: Path, result: VariantResult) -> dict[str, object]:
    """The plan's cost per parcel and its baselines' totals, from the variant's plan.json."""
    variants = (Path(out_dir) / "variants").resolve()
    path = (variants / result.variant / "plan.json").resolve()
    if variants not in path.parents or not path.is_file():
        return {}
    plan = json.loads(path.read_text(encoding="utf-8"))
    details = plan.get("stages", {}).get("location", {}).get("details", {})
    parcels = details.get("parcels") or 0.0
    total = plan.get("kpis", {}).get("total_cost")
    row: dict[str, object] = {
        "cost_per_parcel": round(total / parcels, 2) if parcels and total is not None else None,
        "chosen": details.get("chosen"),
    }
    for base in plan.get("baselines", []):
        if base.get("name") in BASELINE_NAMES:
            row[f"{base['name']}_total"] = base.get("total_cost")
            row[f"{base['name']}_cost_per_parcel"] = base.get("cost_per_parcel")
    return row


def pareto_front(cost: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """Mask of the points no other point beats: lower or equal cost and higher or equal coverage,
    strictly better in one."""
    cost = np.asarray(cost, dtype=float)
    coverage = np.asarray(coverage, dtype=float)
    no_worse = (cost[None, :] <= cost[:, None]) & (coverage[None, :] >= coverage[:, None])
    better = (cost[None, :] < cost[:, None]) | (coverage[None, :] > coverage[:, None])
    return ~(no_worse & better).any(axis=1)


def write_report(
    results: Sequence[VariantResult], parameters: Sequence[str], out_dir: Path, title: str
) -> tuple[Path, Path]:
    """Write ``results.csv`` and ``report.html`` into `out_dir`; return both paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = results_table(results, parameters, out_dir)
    csv_path = out_dir / "results.csv"
    table.to_csv(csv_path, index=False)
    html_path = out_dir / "report.html"
    html_path.write_text(_html(table, parameters, title), encoding="utf-8")
    return csv_path, html_path


def _html(table: pd.DataFrame, parameters: Sequence[str], title: str) -> str:
    """The report page: summary, plots, the full table and the failures."""
    done = table[table["status"].isin(["ok", "reused"])]
    failed = table[table["status"] == "failed"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:1200px}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}"
        "tr.pareto{background:#eef7ee}.fail{color:#b00}figure{display:inline-block;margin:1em}"
        "</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{len(table)} variants: {len(done)} planned, {len(failed)} failed. "
        "Rows on the Pareto front (no other variant is cheaper with at least the same pickup "
        "coverage) are shaded. Each plan stands beside its baselines (all-home: no hubs; greedy: "
        "most pickup demand within walking reach), priced the same way; <i>chosen</i> says "
        "whether the plan kept the location-routing result or a baseline.</p>",
    ]
    if len(done):
        parts += [
            _figure(_cost_coverage(done), "Total cost against pickup coverage; the line joins "
                    "the Pareto front."),
            _figure(_fleet_by_hubs(done), "Vans used and km driven against the number of hubs."),
            _figure(_cost_split(done), "Daily cost split per variant."),
        ]  # fmt: skip
    parts.append("<h2>All variants</h2>")
    parts.append(_table_html(table, parameters))
    if len(failed):
        parts.append("<h2 class='fail'>Failed variants</h2><ul>")
        parts += [
            f"<li><b>{html.escape(str(row.variant))}</b>: <code>{html.escape(str(row.error))}"
            "</code></li>"
            for row in failed.itertuples()
        ]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _table_html(table: pd.DataFrame, parameters: Sequence[str]) -> str:
    shown = ["variant", "status", *parameters, "hubs_opened", "pickup_share", "mean_walk_m",
             "vans_used", "km_driven", "total_cost", *ECONOMICS_COLUMNS, "unassigned",
             "location_gap", "routing_gap", "seconds"]  # fmt: skip
    head = "".join(f"<th>{html.escape(c)}</th>" for c in shown)
    rows = []
    for _, row in table.iterrows():
        cells = "".join(f"<td>{html.escape(_cell(row[c]))}</td>" for c in shown)
        css = "pareto" if row["pareto"] else ("fail" if row["status"] == "failed" else "")
        rows.append(f"<tr class='{css}'>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def _cost_coverage(done: pd.DataFrame) -> Figure:
    figure = Figure(figsize=(6.5, 4.5))
    axes = figure.subplots()
    front = done[done["pareto"]].sort_values("total_cost")
    axes.scatter(done["pickup_share"] * 100, done["total_cost"], color="#888", label="variant")
    axes.plot(front["pickup_share"] * 100, front["total_cost"], "o-", color="#2a7d2a",
              label="Pareto front")  # fmt: skip
    for row in done.itertuples():
        axes.annotate(str(row.variant), (row.pickup_share * 100, row.total_cost), fontsize=6,
                      xytext=(3, 3), textcoords="offset points")  # fmt: skip
    axes.set_xlabel("customers served by pickup (%)")
    axes.set_ylabel("total daily cost")
    axes.legend()
    axes.grid(alpha=0.3)
    return figure


def _fleet_by_hubs(done: pd.DataFrame) -> Figure:
    figure = Figure(figsize=(10, 4))
    vans, km = figure.subplots(1, 2)
    for axes, column, label in ((vans, "vans_used", "vans used"), (km, "km_driven", "km driven")):
        axes.scatter(done["hubs_opened"], done[column], color="#1f5fa8")
        for row in done.itertuples():
            axes.annotate(str(row.variant), (row.hubs_opened, getattr(row, column)), fontsize=6,
                          xytext=(3, 3), textcoords="offset points")  # fmt: skip
        axes.set_xlabel("hubs opened")
        axes.set_ylabel(label)
        axes.grid(alpha=0.3)
    return figure


def _cost_split(done: pd.DataFrame) -> Figure:
    figure = Figure(figsize=(max(6.0, 0.5 * len(done)), 4))
    axes = figure.subplots()
    names = done["variant"].astype(str).to_list()
    routing = done["routing_cost"].to_numpy(float)
    hub = done["hub_cost"].to_numpy(float)
    other = np.clip(done["total_cost"].to_numpy(float) - routing - hub, 0, None)
    axes.bar(names, routing, label="routing", color="#1f5fa8")
    axes.bar(names, hub, bottom=routing, label="hubs", color="#2a7d2a")
    axes.bar(names, other, bottom=routing + hub, label="other (home, walking)", color="#c98b2b")
    axes.set_ylabel("daily cost")
    axes.tick_params(axis="x", labelrotation=60, labelsize=7)
    axes.legend()
    figure.tight_layout()
    return figure


def _figure(figure: Figure, caption: str) -> str:
    """The figure as inline SVG with a caption."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>"
