"""Calendar: per-date features (holidays, paydays, events) and validation of its inputs."""

from datetime import date

import pandas as pd
import pytest

from pickup_net.forecast import Calendar, Event, forecast_demand

DAYS = 91


def test_colombian_monday_festivo_is_a_holiday() -> None:
    """Colombia's Epiphany moved to Monday 2024-01-08 is a holiday; the 6th is not."""
    days = pd.date_range("2024-01-05", "2024-01-09")
    features = Calendar(country="CO").features(days)
    assert features["is_holiday"].tolist() == [False, False, False, True, False]
    assert "Epiphany" in features.loc["2024-01-08", "holiday"]


def test_paydays_are_the_15th_and_the_last_day_of_each_month() -> None:
    """The paydays rule marks the 15th and the month's last day (29 February in a leap year)."""
    days = pd.date_range("2024-02-01", "2024-03-31")
    paydays = days[Calendar(rules={"quincena"}).features(days)["is_payday"].to_numpy()]
    assert [d.date() for d in paydays] == [
        date(2024, 2, 15),
        date(2024, 2, 29),
        date(2024, 3, 15),
        date(2024, 3, 31),
    ]
    assert not Calendar().features(days)["is_payday"].any()


def test_event_features_cover_its_days_and_products() -> None:
    """An event flags every day from date to end_date with its uplift, only for its products."""
    promo = Event(
        date(2024, 3, 2), "promo", uplift=1.5, product_ids={"p"}, end_date=date(2024, 3, 4)
    )
    calendar = Calendar(events=(promo,))
    days = pd.date_range("2024-03-01", "2024-03-05")
    features = calendar.features(days, product_id="p")
    assert features["event:promo"].tolist() == [False, True, True, True, False]
    assert features["uplift"].tolist() == [1.0, 1.5, 1.5, 1.5, 1.0]
    assert features["events"].iloc[1] == "promo"
    assert "event:promo" not in calendar.features(days, product_id="q")


def test_end_before_start_is_rejected() -> None:
    """An event ending before it starts is an error naming the event, field and dates."""
    with pytest.raises(
        ValueError, match=r"events\['promo'\]\.end_date: 2024-03-01 is before date 2024-03-05"
    ):
        Event(date(2024, 3, 5), "promo", end_date=date(2024, 3, 1))


@pytest.mark.parametrize("uplift", [0.0, -1.5, float("nan"), float("inf")])
def test_uplift_not_positive_is_rejected(uplift: float) -> None:
    """A zero, negative or non-finite uplift is an error naming the field and value."""
    with pytest.raises(ValueError, match=rf"events\['promo'\]\.uplift: {uplift}"):
        Event(date(2024, 3, 5), "promo", uplift=uplift)


def test_unknown_product_is_rejected(make_history) -> None:
    """An event for a product absent from the history is an error naming event and product."""
    calendar = Calendar(events=(Event(date(2024, 4, 2), "promo", product_ids={"nope"}),))
    history = make_history({("z", "p"): 2.0}, DAYS)
    with pytest.raises(ValueError, match=r"events\['promo'\]\.product_ids: 'nope' is not a"):
        forecast_demand(history, date(2024, 4, 1), horizon_days=7, calendar=calendar)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"country": "XX"}, r"calendar\.country: 'XX'"),
        ({"country": "CO", "subdivision": "ZZ"}, r"calendar\.subdivision: 'ZZ'"),
        ({"rules": {"bonus"}}, r"calendar\.rules: 'bonus'"),
        ({"events": ("promo",)}, r"calendar\.events\[0\]: 'promo'"),
    ],
)
def test_bad_calendar_fields_are_rejected(arguments: dict, message: str) -> None:
    """An unknown country, subdivision or rule, or a non-Event event, is named in the error."""
    with pytest.raises(ValueError, match=message):
        Calendar(**arguments)


def test_empty_event_name_is_rejected() -> None:
    """An event needs a name to learn its effect under."""
    with pytest.raises(ValueError, match=r"events\.name: ' '"):
        Event(date(2024, 3, 5), " ")
