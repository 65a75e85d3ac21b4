"""Plans that pay: baselines beside every plan, location priced by routing, honest choices."""

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import small_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_checks import check_baselines

from pickup_net.domain import Budget, Depot, Plan, Ref, Scenario
from pickup_net.planning import plan, plan_inputs
from pickup_net.planning.baselines import all_home_location, baselines, greedy_location
from pickup_net.planning.choice import short_of_stops, versus
from pickup_net.planning.horizon import DemandLookup
from pickup_net.planning.hub_observations import HubObservations
from pickup_net.planning.priced import Located, Priced, locate, price_choice
from pickup_net.planning.progress import StageClock
from pickup_net.planning.route_prices import location_prices
from pickup_net.planning.routed_location import depot_matrix, located_problem
from pickup_net.render.map import economics_panel
from pickup_net.scale.report import results_table
from pickup_net.scale.sweep_result import VariantResult

FAST = {"routing_time_limit_s": 0.3, "location_time_limit_s": 0.5, "home_delivery_cost": None}


def _reprice(scenario: Scenario, located: Located, priced: Priced) -> float:
    """The total of `priced` recomputed from every day's routes on the driving matrix (through
    the depot between two trips), the vehicle rates, the hubs, the stock lines and each day's
    demand laws from the forecast."""
    params = scenario.parameters
    fleet = {v.id: v for v in scenario.vehicle_types}
    products = {p.id: p for p in scenario.products}
    index = {ref: i for i, (ref, _, _) in enumerate(located.drive.places)}
    meters = located.drive.matrices.meters
    demand_of = DemandLookup(located.horizon, priced.shares)
    total = 0.0
    for number, day in enumerate(priced.days):
        for route in day.routes:
            vtype = fleet[route.vehicle_type_id]
            depot = index[Ref(kind="depot", id=route.depot_id)]
            path = [depot]
            for before, visit in zip([None, *route.visits], route.visits, strict=False):
                if before is not None and visit.trip != before.trip:
                    path.append(depot)
                path.append(index[visit.ref])
            path.append(depot)
            driven = sum(meters[a, b] for a, b in itertools.pairwise(path))
            assert math.isclose(driven, route.distance_m, rel_tol=1e-6, abs_tol=1.0)
            hours = (route.end_s - route.start_s) / 3600
            total += vtype.fixed_cost + vtype.cost_per_km * driven / 1000
            total += vtype.cost_per_hour * hours
        for line in day.stock:
            law = demand_of(line.shop_id, number, 1).get(line.product_id)
            product = products[line.product_id]
            total += line.closing_units * product.holding_cost
            if law is not None:
                short = law.expected_shortfall(line.opening_units + line.delivered_units)
                total += short * product.stockout_cost
    for hub in priced.hubs:
        total += len(priced.days) * (
            params.hub_fixed_cost + hub.expected_pickups_per_day * hub.handling_fee
        )
    return total


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_customers=st.integers(10, 40), fee=st.sampled_from([0, 3000]))
def test_chosen_plan_never_above_a_baseline(seed: int, n_customers: int, fee: int) -> None:
    """On generated scenarios the plan's routed total is at most each baseline's, and each
    baseline's costs add up like the plan's."""
    params = {**FAST, "routing_time_limit_s": 2.0, "search_work": 20}
    scenario = small_scenario(seed, n_customers, 5, hub_fixed_cost=fee, **params)
    result = plan(plan_inputs(scenario))  # work-limited: no stop dropped because the clock ran out
    assert {b.name for b in result.baselines} == {"all_home", "greedy"}
    check_baselines(scenario, result)
    for baseline in result.baselines:
        assert result.kpis.total_cost <= baseline.total_cost + 0.01, baseline.name


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), hubs=st.integers(0, 3))
def test_baselines_reprice_to_their_reported_totals(seed: int, hubs: int) -> None:
    """All-home, greedy and the method's result, re-priced from their routes on the matrix,
    equal the totals the plan reports for them."""
    scenario = small_scenario(seed, 25, 5, **FAST)
    inputs = plan_inputs(scenario)
    spend = Budget().start()
    located = locate(inputs, StageClock(None), spend)
    location = greedy_location(inputs, located, hubs) if hubs else all_home_location(located)
    method = price_choice(inputs, located, location, 0.3, spend)
    found = baselines(inputs, located, method, 0.3, spend)
    for priced in [method, *(p for _, p in found)]:
        assert math.isclose(_reprice(scenario, located, priced), priced.total, abs_tol=0.5)
    for record, priced in found:
        assert record.total_cost == priced.total
        assert record.hubs_opened == len(priced.hubs)


