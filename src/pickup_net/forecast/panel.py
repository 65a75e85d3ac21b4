"""A zone x product daily history as a dense matrix: one row per series, one column per day."""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

HISTORY_COLUMNS = ("zone_id", "product_id", "date", "quantity")


@dataclass(frozen=True, eq=False)
class Panel:
    """Daily units per series; days without a row are zero demand."""

    zone_ids: np.ndarray
    product_ids: np.ndarray
    first_day: pd.Timestamp
    values: np.ndarray

    @property
    def n_days(self) -> int:
        """Number of days in the history."""
        return int(self.values.shape[1])


def build_panel(history: pd.DataFrame, start: date) -> Panel:
    """Check the history and lay it out densely, from its first day to the day before `start`.

    Raises `ValueError` naming the column and the bad value when a column is missing, a quantity
    is negative or not finite, or a row is dated on or after `start` (that would leak the future).
    """
    missing = [column for column in HISTORY_COLUMNS if column not in history.columns]
    if missing:
        raise ValueError(f"history: missing column(s) {missing}; expected {list(HISTORY_COLUMNS)}")
    start_ts = pd.Timestamp(start)
    if history.empty:
        empty = np.empty(0, dtype=object)
        return Panel(empty, empty, start_ts, np.zeros((0, 0)))
    quantity = history["quantity"].to_numpy(dtype=float)
    bad = ~np.isfinite(quantity) | (quantity < 0)
    if bad.any():
        raise ValueError(f"history.quantity: {quantity[bad][0]} must be a finite number >= 0")
    days = pd.to_datetime(history["date"]).dt.normalize()
    late = days >= start_ts
    if late.any():
        raise ValueError(
            f"history.date: {days[late].iloc[0].date()} is not before start {start_ts.date()}"
        )
    first_day = days.min()
    keys = history[["zone_id", "product_id"]].astype(str)
    codes, uniques = pd.MultiIndex.from_frame(keys).factorize()
    n_days = (start_ts - first_day).days
    values = np.zeros((len(uniques), n_days))
    np.add.at(values, (codes, (days - first_day).dt.days.to_numpy()), quantity)
    return Panel(
        zone_ids=uniques.get_level_values(0).to_numpy(dtype=object),
        product_ids=uniques.get_level_values(1).to_numpy(dtype=object),
        first_day=first_day,
        values=values,
    )
