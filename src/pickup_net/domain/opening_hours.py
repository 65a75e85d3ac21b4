"""Parse the common subset of OpenStreetMap's `opening_hours` syntax into daily time windows.

Supported: `24/7`, weekday ranges and lists (`Mo-Fr`, `Mo,We,Sa`), several time spans per day
(`09:00-13:00,16:00-20:00`), rules separated by `;` (later rules replace earlier ones for the days
they name, as in OSM), `off`/`closed`, `24:00` as the end of the day, and `PH`/`SH` (accepted,
not applied).
"""

import re
from datetime import date

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
HOLIDAYS = ("PH", "SH")
"""Public and school holidays: accepted in day lists and ignored (the plan date's weekday rules)."""
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

Window = tuple[int, int]
"""A time window in seconds since midnight, `(start_s, end_s)`, start before end."""


class OpeningHoursError(ValueError):
    """An opening_hours string outside the supported subset or with impossible times."""


def parse_opening_hours(text: str) -> dict[int, list[Window]]:
    """Parse `text` into windows per weekday (0 = Monday), sorted and non-overlapping.

    Raises
    ------
    OpeningHoursError
        When the syntax is not understood or a span closes before it opens.
    """
    text = text.strip()
    if text == "24/7":
        return {day: [(0, 86_400)] for day in range(7)}
    week: dict[int, list[Window]] = {day: [] for day in range(7)}
    rules = [rule.strip() for rule in text.split(";") if rule.strip()]
    if not rules:
        raise OpeningHoursError(f"{text!r} has no rule")
    for rule in rules:
        days, windows = _parse_rule(rule)
        for day in days:
            week[day] = list(windows)
    return {day: _merge(windows) for day, windows in week.items()}


def windows_on(text: str, day: date) -> list[Window]:
    """Return the opening windows of `text` on the calendar date `day`."""
    return parse_opening_hours(text)[day.weekday()]


def _parse_rule(rule: str) -> tuple[list[int], list[Window]]:
    """Split one `;`-separated rule into the weekdays it names and their windows."""
    parts = rule.split(maxsplit=1)
    if parts[0][:2] in HOLIDAYS and parts[0][:2] not in WEEKDAYS and "," not in parts[0]:
        return [], []
    if parts[0][:2] in WEEKDAYS or parts[0][:2] in HOLIDAYS:
        days = _parse_days(parts[0])
        rest = parts[1].strip() if len(parts) > 1 else ""
    else:
        days = list(range(7))
        rest = rule
    if rest in ("off", "closed"):
        return days, []
    if not rest:
        raise OpeningHoursError(f"{rule!r} names days but no hours")
    return days, [_parse_span(span.strip(), rule) for span in rest.split(",")]


def _parse_days(text: str) -> list[int]:
    """Parse `Mo-Fr`, `Sa`, `Mo,We,Fr` or `Fr-Mo` (wrapping) into weekday numbers."""
    days: list[int] = []
    for piece in text.split(","):
        if piece in HOLIDAYS:
            continue
        if "-" in piece:
            first, last = piece.split("-", 1)
            start, end = _day_index(first), _day_index(last)
            span = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            days.extend(span)
        else:
            days.append(_day_index(piece))
    return days


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
