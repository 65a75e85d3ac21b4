"""Parse the common subset of OpenStreetMap's `opening_hours` syntax into daily time windows.

Supported: `24/7`, weekday ranges and lists (`Mo-Fr`, `Mo,We,Sa`), several time spans per day
(`09:00-13:00,16:00-20:00`), rules separated by `;` (later rules replace earlier ones for the days
they name, as in OSM), `off`/`closed`, `24:00` as the end of the day, and public holidays `PH`
(`PH off`, `Su,PH 09:00-13:00`) on the public holidays of the scenario's country (`holidays`
package); school holidays `SH` are accepted and never match (no school calendar is known).
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

import holidays

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
PUBLIC_HOLIDAY, SCHOOL_HOLIDAY = "PH", "SH"
HOLIDAYS = (PUBLIC_HOLIDAY, SCHOOL_HOLIDAY)
"""Day selectors besides weekdays: public holidays apply by country, school holidays never."""
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

Window = tuple[int, int]
"""A time window in seconds since midnight, `(start_s, end_s)`, start before end."""


class OpeningHoursError(ValueError):
    """An opening_hours string outside the supported subset or with impossible times."""


@dataclass(frozen=True)
class Rule:
    """One `;`-separated rule: the weekdays (0 = Monday) it names, whether it names public
    holidays, and its windows (none: closed)."""

    weekdays: frozenset[int]
    public_holidays: bool
    windows: tuple[Window, ...]

    def applies(self, day: date, is_public_holiday: bool) -> bool:
        """Whether the rule selects `day`."""
        return day.weekday() in self.weekdays or (self.public_holidays and is_public_holiday)


def parse_rules(text: str) -> tuple[Rule, ...]:
    """Parse `text` into its rules in order (a later rule replaces earlier ones on its days).

    Raises
    ------
    OpeningHoursError
        When the syntax is not understood or a span closes before it opens.
    """
    return _parse_rules(text.strip())


@lru_cache(maxsize=4096)
def _parse_rules(text: str) -> tuple[Rule, ...]:
    if text == "24/7":
        return (Rule(frozenset(range(7)), True, ((0, 86_400),)),)
    rules = [rule.strip() for rule in text.split(";") if rule.strip()]
    if not rules:
        raise OpeningHoursError(f"{text!r} has no rule")
    return tuple(_parse_rule(rule) for rule in rules)


def parse_opening_hours(text: str) -> dict[int, list[Window]]:
    """Parse `text` into windows per weekday (0 = Monday) on ordinary (non-holiday) days,
    sorted and non-overlapping.

    Raises
    ------
    OpeningHoursError
        When the syntax is not understood or a span closes before it opens.
    """
    week: dict[int, list[Window]] = {day: [] for day in range(7)}
    for rule in parse_rules(text):
        for day in rule.weekdays:
            week[day] = list(rule.windows)
    return week


def windows_on(text: str, day: date, country: str | None = None) -> list[Window]:
    """The opening windows of `text` on the calendar date `day`; `PH` rules apply on the public
    holidays of `country` (ISO 3166 alpha-2; None: no public holidays)."""
    holiday = is_public_holiday(country, day)
    windows: list[Window] = []
    for rule in parse_rules(text):
        if rule.applies(day, holiday):
            windows = list(rule.windows)
    return windows


def is_public_holiday(country: str | None, day: date) -> bool:
    """Whether `day` is a public holiday of `country` (`holidays` package; None: never)."""
    return country is not None and day in _holiday_table(country)


@cache
def _holiday_table(country: str) -> holidays.HolidayBase:
    """The public holidays of `country`, filled per year on demand."""
    return holidays.country_holidays(country)


def _parse_rule(rule: str) -> Rule:
    """Parse one `;`-separated rule into the days it names and their windows."""
    parts = rule.split(maxsplit=1)
    if parts[0][:2] in WEEKDAYS or parts[0][:2] in HOLIDAYS:
        days, public = _parse_days(parts[0])
        rest = parts[1].strip() if len(parts) > 1 else ""
    else:
        days, public = list(range(7)), False
        rest = rule
    if rest in ("off", "closed"):
        return Rule(frozenset(days), public, ())
    if not rest:
        raise OpeningHoursError(f"{rule!r} names days but no hours")
    windows = _merge([_parse_span(span.strip(), rule) for span in rest.split(",")])
    return Rule(frozenset(days), public, tuple(windows))


def _parse_days(text: str) -> tuple[list[int], bool]:
    """Parse `Mo-Fr`, `Sa`, `Mo,We,Fr`, `Fr-Mo` (wrapping) or `Su,PH` into weekday numbers and
    whether public holidays are named."""
    days: list[int] = []
    public = False
    for piece in text.split(","):
        if piece in HOLIDAYS:
            public = public or piece == PUBLIC_HOLIDAY
            continue
        if "-" in piece:
            first, last = piece.split("-", 1)
            start, end = _day_index(first), _day_index(last)
            span = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            days.extend(span)
        else:
            days.append(_day_index(piece))
    return days, public


def _day_index(name: str) -> int:
    if name not in WEEKDAYS:
        raise OpeningHoursError(
            f"{name!r} is not a weekday (expected one of {', '.join(WEEKDAYS)})"
        )
    return WEEKDAYS.index(name)


def _parse_span(span: str, rule: str) -> Window:
    """Parse `HH:MM-HH:MM` into seconds; the end must come after the start."""
    match = _SPAN.match(span)
    if not match:
        raise OpeningHoursError(f"{span!r} in {rule!r} is not a time span like 08:00-20:00")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 > 0):
        raise OpeningHoursError(f"{span!r} in {rule!r} is not a valid time of day")
    start_s, end_s = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
    if end_s <= start_s:
        raise OpeningHoursError(f"{span!r} in {rule!r} closes before it opens")
    return start_s, end_s


def _merge(windows: list[Window]) -> list[Window]:
    """Sort the windows of one day and join those that touch or overlap."""
    merged: list[Window] = []
    for start_s, end_s in sorted(windows):
        if merged and start_s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end_s))
        else:
            merged.append((start_s, end_s))
    return merged