@pytest.fixture(scope="module")
def no_pay() -> Plan:
    """A plan of a very sparse scenario with a high hub fee."""
    return plan(plan_inputs(small_scenario(0, 8, 4, hub_fixed_cost=200_000, **FAST)))


def test_hubs_that_cannot_pay_are_not_opened(no_pay: Plan) -> None:
    """Very low density and a high hub fee: the plan opens no hub, says why in a warning, and
    the routing-priced model puts the break-even fee below the fee charged."""
    result = no_pay
    assert result.kpis.hubs_opened == 0
    assert any(w.startswith("hubs do not pay here") for w in result.warnings)
    details = result.stages["location"].details
    assert details["why"].startswith("hubs do not pay here")
    assert details["method_result"]["hubs_opened"] == 0
    assert details["break_even"]["hub_fee_per_day"] < 200_000


def test_forced_hubs_that_do_not_pay_say_what_they_cost() -> None:
    """A shop forced open where hubs cannot pay: the plan keeps it, and says how much more it
    costs than the all-home baseline it rules out."""
    scenario = small_scenario(0, 8, 4, hub_fixed_cost=200_000, open_shops=["S0"], **FAST)
    result = plan(plan_inputs(scenario))
    assert [h.shop_id for h in result.hubs] == ["S0"]
    home = next(b for b in result.baselines if b.name == "all_home")
    assert home.total_cost < result.kpis.total_cost
    why = result.stages["location"].details["why"]
    extra = f"{result.kpis.total_cost - home.total_cost:,.0f} COP"
    assert why.startswith(f"the hubs fixed by open_shops or n_hubs cost {extra}"), why
    assert why in result.warnings


def test_a_choice_made_on_stops_left_out_says_so() -> None:
    """The sentence explaining a choice names the stops left out when they decided it, and the
    money otherwise."""
    by_stops = versus(5_403_573, 0, 5_323_839, 12, "COP")
    assert by_stops == (
        "leaves 0 stops unrouted over the days against 12 (5,403,573 COP against 5,323,839 COP)"
    )
    assert versus(100.0, 3, 120.0, 3, "EUR") == "routes at 100 EUR against 120 EUR"


def test_a_dearer_plan_kept_for_its_stops_says_so() -> None:
    """A plan kept although a baseline is cheaper says the baseline leaves stops unrouted."""
    why = short_of_stops("all_home", 5_741_252, 0, 2_050_187, 14, "COP")
    assert why == (
        "the all-home baseline is cheaper but cannot serve every stop: the plan leaves 0 stops "
        "unrouted over the days against 14 (5,741,252 COP against 2,050,187 COP)"
    )


