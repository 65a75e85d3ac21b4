"""Small synthetic zone x product histories for the forecast tests."""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest


def poisson_history(
    rates: dict[tuple[str, str], np.ndarray | float], n_days: int, seed: int = 0
) -> pd.DataFrame:
    """Daily Poisson counts per (zone, product) from 2024-01-01 for `n_days` days, zeros dropped."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=n_days)
    frames = []
    for (zone, product), rate in rates.items():
        counts = rng.poisson(np.broadcast_to(rate, (n_days,)))
        keep = counts > 0
        frames.append(
            pd.DataFrame(
                {
                    "zone_id": zone,
                    "product_id": product,
                    "date": days[keep],
                    "quantity": counts[keep],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def make_history() -> Callable[..., pd.DataFrame]:
    """The `poisson_history` builder."""
    return poisson_history
