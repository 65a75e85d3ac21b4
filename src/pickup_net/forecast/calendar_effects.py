"""Calendar effects learned from the history: a demand multiplier per series and calendar label.

A calendar day's *reference* is the mean of the same weekday one and two weeks before and after
that are not calendar days; its ratio to the reference, summed over the past days with the same
label (the same event or holiday name, or the kind of day), is the label's effect. Each series'
effect is shrunk to the effect pooled over all series, and that one to no effect (1), by
`PRIOR_REFERENCE_UNITS` reference units each.

An effect is used only where it measurably helps: leaving each past day out in turn, predicting it
as reference x the effect learned from the other days must beat predicting the reference by
`USE_MARGIN` (absolute error summed over the days; series with fewer than `MIN_PAST_DAYS` own
past days follow the test pooled over all series, and a label seen on fewer past dates is not
learned). The effect must also stand out of the day-to-day variation: its excess over the
reference, summed over the past days, must be significant against that sum's spread without an
effect (a day's variance: the series' variance-to-mean ratio of ordinary days around their
reference, at least 1 as for a count, times the reference), pooled over all series or else for
the series alone, at levels that keep the chance of any false effect among the labels, or among
all series and labels, at `FALSE_EFFECT_RATE` (Bonferroni). Without this, chance dips of a few
units a day pass the leave-one-out test (absolute error favours forecasting below the mean of
small counts).

A forecast day takes the first usable label of its chain (event, holiday, kind of holiday,
payday); an event that never occurred before, or whose effect did not help, takes its
declared uplift if there is one.
Learned calendar days of the history are divided by their effect (replaced by their reference
where the effect is below `MIN_DIVISOR_EFFECT`, e.g. closed days) before the models are fitted, so
that holidays distort neither the baseline nor its choice.

A learned effect is uncertain: its relative standard deviation is estimated from the leave-one-out
errors pooled over the series, less their count noise (the variance of a count is at least its
mean). A declared uplift gets half its change as relative standard deviation.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from pickup_net.forecast.calendar import Calendar
from pickup_net.forecast.candidates import SEASON_DAYS

PRIOR_REFERENCE_UNITS = 10.0
USE_MARGIN = 0.1
FALSE_EFFECT_RATE = 0.01
MIN_PAST_DAYS = 2
MIN_DIVISOR_EFFECT = 0.2
DECLARED_RELATIVE_SD = 0.5
"""Relative standard deviation of a declared uplift, as a share of its change (uplift - 1)."""
REFERENCE_OFFSETS = (-2 * SEASON_DAYS, -SEASON_DAYS, SEASON_DAYS, 2 * SEASON_DAYS)


@dataclass(frozen=True, eq=False)
class CalendarEffects:
    """Per fitted series: history with learned calendar days cleaned, and the horizon's factors.

    `labels` and `sources` say, per series and forecast day, which calendar label changed the
    forecast (``""`` where none did) and where its factor came from; `relative_sd` is the
    uncertainty of that factor as a share of the forecast (0 where no label applies);
    `past_factors` are the factors the history was divided by.
    """

    cleaned: np.ndarray
    factors: np.ndarray
    labels: np.ndarray
    sources: np.ndarray
    relative_sd: np.ndarray
    past_factors: np.ndarray

    def without(self, rows: np.ndarray) -> "CalendarEffects":
        """The same with no factor on `rows` (a boolean mask): their model uses the calendar
        itself."""
        keep = ~rows[:, None]
        return CalendarEffects(
            self.cleaned,
            np.where(keep, self.factors, 1.0),
            np.where(keep, self.labels, ""),
            np.where(keep, self.sources, ""),
            np.where(keep, self.relative_sd, 0.0),
            self.past_factors,
        )


@dataclass(frozen=True, eq=False)
class _Learned:
    """One label's learned effect per series, whether it is used, its own past-day count, and
    the relative standard deviation of the effect (pooled over series)."""

    effect: np.ndarray
    used: np.ndarray
    own_days: np.ndarray
    pooled_days: int
    relative_sd: float


def calendar_effects(
    values: np.ndarray,
    products: np.ndarray,
    first_day: pd.Timestamp,
    horizon_days: int,
    calendar: Calendar,
) -> CalendarEffects:
    """Learn the effects of `calendar` on each row of `values` (series x days from `first_day`,
    of product `products[row]`) and give the factors of the `horizon_days` days that follow."""
    n_rows, n_days = values.shape
    days = pd.date_range(first_day, periods=n_days + horizon_days)
    chains = _chains(calendar, days, products)
    calendar_day = np.zeros((n_rows, n_days), dtype=bool)
    for rows, labels in chains:
        calendar_day[rows] = [bool(day) for day in labels[:n_days]]
    reference = _reference(values, calendar_day)
    noise = _noise(values, reference, calendar_day)
    occurrences_of = _occurrences(chains, n_days)
    n_labels = max(1, len(occurrences_of))
    min_z = (
        float(norm.isf(FALSE_EFFECT_RATE / (2 * n_labels))),
        float(norm.isf(FALSE_EFFECT_RATE / (2 * n_labels * max(1, n_rows)))),
    )
    learned = {
        label: _learn(values, reference, noise, min_z, occurrences)
        for label, occurrences in occurrences_of.items()
    }
    factors = np.ones((n_rows, n_days + horizon_days))
    chosen = np.full(factors.shape, "", dtype=object)
    sources = np.full(factors.shape, "", dtype=object)
    relative_sd = np.zeros(factors.shape)
    for rows, labels in chains:
        product = str(products[rows[0]])
        for offset, chain in enumerate(labels):
            pending = rows.copy()
            for label in chain:
                if pending.size == 0:
                    break
                pending = _apply(
                    calendar if offset >= n_days else None,
                    learned.get(label),
                    label,
                    days[offset],
                    product,
                    pending,
                    (factors[:, offset], chosen[:, offset], sources[:, offset]),
                    relative_sd[:, offset],
                )
    past = factors[:, :n_days]
    replaced = np.where(np.isfinite(reference), reference, values)
    cleaned = np.where(
        past >= MIN_DIVISOR_EFFECT, values / np.maximum(past, MIN_DIVISOR_EFFECT), replaced
    )
    future = slice(n_days, None)
    return CalendarEffects(
        cleaned,
        factors[:, future],
        chosen[:, future],
        sources[:, future],
        relative_sd[:, future],
        past,
    )


def _apply(
    calendar: Calendar | None,
    learned: _Learned | None,
    label: str,
    day: pd.Timestamp,
    product: str,
    rows: np.ndarray,
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
    relative_sd: np.ndarray,
) -> np.ndarray:
    """Set the factor of `label` on `rows` where it is usable, learned or (with a `calendar`)
    declared; return the rows still pending."""
    factors, labels, sources = out
    taken = np.zeros(rows.size, dtype=bool)
    if learned is not None:
        taken = learned.used[rows]
        hit = rows[taken]
        factors[hit] = learned.effect[hit]
        relative_sd[hit] = learned.relative_sd
        labels[hit] = label
        own = learned.own_days[hit]
        sources[hit] = np.where(
            own > 0,
            [f"learned from {n} past days" for n in own],
            f"learned from {learned.pooled_days} past days of other series",
        )
    uplift = None if calendar is None else calendar.uplift(label, day, product)
    if uplift is not None:
        rest = rows[~taken]
        factors[rest] = uplift
        relative_sd[rest] = DECLARED_RELATIVE_SD * abs(uplift - 1.0)
        labels[rest] = label
        sources[rest] = "declared uplift"
        return rows[:0]
    return rows[~taken]


def _chains(
    calendar: Calendar, days: pd.DatetimeIndex, products: np.ndarray
) -> list[tuple[np.ndarray, list[tuple[str, ...]]]]:
    """Rows grouped by the events that apply to them, with the label chain of every day."""
    groups: dict[tuple[bool, ...], list[int]] = {}
    for row, product in enumerate(products):
        key = tuple(event.applies_to(str(product)) for event in calendar.events)
        groups.setdefault(key, []).append(row)
    return [
        (np.array(rows), calendar.labels(days, str(products[rows[0]]))) for rows in groups.values()
    ]


def _occurrences(
    chains: list[tuple[np.ndarray, list[tuple[str, ...]]]], n_days: int
) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """Label -> (rows, history day indices) blocks where the label was on."""
    found: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for rows, labels in chains:
        per_label: dict[str, list[int]] = {}
        for index, chain in enumerate(labels[:n_days]):
            for label in chain:
                per_label.setdefault(label, []).append(index)
        for label, day_index in per_label.items():
            found.setdefault(label, []).append((rows, np.array(day_index)))
    return found


def _reference(values: np.ndarray, calendar_day: np.ndarray) -> np.ndarray:
    """Mean of the same weekday 1 and 2 weeks either side on non-calendar days (NaN if none)."""
    n_days = values.shape[1]
    total = np.zeros(values.shape)
    count = np.zeros(values.shape)
    for offset in REFERENCE_OFFSETS:
        target = slice(max(0, -offset), min(n_days, n_days - offset))
        source = slice(max(0, offset), min(n_days, n_days + offset))
        ordinary = ~calendar_day[:, source]
        total[:, target] += np.where(ordinary, values[:, source], 0.0)
        count[:, target] += ordinary
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _noise(values: np.ndarray, reference: np.ndarray, calendar_day: np.ndarray) -> np.ndarray:
    """Per series, the variance-to-mean ratio of ordinary days around their reference (>= 1)."""
    valid = ~calendar_day & np.isfinite(reference) & (reference > 0)
    excess = np.where(valid, (values - np.where(valid, reference, 0.0)) ** 2, 0.0).sum(axis=1)
    mean = np.where(valid, reference, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(mean > 0, excess / mean, 1.0)
    return np.maximum(ratio, 1.0)


def _significant(
    excess: np.ndarray | float, variance: np.ndarray | float, min_z: float
) -> np.ndarray:
    """Whether an excess over the reference is at least `min_z` standard deviations."""
    return np.abs(excess) >= min_z * np.sqrt(np.maximum(variance, 1e-12))


def _learn(
    values: np.ndarray,
    reference: np.ndarray,
    noise: np.ndarray,
    min_z: tuple[float, float],
    occurrences: list[tuple[np.ndarray, np.ndarray]],
) -> _Learned:
    """Effect of one label per series, shrunk to the pooled one, and its leave-one-out test.

    `min_z` holds the significance levels of the label pooled over all series and of one series.
    """
    n_rows = values.shape[0]
    actual_sum = np.zeros(n_rows)
    reference_sum = np.zeros(n_rows)
    own_days = np.zeros(n_rows, dtype=int)
    past_dates: set[int] = set()
    blocks = []
    for rows, day_index in occurrences:
        actual = values[np.ix_(rows, day_index)]
        ref = reference[np.ix_(rows, day_index)]
        valid = np.isfinite(ref) & (ref > 0)
        actual, ref = np.where(valid, actual, 0.0), np.where(valid, ref, 0.0)
        actual_sum[rows] += actual.sum(axis=1)
        reference_sum[rows] += ref.sum(axis=1)
        own_days[rows] += valid.sum(axis=1)
        past_dates.update(day_index[valid.any(axis=0)].tolist())
        blocks.append((rows, actual, ref))
    pooled_actual, pooled_reference = actual_sum.sum(), reference_sum.sum()
    prior = PRIOR_REFERENCE_UNITS
    pooled = (pooled_actual + prior) / (pooled_reference + prior)
    effect = (actual_sum + prior * pooled) / (reference_sum + prior)
    error_with = np.zeros(n_rows)
    error_without = np.zeros(n_rows)
    excess_squares = predicted_squares = 0.0
    for rows, actual, ref in blocks:
        pooled_rest = (pooled_actual - actual + prior) / (pooled_reference - ref + prior)
        left_out = (actual_sum[rows, None] - actual + prior * pooled_rest) / (
            reference_sum[rows, None] - ref + prior
        )
        predicted = ref * left_out
        error_with[rows] += np.abs(actual - predicted).sum(axis=1)
        excess_squares += float(((actual - predicted) ** 2 - predicted).sum())
        predicted_squares += float((predicted**2).sum())
        error_without[rows] += np.abs(actual - ref).sum(axis=1)
    keep = 1.0 - USE_MARGIN
    excess, null_variance = actual_sum - reference_sum, noise * reference_sum
    label_z, series_z = min_z
    pooled_significant = bool(_significant(excess.sum(), null_variance.sum(), label_z))
    pooled_used = pooled_significant and error_with.sum() < keep * error_without.sum()
    own_significant = pooled_significant | _significant(excess, null_variance, series_z)
    own_used = (error_with < keep * error_without) & own_significant
    used = np.where(own_days >= MIN_PAST_DAYS, own_used, pooled_used)
    used &= len(past_dates) >= MIN_PAST_DAYS
    variance = excess_squares / predicted_squares if predicted_squares > 0 else 0.0
    return _Learned(effect, used, own_days, int(own_days.sum()), float(np.sqrt(max(variance, 0.0))))
