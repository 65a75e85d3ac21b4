"""The distribution of one replenishment cycle's demand: negative binomial, or Poisson if not
over-dispersed, fitted to a forecast mean and variance.

Counts of units are over-dispersed for corner-shop demand (bursts, forecast error), so the
variance is kept as estimated when it exceeds the mean; below the mean it is raised to the mean
(the Poisson's), since a count forecast is never more certain than a Poisson process.
"""

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class CycleDemand:
    """Demand of one replenishment cycle (units): mean and variance of a NB or Poisson count.

    Parameters
    ----------
    mean
        Expected units in the cycle, >= 0.
    variance
        Variance of the units in the cycle; raised to `mean` when smaller (Poisson).
    """

    mean: float
    variance: float

    def __post_init__(self) -> None:
        """Reject a negative or non-finite mean or variance, naming it."""
        if not (math.isfinite(self.mean) and self.mean >= 0):
            raise ValueError(f"mean: {self.mean} must be a finite number >= 0")
        if not (math.isfinite(self.variance) and self.variance >= 0):
            raise ValueError(f"variance: {self.variance} must be a finite number >= 0")

    @property
    def family(self) -> str:
        """`zero`, `poisson` or `negative binomial`: the distribution used."""
        if self.mean <= 0:
            return "zero"
        if self.variance <= self.mean * (1 + 1e-9):
            return "poisson"
        return "negative binomial"

    @cached_property
    def _frozen(self) -> stats.rv_discrete | None:
        """The scipy distribution (None for no demand), built once."""
        if self.family == "zero":
            return None
        if self.family == "poisson":
            return stats.poisson(self.mean)
        return stats.nbinom(self.mean**2 / (self.variance - self.mean), self.mean / self.variance)

    def cdf(self, units: np.ndarray | float) -> np.ndarray:
        """P(D <= units) for integer `units`."""
        if self._frozen is None:
            return np.where(np.asarray(units) >= 0, 1.0, 0.0)
        return np.asarray(self._frozen.cdf(units), dtype=float)

    def quantile(self, q: float) -> float:
        """The smallest integer number of units d with P(D <= d) >= q.

        Parameters
        ----------
        q
            Probability level in [0, 1).

        Returns
        -------
        float
            An integer-valued number of units.
        """
        if not 0.0 <= q < 1.0:
            raise ValueError(f"q: {q} must be in [0, 1)")
        if self._frozen is None or q == 0.0:
            return 0.0
        return float(self._frozen.ppf(q))

    def expected_shortfall(self, units: float) -> float:
        """E[(D - units)+]: the expected demand not served from `units` units of stock.

        Exact for the discrete distribution, linear between integers.

        Parameters
        ----------
        units
            Stock held for the cycle, >= 0.
        """
        if units < 0:
            raise ValueError(f"units: {units} must be >= 0")
        if self._frozen is None:
            return 0.0
        whole = math.floor(units)
        served_whole = float(np.sum(self._frozen.sf(np.arange(whole)))) if whole else 0.0
        shortfall_whole = max(self.mean - served_whole, 0.0)
        fraction = units - whole
        return max(shortfall_whole - fraction * float(self._frozen.sf(whole)), 0.0)

    def fill_rate(self, units: float) -> float:
        """Expected share of the cycle's demand served from `units` units (1 if no demand)."""
        if self.mean <= 0:
            return 1.0
        return 1.0 - self.expected_shortfall(units) / self.mean

    def units_for_fill_rate(self, target: float) -> int:
        """The smallest whole number of units whose expected fill rate reaches `target`."""
        if not 0.0 < target < 1.0:
            raise ValueError(f"target: {target} must be in (0, 1)")
        if self._frozen is None:
            return 0
        upper = int(self._frozen.ppf(1 - (1 - target) * 1e-3)) + 2
        served = np.concatenate([[0.0], np.cumsum(self._frozen.sf(np.arange(upper)))])
        reached = np.nonzero(served >= target * self.mean)[0]
        return int(reached[0]) if reached.size else upper


def zero_demand() -> CycleDemand:
    """A cycle with no demand at all (no history)."""
    return CycleDemand(0.0, 0.0)


def cycle_quantiles(mean: np.ndarray, variance: np.ndarray, q: float) -> np.ndarray:
    """`CycleDemand(mean, variance).quantile(q)` for many rows at once."""
    mean = np.asarray(mean, dtype=float)
    variance = np.maximum(np.asarray(variance, dtype=float), mean)
    result = np.zeros_like(mean)
    over = (mean > 0) & (variance > mean * (1 + 1e-9))
    poisson = (mean > 0) & ~over
    result[poisson] = stats.poisson.ppf(q, mean[poisson])
    m, v = mean[over], variance[over]
    result[over] = stats.nbinom.ppf(q, m**2 / (v - m), m / v)
    return result
