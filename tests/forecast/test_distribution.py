"""The cycle demand distribution: quantiles, expected shortfall and fill-rate quantities."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pickup_net.forecast import CycleDemand

means = st.floats(0.05, 40.0)
extra = st.floats(0.0, 3.0)


def _pmf(demand: CycleDemand, upper: int) -> np.ndarray:
    if demand.family == "poisson":
        return stats.poisson(demand.mean).pmf(np.arange(upper))
    n = demand.mean**2 / (demand.variance - demand.mean)
    return stats.nbinom(n, demand.mean / demand.variance).pmf(np.arange(upper))


@settings(max_examples=40, deadline=None)
@given(means, extra, st.floats(0.01, 0.99))
def test_quantile_is_smallest_integer_reaching_level(mean: float, ratio: float, q: float) -> None:
    """quantile(q) is the smallest integer d with P(D <= d) >= q."""
    demand = CycleDemand(mean, mean * (1 + ratio))
    d = demand.quantile(q)
    assert d == int(d)
    assert demand.cdf(d) >= q - 1e-12
    assert d == 0 or demand.cdf(d - 1) < q


@settings(max_examples=40, deadline=None)
@given(means, extra, st.floats(0.0, 60.0))
def test_expected_shortfall_matches_direct_sum(mean: float, ratio: float, units: float) -> None:
    """E[(D - units)+] equals the sum over the probability mass function, between integers too."""
    demand = CycleDemand(mean, mean * (1 + ratio))
    upper = int(demand.quantile(1 - 1e-12)) + 200
    k = np.arange(upper)
    direct = float(np.sum(np.clip(k - units, 0, None) * _pmf(demand, upper)))
    assert demand.expected_shortfall(units) == pytest.approx(direct, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(means, extra, st.floats(0.5, 0.995))
def test_fill_rate_units_are_the_fewest_reaching_target(
    mean: float, ratio: float, target: float
) -> None:
    """units_for_fill_rate reaches the target and one unit fewer does not."""
    demand = CycleDemand(mean, mean * (1 + ratio))
    units = demand.units_for_fill_rate(target)
    assert demand.fill_rate(units) >= target - 1e-9
    assert units == 0 or demand.fill_rate(units - 1) < target


def test_variance_below_mean_is_poisson() -> None:
    """An under-dispersed variance is raised to the Poisson's."""
    assert CycleDemand(3.0, 1.0).family == "poisson"
    assert CycleDemand(3.0, 1.0).quantile(0.9) == stats.poisson(3.0).ppf(0.9)


def test_zero_demand_needs_no_stock() -> None:
    """With no demand the quantile, shortfall and fill-rate units are all zero."""
    demand = CycleDemand(0.0, 0.0)
    assert demand.quantile(0.99) == 0.0
    assert demand.expected_shortfall(0.0) == 0.0
    assert demand.units_for_fill_rate(0.95) == 0
    assert demand.fill_rate(0) == 1.0


def test_negative_mean_is_rejected_with_field_name() -> None:
    """A negative mean is an error that names the field and value."""
    with pytest.raises(ValueError, match=r"mean: -1\.0"):
        CycleDemand(-1.0, 1.0)
