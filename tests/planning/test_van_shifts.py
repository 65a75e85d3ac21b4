"""Per-weekday van shifts: a van works its shift of the day, not at all on a closed day (public
holidays included), and hubs take no delivery on days they are closed or no van works."""

from datetime import date, time, timedelta

from builders import CENTRE, small_scenario
from plan_checks import check_plan

from pickup_net.domain import Budget, Day, Plan, Ref, Scenario, StockLine, VehicleType
from pickup_net.domain.opening_hours import is_public_holiday
from pickup_net.planning import plan, plan_inputs
from pickup_net.planning.replenishment import delivery_days
from pickup_net.planning.travel import Travel
from pickup_net.planning.van_routes import DriveMatrix, build_routing, shift_on, vans_work

SHIFTS = "Mo-Fr 07:00-19:00; Sa off; Su 08:00-12:00; PH off"
FESTIVO = date(2026, 11, 16)
"""A Monday public holiday in Colombia."""


def _van(shifts: str | None) -> VehicleType:
    return VehicleType(
        id="v",
        depot_id="D1",
        count=1,
        capacity_liters=100,
        capacity_kg=100,
        shift_start=time(6),
        shift_end=time(14),
        shifts=shifts,
    )


def test_shift_of_each_day_and_closed_days() -> None:
    """Weekday, Saturday (off), Sunday, a Monday festivo (PH off) and the default every day."""
    van = _van(SHIFTS)
    monday = FESTIVO + timedelta(7)
    assert shift_on(van, monday, "CO") == (7 * 3600, 19 * 3600)
    assert shift_on(van, monday - timedelta(2), "CO") is None
    assert shift_on(van, monday - timedelta(1), "CO") == (8 * 3600, 12 * 3600)
    assert shift_on(van, FESTIVO, "CO") is None
    assert shift_on(van, FESTIVO, None) == (7 * 3600, 19 * 3600)
    assert shift_on(_van(None), monday - timedelta(2), "CO") == (6 * 3600, 14 * 3600)


def test_hub_delivery_days_skip_closed_shops_and_days_without_vans() -> None:
    """A hub closed on public holidays takes no delivery on the festivo, nor when no van works."""
    scenario = small_scenario(2, country="CO")
    shop = scenario.shops[0].model_copy(update={"opening_hours": "Mo-Su 08:00-20:00; PH off"})
    fleet = scenario.model_copy(update={"vehicle_types": [_van(SHIFTS)]})
    start = FESTIVO - timedelta(2)  # Saturday, Sunday, the festivo, Tuesday
    assert delivery_days(shop, start, 4, 0) == [True] * 4
    assert delivery_days(shop, start, 4, 0, "CO") == [True, True, False, True]
    works = [vans_work(fleet, start + timedelta(d)) for d in range(4)]
    assert works == [False, True, False, True]
    assert delivery_days(shop, start, 4, 0, "CO", lambda day: vans_work(fleet, day)) == [
        False,
        True,
        False,
        True,
    ]


def test_plan_routes_no_van_on_its_closed_day() -> None:
    """Friday to Sunday with vans off on Saturday and working 08:00-12:00 on Sunday: Saturday
    has no route and Sunday's routes lie within the Sunday shift."""
    scenario = small_scenario(1, horizon_days=3, search_work=200)
    data = scenario.model_dump(mode="json")
    data["vehicle_types"][0]["shifts"] = SHIFTS
    result = plan(plan_inputs(Scenario.model_validate(data)), Budget(work=200))
    friday, saturday, sunday = result.days
    assert [d.date.weekday() for d in result.days] == [4, 5, 6]
    assert saturday.routes == []
    assert sunday.routes and all(
        r.start_s >= 8 * 3600 and r.end_s <= 12 * 3600 for r in sunday.routes
    )
    assert any(f"{saturday.date}: " in warning for warning in result.warnings)
    assert friday.routes


def test_day_routing_leaves_out_closed_hubs_and_vans_on_a_festivo() -> None:
    """On Colombia's 23 March 2026 festivo a `PH off` hub gets no stop and a `PH off` van type
    no vehicle, while the hub and vans open on holidays are routed as usual."""
    festivo = date(2026, 3, 23)
    base = small_scenario(2, country="CO")
    closed_van = _van(SHIFTS).model_copy(update={"id": "off", "depot_id": "D1"})
    scenario = base.model_copy(
        update={
            "parameters": base.parameters.model_copy(update={"plan_date": festivo}),
            "vehicle_types": [*base.vehicle_types, closed_van],
        }
    )
    hours = ("Mo-Su 08:00-20:00; PH off", "Mo-Su 08:00-20:00")
    hubs = [
        s.model_copy(update={"opening_hours": h})
        for s, h in zip(base.shops[:2], hours, strict=True)
    ]
    stock = [
        StockLine(
            hub_id=hub.id,
            product_id="P01",
            units=3,
            forecast_mean=2.0,
            quantile=0.95,
            unconstrained_units=3,
            reason="",
        )
        for hub in hubs
    ]
    places = [(Ref(kind="depot", id="D1"), *CENTRE)] + [
        (Ref(kind="shop", id=s.id), s.lon, s.lat) for s in hubs
    ]
    travel = Travel(scenario.parameters, None, Budget())
    drive = DriveMatrix(places, travel.matrices(places, None, "drive"))
    routing = build_routing(scenario, hubs, stock, [], drive)
    assert [stop.id for stop in routing.problem.stops] == [str(Ref(kind="shop", id=hubs[1].id))]
    assert {v.type_id for v in routing.problem.vehicles} == {"van"}
    assert is_public_holiday("CO", festivo)


def _units(day: Day) -> float:
    return sum(line.delivered_units for line in day.stock)


def test_plan_stocks_a_hub_closed_on_a_festivo_the_day_before() -> None:
    """Over Sunday, the 23 March 2026 festivo and Tuesday, two hubs closed on public holidays
    (`PH off`, country CO) get no visit on the festivo, and Sunday brings them more than when no
    country makes the Monday a holiday: Sunday's stock must last until Tuesday."""
    festivo = date(2026, 3, 23)

    def planned(country: str | None) -> tuple[Scenario, Plan]:
        base = small_scenario(
            2,
            n_customers=200,
            n_shops=4,
            country=country,
            horizon_days=3,
            search_work=200,
            open_shops=["S0", "S1"],
            n_hubs=2,
        )
        params = base.parameters.model_copy(update={"plan_date": festivo - timedelta(1)})
        hours = {"opening_hours": "Mo-Su 08:00-20:00; PH off", "storage_liters": 5000.0}
        shops = [s.model_copy(update=hours) for s in base.shops]
        scenario = base.model_copy(update={"shops": shops, "parameters": params})
        return scenario, plan(plan_inputs(scenario), Budget(work=200))

    _, no_holiday = planned(None)
    scenario, result = planned("CO")
    check_plan(scenario, result)
    assert [h.shop_id for h in result.hubs] == [h.shop_id for h in no_holiday.hubs]
    sunday, holiday, _ = result.days
    assert holiday.date == festivo
    assert _units(no_holiday.days[1]) > 0, "without the holiday the Monday is restocked"
    assert _units(holiday) == 0
    assert not [v for r in holiday.routes for v in r.visits if v.kind == "replenish"]
    assert _units(sunday) > _units(no_holiday.days[0])