def _paying_scenario(seed: int) -> Scenario:
    """Dense pickup demand, free hubs (no fee, no handling, cheap shelves), homes far from the
    depot with long hand-overs: a scenario where hubs clearly pay."""
    scenario = small_scenario(
        seed, 200, 6, vans=3, hub_fixed_cost=0, walk_cost_per_km=0, home_service_s=1800,
        search_work=20, **FAST,
    )  # fmt: skip
    depot = scenario.depots[0]
    far = Depot(id=depot.id, lon=depot.lon - 0.15, lat=depot.lat - 0.15)
    return scenario.model_copy(
        update={
            "depots": [far],
            "shops": [s.model_copy(update={"handling_fee": 0}) for s in scenario.shops],
            "products": [
                p.model_copy(update={"holding_cost": p.holding_cost / 10})
                for p in scenario.products
            ],
        }
    )


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_hubs_that_clearly_pay_are_opened(seed: int) -> None:
    """Where hubs clearly pay, the location-routing method itself opens hubs, its routed total
    is below all-home, and the routing-priced model finds a break-even fee above zero."""
    result = plan(plan_inputs(_paying_scenario(seed)))
    details = result.stages["location"].details
    home = next(b for b in result.baselines if b.name == "all_home")
    assert details["method_result"]["hubs_opened"] > 0
    assert details["method_result"]["total_cost"] < home.total_cost
    assert result.kpis.hubs_opened > 0
    assert result.kpis.total_cost < home.total_cost
    assert details["rounds"] and details["break_even"]["hub_fee_per_day"] > 0


def test_map_panel_shows_baselines_escaped(no_pay: Plan) -> None:
    """The map's panel lists the plan and both baselines, and shows hostile text as text."""
    hostile = no_pay.model_copy(deep=True)
    hostile.stages["location"].details["why"] = "<img src=x onerror=alert(1)>"
    panel = economics_panel(hostile)
    assert "this plan" in panel and "all-home baseline" in panel and "greedy baseline" in panel
    assert "<img" not in panel and "&lt;img" in panel


def test_batch_report_puts_baselines_beside_each_variant(no_pay: Plan, tmp_path: Path) -> None:
    """The sweep table reads each variant's plan.json: baseline totals, cost per parcel, choice;
    a variant name that leaves the variants folder is not read."""
    folder = tmp_path / "variants" / "v1"
    folder.mkdir(parents=True)
    (folder / "plan.json").write_text(no_pay.model_dump_json())
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "plan.json").write_text(no_pay.model_dump_json())
    kpis = no_pay.kpis.model_dump()
    results = [
        VariantResult("v1", "ok", {}, "f1", kpis=kpis),
        VariantResult("../secret", "ok", {}, "f2", kpis=kpis),
    ]
    table = results_table(results, [], tmp_path).set_index("variant")
    home = next(b for b in no_pay.baselines if b.name == "all_home")
    assert table.loc["v1", "all_home_total"] == home.total_cost
    assert table.loc["v1", "chosen"] == "location_routing"
    assert table.loc["v1", "cost_per_parcel"] > 0
    assert pd.isna(table.loc["../secret", "all_home_total"])


def test_prices_remember_the_hubs_of_earlier_rounds() -> None:
    """Pricing from a round that opened no hub keeps the stock cost, visit share and shelf factor
    seen in an earlier routed round, and the location model's shelves shrink by that factor."""
    scenario = small_scenario(3, 30, 5, search_work=20, **FAST)
    inputs = plan_inputs(scenario)
    spend = Budget().start()
    located = locate(inputs, StageClock(None), spend)
    seen = HubObservations()
    hubs = price_choice(inputs, located, greedy_location(inputs, located, 2), 0.3, spend)
    seen.add(scenario, located, hubs)
    home = price_choice(inputs, located, all_home_location(located), 0.3, spend)
    seen.add(scenario, located, home)
    prices = location_prices(scenario, located, home, seen)
    assert set(seen.stock_per_day) == set(hubs.hub_ids)
    stock, share, shelf = seen.arrays([s.id for s in located.shops])
    assert np.all(stock > 0) and np.all((share >= 0) & (share <= 1)) and np.all(shelf >= 1)
    assert np.all(prices.visit_per_day >= stock)
    problem = located_problem(inputs, located, depot_matrix(located), prices)
    storage = np.array([s.storage_liters for s in located.shops])
    assert np.allclose(problem.capacity[:, 1] * shelf, storage)
