"""Public holidays beyond demand: `PH` rules of opening hours and van shifts apply on the
country's public holidays, and the calendar parameters are checked at the edge."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from pickup_net.domain import Parameters, VehicleType
from pickup_net.domain.opening_hours import is_public_holiday, parse_opening_hours, windows_on

FESTIVO = date(2026, 11, 16)
"""Independence of Cartagena, moved to Monday 16 November 2026 in Colombia."""
HOURS = "Mo-Sa 08:00-20:00; Su,PH 09:00-13:00"


def test_ph_rule_applies_on_the_countrys_public_holiday() -> None:
    """A Monday festivo takes the PH hours in Colombia; the Monday before keeps Monday hours."""
    assert is_public_holiday("CO", FESTIVO)
    assert windows_on(HOURS, FESTIVO, "CO") == [(9 * 3600, 13 * 3600)]
    assert windows_on(HOURS, FESTIVO - timedelta(7), "CO") == [(8 * 3600, 20 * 3600)]


def test_ph_off_closes_and_no_country_means_no_holidays() -> None:
    """`PH off` closes on the festivo in Colombia, not in Spain, and not without a country."""
    text = "Mo-Fr 08:00-18:00; PH off"
    assert windows_on(text, FESTIVO, "CO") == []
    assert windows_on(text, FESTIVO, "ES") == [(8 * 3600, 18 * 3600)]
    assert windows_on(text, FESTIVO, None) == [(8 * 3600, 18 * 3600)]


def test_a_later_weekday_rule_overrides_an_earlier_ph_rule() -> None:
    """Rules apply in order, as in OSM: `PH off; Mo 10:00-12:00` opens on a Monday festivo."""
    assert windows_on("PH off; Mo 10:00-12:00", FESTIVO, "CO") == [(10 * 3600, 12 * 3600)]


@given(
    day=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    first=st.integers(0, 6),
    last=st.integers(0, 6),
    start=st.integers(0, 22),
)
def test_hours_without_ph_do_not_depend_on_the_country(
    day: date, first: int, last: int, start: int
) -> None:
    """Hours without a PH rule give the weekday's windows on any date, with or without holidays."""
    days = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    text = f"{days[first]}-{days[last]} {start:02d}:00-{start + 1:02d}:30"
    week = parse_opening_hours(text)[day.weekday()]
    assert windows_on(text, day, "CO") == week == windows_on(text, day, None)


def test_van_shift_with_several_spans_a_day_is_refused() -> None:
    """A shift is one span a day: a split shift names the field and the value."""
    with pytest.raises(ValidationError, match=r"shifts[\s\S]*'Mo-Fr 07:00-11:00,13:00-19:00'"):
        VehicleType(
            id="v",
            depot_id="D",
            count=1,
            capacity_liters=100,
            capacity_kg=100,
            shifts="Mo-Fr 07:00-11:00,13:00-19:00",
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", "'XX' is not an ISO 3166 alpha-2 country code"),
        ("country", "COL", "'COL' is not an ISO 3166 alpha-2 country code"),
        ("paydays", ["weekly"], "'quincena' or 'month_end'"),
    ],
)
def test_bad_calendar_parameters_are_named(field: str, value: object, message: str) -> None:
    """An unknown country (alpha-3 included) or payday rule names the field and the value."""
    with pytest.raises(ValidationError, match=field) as caught:
        Parameters.model_validate({field: value})
    assert message in str(caught.value)
