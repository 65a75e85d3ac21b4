"""Forecast and stock benchmark: backtests on real and bundled data, and model-choice run time.

1. Real data: Corporación Favorita daily tickets per store (``../shared/data/demand/favorita_
   ecuador/transactions.csv``, 54 stores, 2013-2017; see its SOURCE.txt: per store, not per item).
   Each store is one zone and one hub with unlimited space; the last `--weeks-real` weeks are held
   out one at a time, at fill-rate targets 90% and 95%.
2. Bundled scenario (``scenarios/fontibon``): catchments from the location stage on the full
   history, the shops' real storage and pickup capacity, the last `--weeks-scenario` weeks held
   out, at 90% and 95%.
3. Run time: `--series` zone x product daily series of one year (default 10,000) drawn from the
   bundled scenario generator's demand process (``pickup_net.synth.orders``: weekday factors,
   5%/year growth, 1 + Poisson(0.3) units per order), customers pooled into zones of varied
   activity; `forecast_demand` chooses a model per series by rolling-origin CV (3 weekly origins,
   8 candidates) and forecasts a week. Timed from the history DataFrame to the forecast.

Reports MASE and RMSSE (scaled by in-sample seasonal-naive error, lag 7) of the chosen models and
of seasonal naive per zone series, realised versus expected fill rate, and units left over.
Run timed: ``flock /tmp/pickup-bench.lock .venv/bin/python benchmarks/forecast.py``. Writes
``benchmarks/results/forecast.{csv,md,json}`` and ``forecast_timing.csv``; ``--report-only``
re-renders the Markdown from the saved JSON.
"""

import argparse
import json
import os
import platform
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from pickup_net.domain import Product
from pickup_net.forecast import forecast_demand
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.planning import catchments
from pickup_net.planning.backtest import BacktestHub, backtest
from pickup_net.synth.orders import WEEKDAY_FACTOR

ROOT = Path(__file__).resolve().parents[1]
FAVORITA = ROOT.parent / "shared" / "data" / "demand" / "favorita_ecuador" / "transactions.csv"
SCENARIO = ROOT / "scenarios" / "fontibon" / "scenario.yaml"
TARGETS = (0.90, 0.95)
UNLIMITED = 1e12


def favorita_rows(weeks: int) -> list[dict]:
    """Backtest rows for the real per-store ticket counts."""
    frame = pd.read_csv(FAVORITA, parse_dates=["date"])
    history = pd.DataFrame(
        {
            "zone_id": "store-" + frame["store_nbr"].astype(str),
            "product_id": "tickets",
            "date": frame["date"],
            "quantity": frame["transactions"].astype(float),
        }
    )
    stores = sorted(history["zone_id"].unique())
    hubs = [BacktestHub(store, UNLIMITED, 10**9, [store]) for store in stores]
    products = [Product(id="tickets", volume_liters=1.0, weight_kg=1.0, stockout_cost=1.0)]
    return [
        _row(
            "Favorita tickets per store (real)",
            len(stores),
            weeks,
            target,
            history,
            hubs,
            products,
            1,
        )
        for target in TARGETS
    ]


def scenario_rows(weeks: int) -> list[dict]:
    """Backtest rows for the bundled scenario, hubs from the location stage."""
    inputs = load_inputs(SCENARIO, ROOT / ".cache" / "pickup-net")
    scenario = inputs.scenario
    zones = catchments(inputs)
    shops = {shop.id: shop for shop in scenario.shops}
    hubs = [
        BacktestHub(hub, shops[hub].storage_liters, shops[hub].max_pickups_per_day, zone_ids)
        for hub, zone_ids in zones.items()
    ]
    history = inputs.history.demand
    series = history.groupby(["zone_id", "product_id"]).ngroups
    return [
        _row(
            f"{scenario.name} bundled scenario ({len(hubs)} hubs)",
            series,
            weeks,
            target,
            history,
            hubs,
            scenario.products,
            1,
            end=scenario.plan_date,
        )
        for target in TARGETS
    ]


def _row(
    name: str,
    series: int,
    weeks: int,
    target: float,
    history: pd.DataFrame,
    hubs: list[BacktestHub],
    products: list[Product],
    cycle_days: int,
    end: date | None = None,
) -> dict:
    """One backtest at one target, summarised."""
    started = time.perf_counter()
    report = backtest(history, hubs, products, target, weeks, cycle_days=cycle_days, end=end)
    seconds = time.perf_counter() - started
    summary = report.to_dict()
    expected = np.mean([week["expected_fill_rate"] for week in summary["weeks"]])
    return {
        "dataset": name,
        "series": series,
        "weeks": weeks,
        "target_fill_rate": target,
        "fill_rate": round(summary["fill_rate"], 4),
        "expected_fill_rate": round(float(expected), 4),
        "fill_gap_points": round(100 * (summary["fill_rate"] - target), 2),
        "leftover_units": summary["leftover_units"],
        "demand_units": sum(week["demand_units"] for week in summary["weeks"]),
        "mase_chosen": round(summary["error"]["chosen"], 4),
        "mase_seasonal_naive": round(summary["error"]["seasonal_naive"], 4),
        "rmsse_chosen": round(summary["error"]["rmsse"]["chosen"], 4),
        "rmsse_seasonal_naive": round(summary["error"]["rmsse"]["seasonal_naive"], 4),
        "seconds": round(seconds, 1),
        "report": summary,
    }


