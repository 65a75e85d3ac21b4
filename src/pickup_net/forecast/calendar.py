"""The forecast calendar: public holidays, named recurring rules and declared events, as per-date
features and as the ordered labels of each day that the calendar effects are learned on."""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import holidays
import numpy as np
import pandas as pd


def _quincena(days: pd.DatetimeIndex) -> np.ndarray:
    """The 15th and the last day of each month."""
    return np.asarray((days.day == 15) | days.is_month_end)


def _month_end(days: pd.DatetimeIndex) -> np.ndarray:
    """The last day of each month."""
    return np.asarray(days.is_month_end)


RULES: dict[str, Callable[[pd.DatetimeIndex], np.ndarray]] = {
    "quincena": _quincena,
    "month_end": _month_end,
}
"""Named recurring payday rules: the days each marks as a payday (they share the label `PAYDAY`)."""
HOLIDAY_KIND = "kind:public holiday"
PAYDAY = "payday"


@dataclass(frozen=True)
class Event:
    """A declared promotion or one-off event from `date` through `end_date` (default: that day).

    Parameters
    ----------
    date
        First day of the event.
    name
        The event's name; days of events with the same name share one learned effect.
    uplift
        Expected demand multiplier, > 0; used only where the history holds no earlier occurrence.
    product_ids
        Products the event affects (default: all).
    end_date
        Last day of the event, on or after `date`.
    """

    date: date
    name: str
    uplift: float | None = None
    product_ids: frozenset[str] | None = None
    end_date: date | None = None

    def __post_init__(self) -> None:
        """Check the fields, naming the event, the field and the bad value."""
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"events.name: {self.name!r} must be a non-empty string")
        where = f"events[{self.name!r}]"
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(f"{where}.end_date: {self.end_date} is before date {self.date}")
        if self.uplift is not None and not (math.isfinite(self.uplift) and self.uplift > 0):
            raise ValueError(f"{where}.uplift: {self.uplift} must be a positive number")
        if self.product_ids is not None:
            products = frozenset(str(product) for product in self.product_ids)
            if not products:
                raise ValueError(f"{where}.product_ids: empty; leave it out to mean all products")
            object.__setattr__(self, "product_ids", products)

    @property
    def days(self) -> pd.DatetimeIndex:
        """Every day of the event."""
        return pd.date_range(self.date, self.end_date or self.date)

    def applies_to(self, product_id: str) -> bool:
        """Whether the event affects `product_id`."""
        return self.product_ids is None or product_id in self.product_ids


@dataclass(frozen=True)
class Calendar:
    """Public holidays of `country` (ISO 3166 alpha-2, `holidays` package), the recurring `rules`
    switched on (``quincena``: the 15th and the last day of each month; see `RULES`) and declared
    `events`.

    Parameters
    ----------
    country
        Country whose public holidays count (default: none).
    subdivision
        Optional ISO 3166-2 subdivision code of `country` for regional holidays.
    events
        Declared promotions and events.
    rules
        Named recurring payday rules: any of `RULES`.
    """

    country: str | None = None
    subdivision: str | None = None
    events: tuple[Event, ...] = ()
    rules: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        """Check country, subdivision and rules, naming the field and value."""
        object.__setattr__(self, "events", tuple(self.events))
        object.__setattr__(self, "rules", frozenset(self.rules))
        supported = holidays.list_supported_countries()
        if self.country is not None and self.country not in supported:
            raise ValueError(f"calendar.country: {self.country!r} is not a supported ISO 3166 code")
        if self.subdivision is not None and (
            self.country is None or self.subdivision not in supported[self.country]
        ):
            raise ValueError(
                f"calendar.subdivision: {self.subdivision!r} is not a subdivision of "
                f"{self.country!r}"
            )
        unknown = sorted(self.rules - set(RULES))
        if unknown:
            raise ValueError(f"calendar.rules: {unknown[0]!r} is not one of {list(RULES)}")
        for index, event in enumerate(self.events):
            if not isinstance(event, Event):
                raise ValueError(f"calendar.events[{index}]: {event!r} is not an Event")

    @cached_property
    def _holidays(self) -> holidays.HolidayBase | None:
        """The holiday table of `country`, filled per year on demand."""
        if self.country is None:
            return None
        return holidays.country_holidays(self.country, subdiv=self.subdivision)

    def check_products(self, product_ids: Iterable[str]) -> None:
        """Raise `ValueError` naming the event and product if an event names an unknown product."""
        known = set(map(str, product_ids))
        for event in self.events:
            for product in sorted(event.product_ids or ()):
                if product not in known:
                    raise ValueError(
                        f"events[{event.name!r}].product_ids: {product!r} is not a product "
                        "of the history"
                    )

    def holiday_names(self, days: pd.DatetimeIndex) -> list[str]:
        """The public holiday name of each day ("" on other days; names joined by "; ")."""
        table = self._holidays
        if table is None:
            return [""] * len(days)
        return ["; ".join(sorted(table.get_list(day.date()))) for day in days]

    def is_payday(self, days: pd.DatetimeIndex) -> np.ndarray:
        """Whether each day is a payday under the switched-on rules."""
        payday = np.zeros(len(days), dtype=bool)
        for rule in self.rules:
            payday |= RULES[rule](days)
        return payday

    def features(self, days: pd.DatetimeIndex, product_id: str | None = None) -> pd.DataFrame:
        """Per day: is_holiday, holiday, is_payday, the events on it, their declared uplift
        (product of uplifts, 1 if none) and one ``event:<name>`` flag per declared event name."""
        names = self.holiday_names(days)
        frame = pd.DataFrame(
            {
                "is_holiday": [name != "" for name in names],
                "holiday": names,
                "is_payday": self.is_payday(days),
                "events": "",
                "uplift": 1.0,
            },
            index=days,
        )
        for event in self.events:
            if product_id is not None and not event.applies_to(product_id):
                continue
            on = days.isin(event.days)
            column = f"event:{event.name}"
            frame[column] = frame.get(column, False) | on
            frame.loc[on, "events"] = frame.loc[on, "events"].map(
                lambda names, name=event.name: f"{names}; {name}" if names else name
            )
            frame.loc[on, "uplift"] *= event.uplift or 1.0
        return frame

    def labels(self, days: pd.DatetimeIndex, product_id: str) -> list[tuple[str, ...]]:
        """Per day, its calendar labels from most to least specific: ``event:<name>`` of each
        event on it, ``holiday:<name>``, `HOLIDAY_KIND`, then `PAYDAY`."""
        events: dict[pd.Timestamp, list[str]] = {}
        for event in self.events:
            if event.applies_to(product_id):
                for day in event.days:
                    events.setdefault(day, []).append(f"event:{event.name}")
        paydays = self.is_payday(days)
        result = []
        for day, holiday, payday in zip(days, self.holiday_names(days), paydays, strict=True):
            labels = sorted(set(events.get(day, [])))
            if holiday:
                labels += [f"holiday:{holiday}", HOLIDAY_KIND]
            if payday:
                labels.append(PAYDAY)
            result.append(tuple(labels))
        return result

    def uplift(self, label: str, day: pd.Timestamp, product_id: str) -> float | None:
        """The declared uplift of event `label` on `day` for `product_id` (None if not declared)."""
        factors = [
            event.uplift
            for event in self.events
            if f"event:{event.name}" == label
            and event.uplift is not None
            and event.applies_to(product_id)
            and event.date <= day.date() <= (event.end_date or event.date)
        ]
        return float(np.prod(factors)) if factors else None
