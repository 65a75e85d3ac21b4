"""The two visit rules side by side: plan total cost and litres delivered vs picked up.

Usage: ``python benchmarks/visit_rules.py [--hubs N] [--work W] [--generated K]``. Plans the
bundled Fontibón scenario (with ``n_hubs`` forced, since hubs do not pay at its fees) and K
generated small scenarios with each `visit_rule`, under the same deterministic work limit, and
writes ``results/visit_rules.{csv,md}``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from pickup_net.domain import Budget, Scenario
from pickup_net.io.plan_inputs import load_inputs
from pickup_net.planning import plan, plan_inputs

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
RULES = ("irp", "below_safety_level")


def _with(scenario: Scenario, **parameters: object) -> Scenario:
    """`scenario` with some parameters changed."""
    params = scenario.parameters.model_copy(update=parameters)
    return scenario.model_copy(update={"parameters": params})


def row(name: str, scenario: Scenario, rule: str, work: int, bundled: bool) -> dict[str, object]:
    """Plan `scenario` with `rule` and summarise its horizon."""
    scenario = _with(scenario, visit_rule=rule)
    inputs = load_inputs(scenario, ROOT / ".cache/pickup-net") if bundled else plan_inputs(scenario)
    result = plan(inputs, Budget(work=work))
    stock = result.stages["stock"].details
    return {
        "scenario": name,
        "rule": rule,
        "hubs": len(result.hubs),
        "total_cost": result.costs.total,
        "routing": result.costs.routing,
        "holding": result.costs.holding,
        "shortage": result.costs.shortage,
        "hub_visits": stock["hub_visits"],
        "liters_delivered": stock["liters_delivered"],
        "liters_picked_up": stock["liters_picked_up"],
        "ratio": round(stock["liters_delivered"] / max(1e-9, stock["liters_picked_up"]), 3),
        "fill_rate": stock["expected_fill_rate"],
    }


def main() -> None:
    """Plan, print and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hubs", type=int, default=4)
    parser.add_argument("--work", type=int, default=200)
    parser.add_argument("--generated", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from builders import small_scenario

    from pickup_net.io.scenario_loader import load_scenario

    cases = [
        (
            "fontibon",
            _with(load_scenario(ROOT / "scenarios/fontibon/scenario.yaml"), n_hubs=args.hubs),
            True,
        )
    ]
    for seed in range(args.generated):
        generated = small_scenario(
            seed, n_customers=60, n_shops=4, horizon_days=7, n_hubs=2, routing_time_limit_s=5.0
        )
        cases.append((f"generated-{seed}", generated, False))
    rows = []
    for name, scenario, bundled in cases:
        for rule in RULES:
            rows.append(row(name, scenario, rule, args.work, bundled))
            print(rows[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / "visit_rules.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
    lines += ["| " + " | ".join(str(v) for v in r.values()) + " |" for r in rows]
    (RESULTS / "visit_rules.md").write_text(
        f"# Visit rules (work {args.work}, Fontibón with n_hubs={args.hubs})\n\n"
        + "\n".join(lines)
        + "\n"
    )


if __name__ == "__main__":
    main()
