"""Opening hours: the common OSM subset parses into the right windows; nonsense is refused."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pickup_net.domain.opening_hours import OpeningHoursError, parse_opening_hours


def test_split_day_and_weekend_rules() -> None:
    """Two spans on weekdays, a shorter Saturday, Sunday closed."""
    week = parse_opening_hours("Mo-Fr 09:00-13:00,16:00-20:00; Sa 09:00-14:00")
    assert week[0] == [(9 * 3600, 13 * 3600), (16 * 3600, 20 * 3600)]
    assert week[5] == [(9 * 3600, 14 * 3600)]
    assert week[6] == []


def test_later_rule_overrides_and_holidays_ignored() -> None:
    """A later rule replaces earlier hours for its days; PH is accepted and not applied."""
    week = parse_opening_hours("Mo-Su 08:00-20:00; Su,PH off")
    assert week[6] == [] and week[2] == [(8 * 3600, 20 * 3600)]
    assert parse_opening_hours("24/7")[3] == [(0, 86_400)]


@pytest.mark.parametrize("text", ["Mo-Fr 20:00-08:00", "Xy 09:00-10:00", "Mo 25:00-26:00", ""])
def test_bad_hours_are_refused(text: str) -> None:
    """Spans that close before they open, unknown days and bad times raise."""
    with pytest.raises(OpeningHoursError):
        parse_opening_hours(text)


@given(st.lists(st.tuples(st.integers(0, 23), st.integers(1, 24)), min_size=1, max_size=4))
def test_windows_sorted_and_disjoint(spans: list[tuple[int, int]]) -> None:
    """Whatever spans are given, each day's windows come out sorted and non-overlapping."""
    spans = [(a, b) for a, b in spans if b > a]
    if not spans:
        return
    text = "Mo " + ",".join(f"{a:02d}:00-{b:02d}:00" for a, b in spans)
    windows = parse_opening_hours(text)[0]
    assert all(w[0] < w[1] for w in windows)
    assert all(a[1] < b[0] for a, b in pairwise(windows))
    covered = {h for a, b in spans for h in range(a, b)}
    assert {h for a, b in windows for h in range(a // 3600, b // 3600)} == covered