def synthetic_history(n_series: int, n_days: int, seed: int) -> pd.DataFrame:
    """Zone x product daily units from the generator's demand process, 8 products."""
    rng = np.random.default_rng(seed)
    n_products = 8
    n_zones = n_series // n_products
    start = date(2025, 1, 1)
    base_rate = np.array([0.030, 0.022, 0.012, 0.028, 0.015, 0.018, 0.016, 0.020])
    zone_activity = rng.gamma(2.0, 20.0, n_zones)  # sum of the activities of a zone's customers
    days = pd.date_range(start, periods=n_days)
    factor = np.array([WEEKDAY_FACTOR[d.weekday()] for d in days]) * 1.05 ** (
        np.arange(n_days) / 365
    )
    rate = zone_activity[:, None, None] * base_rate[None, :, None] * factor[None, None, :]
    orders = rng.poisson(rate)
    units = orders + rng.poisson(0.3 * orders)
    zone, product, day = np.nonzero(units)
    return pd.DataFrame(
        {
            "zone_id": [f"zone-{z}" for z in zone],
            "product_id": [f"P0{p + 1}" for p in product],
            "date": days[day],
            "quantity": units[zone, product, day].astype(float),
        }
    )


def timing_row(n_series: int, seed: int) -> dict:
    """Run time of model choice by CV and a week's forecast for `n_series` one-year series."""
    history = synthetic_history(n_series, 365, seed)
    start = (history["date"].max() + pd.Timedelta(days=1)).date()
    started = time.perf_counter()
    forecast = forecast_demand(history, start, horizon_days=7, cycle_days=1)
    seconds = time.perf_counter() - started
    models = forecast.table["model"]
    own = int((~models.str.startswith("group:")).sum())
    return {
        "dataset": f"generator demand, {n_series:,} series x 365 days (timing)",
        "series": len(models),
        "own_model_series": own,
        "grouped_sparse_series": len(models) - own,
        "seconds": round(seconds, 1),
        "models": models.str.removeprefix("group:").value_counts().to_dict(),
    }


def _markdown(table: pd.DataFrame) -> str:
    """A pipe table (no tabulate dependency)."""
    header = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(map(str, row)) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def _model_table(rows: list[dict]) -> pd.DataFrame:
    """MASE / RMSSE of each candidate per dataset (one target each: the errors do not depend on
    it), with how many series chose it."""
    seen, records = set(), []
    for row in rows:
        if row["dataset"] in seen:
            continue
        seen.add(row["dataset"])
        error = row["report"]["error"]
        records.append(
            {
                "dataset": row["dataset"],
                "model": "chosen per series",
                "mase": error["chosen"],
                "rmsse": error["rmsse"]["chosen"],
                "series_chosen": "",
            }
        )
        for name, values in row["report"]["models"].items():
            records.append(
                {
                    "dataset": row["dataset"],
                    "model": name,
                    "mase": values["mase"],
                    "rmsse": values["rmsse"],
                    "series_chosen": values["series_chosen"],
                }
            )
    table = pd.DataFrame(records)
    return table.round({"mase": 4, "rmsse": 4})


def write(rows: list[dict], timing: dict, out: Path, note: str) -> None:
    """CSV, Markdown and JSON into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame([{k: v for k, v in row.items() if k != "report"} for row in rows])
    table.to_csv(out / "forecast.csv", index=False)
    timing_table = pd.DataFrame([{k: v for k, v in timing.items() if k != "models"}])
    timing_table.to_csv(out / "forecast_timing.csv", index=False)
    lines = [
        "# Forecast and stock benchmark",
        "",
        note,
        "",
        "## Backtests (held-out weeks, forecast made before each week)",
        "",
        _markdown(table),
        "",
        "## Run time of model choice by cross-validation",
        "",
        _markdown(timing_table),
        "",
        "Models chosen (series, own or through their sparse group): "
        + ", ".join(f"{k} {v}" for k, v in timing["models"].items()),
        "",
        "## Error of every candidate on the held-out weeks (zone series)",
        "",
        _markdown(_model_table(rows)),
        "",
    ]
    (out / "forecast.md").write_text("\n".join(lines))
    (out / "forecast.json").write_text(
        json.dumps({"note": note, "backtests": rows, "timing": timing}, indent=1, default=str)
    )


def main() -> None:
    """Run the three parts and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weeks-real", type=int, default=8)
    parser.add_argument("--weeks-scenario", type=int, default=4)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument(
        "--report-only", action="store_true", help="Re-render forecast.md from forecast.json."
    )
    args = parser.parse_args()
    if args.report_only:
        saved = json.loads((args.out / "forecast.json").read_text())
        write(saved["backtests"], saved["timing"], args.out, saved["note"])
        print((args.out / "forecast.md").read_text())
        return
    note = (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), statsforecast n_jobs=1, under "
        "/tmp/pickup-bench.lock; other sessions were working on the machine (tests, editors) "
        "during the run. fill_gap_points = realised - target fill rate, in points. "
        "MASE / RMSSE are means over zone series with a non-zero in-sample scale."
    )
    rows = favorita_rows(args.weeks_real) + scenario_rows(args.weeks_scenario)
    timing = timing_row(args.series, args.seed)
    write(rows, timing, args.out, note)
    print((args.out / "forecast.md").read_text())


if __name__ == "__main__":
    main()
