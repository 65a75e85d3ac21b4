"""The comparison report: the Pareto front, the CSV rows and the failures listed."""

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pickup_net.scale import pareto_front, write_report
from pickup_net.scale.sweep_result import VariantResult

_points = st.lists(st.tuples(st.integers(0, 50), st.integers(0, 20)), min_size=1, max_size=30)


@given(_points)
def test_pareto_front_is_exactly_the_undominated_points(points: list[tuple[int, int]]) -> None:
    """No front point is dominated, and every other point is dominated by a front point."""
    cost = np.array([p[0] for p in points], dtype=float)
    coverage = np.array([p[1] for p in points], dtype=float)
    front = pareto_front(cost, coverage)

    def dominates(a: int, b: int) -> bool:
        return (cost[a] <= cost[b] and coverage[a] >= coverage[b]
                and (cost[a] < cost[b] or coverage[a] > coverage[b]))  # fmt: skip

    n = len(points)
    for i in range(n):
        dominated = any(dominates(j, i) for j in range(n))
        assert front[i] == (not dominated)
        if not front[i]:
            assert any(front[j] and dominates(j, i) for j in range(n))


def _result(name: str, cost: float, share: float, hubs: int) -> VariantResult:
    kpis = {"hubs_opened": hubs, "customers": 100, "customers_pickup": int(share * 100),
            "pickup_share": share, "mean_walk_m": 300.0, "units_prepositioned": 50,
            "vans_used": 2, "km_driven": 40.0, "driving_hours": 5.0, "routing_cost": cost * 0.6,
            "hub_cost": cost * 0.4, "total_cost": cost, "unassigned": 0}  # fmt: skip
    return VariantResult(name, "ok", {"parameters.n_hubs": hubs}, "f", 1.0, kpis,
                         {"location": {"gap": 0.01, "lower_bound": cost * 0.99}})  # fmt: skip


def test_report_lists_every_variant_and_each_failure(tmp_path: Path) -> None:
    """The CSV has one row per variant with its overrides; the HTML names the failed variant."""
    results = [
        _result("a", 100.0, 0.5, 3),
        _result("b", 120.0, 0.7, 5),
        _result("c", 130.0, 0.6, 4),
        VariantResult("broken", "failed", {"parameters.n_hubs": 0}, "f", error="n_hubs: 0 bad"),
    ]
    csv_path, html_path = write_report(results, ["parameters.n_hubs"], tmp_path, "t")
    table = pd.read_csv(csv_path)
    assert list(table["variant"]) == ["a", "b", "c", "broken"]
    assert list(table["parameters.n_hubs"]) == [3, 5, 4, 0]
    assert list(table["pareto"]) == [True, True, False, False]
    assert list(table["location_gap"].fillna(-1)) == [0.01, 0.01, 0.01, -1]
    page = html_path.read_text()
    assert page.count("<svg") == 3
    assert "broken" in page and "n_hubs: 0 bad" in page
