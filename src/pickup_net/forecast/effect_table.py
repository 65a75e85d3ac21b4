"""The calendar changes of a forecast: one row per series and day a calendar label changed, and a
one-line note per series for the forecast table."""

from datetime import date

import numpy as np
import pandas as pd

from pickup_net.forecast.calendar_effects import CalendarEffects
from pickup_net.forecast.panel import Panel

EFFECT_COLUMNS = [
    "zone_id",
    "product_id",
    "date",
    "day_offset",
    "label",
    "source",
    "factor",
    "units_without",
    "units",
]


def effect_table(
    panel: Panel,
    start: date,
    effects: CalendarEffects | None,
    fit_row: np.ndarray,
    group_of: np.ndarray,
    share: np.ndarray,
    base_forecast: np.ndarray,
) -> pd.DataFrame:
    """One row per series and forecast day a calendar label changed, indexed by the series' row
    of the forecast table (see `DemandForecast.calendar_effects`)."""
    if effects is None:
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    series, offset = np.nonzero((fit_row[:, None] >= 0) & (effects.labels[fit_row] != ""))
    fitted = fit_row[series]
    without = np.where(group_of[series] >= 0, share[series], 1.0) * base_forecast[fitted, offset]
    factor = effects.factors[fitted, offset]
    return pd.DataFrame(
        {
            "zone_id": panel.zone_ids[series],
            "product_id": panel.product_ids[series],
            "date": (pd.Timestamp(start) + pd.to_timedelta(offset, unit="D")).date,
            "day_offset": offset,
            "label": effects.labels[fitted, offset],
            "source": effects.sources[fitted, offset],
            "factor": factor,
            "units_without": without,
            "units": without * factor,
        },
        columns=EFFECT_COLUMNS,
        index=pd.Index(series, name="series"),
    )


def effect_notes(effect_table: pd.DataFrame, n_series: int) -> list[str]:
    """Per series, its calendar changes as ``date label xfactor (source)`` joined by "; "."""
    notes = [""] * n_series
    if effect_table.empty:
        return notes
    text = (
        effect_table["date"].astype(str)
        + " "
        + effect_table["label"]
        + " x"
        + effect_table["factor"].round(2).astype(str)
        + " ("
        + effect_table["source"]
        + ")"
    )
    for series, note in text.groupby(level=0).agg("; ".join).items():
        notes[int(series)] = note
    return notes
