"""plan_stock invariants: space, monotonicity in the service level, newsvendor quantiles, zero
history."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pickup_net.domain import Product
from pickup_net.forecast import CycleDemand
from pickup_net.stock import HubDemand, StockPlan, plan_stock

UNLIMITED_LITERS = 1e9


@st.composite
def hub_cases(draw: st.DrawFn) -> tuple[list[Product], dict[str, CycleDemand]]:
    """2-5 products with volumes and costs, and a catchment demand for most of them."""
    n = draw(st.integers(2, 5))
    products, demand = [], {}
    for i in range(n):
        products.append(
            Product(
                id=f"p{i}",
                volume_liters=draw(st.floats(0.2, 20.0)),
                weight_kg=1.0,
                holding_cost=draw(st.floats(0.0, 5.0)),
                stockout_cost=draw(st.floats(0.5, 20.0)),
            )
        )
        if draw(st.booleans()) or i == 0:
            mean = draw(st.floats(0.05, 30.0))
            demand[f"p{i}"] = CycleDemand(mean, mean * (1 + draw(st.floats(0.0, 3.0))))
    return products, demand


def _units(plan: StockPlan) -> dict[str, int]:
    return {line.product_id: line.units for line in plan.lines}


@settings(max_examples=60, deadline=None)
@given(hub_cases(), st.floats(0.0, 200.0), st.integers(1, 60), st.sampled_from([None, 0.8, 0.95]))
def test_stock_never_exceeds_storage_or_pickups(case, storage, pickups, level) -> None:
    """Stocked litres stay within storage, expected hand-outs within the pickup capacity."""
    products, demand = case
    plan = plan_stock([HubDemand("h", storage, pickups, demand)], products, level)
    volume = {p.id: p.volume_liters for p in products}
    assert sum(line.units * volume[line.product_id] for line in plan.lines) <= storage + 1e-6
    handed_out = sum(
        demand[line.product_id].mean - demand[line.product_id].expected_shortfall(line.units)
        for line in plan.lines
        if line.product_id in demand
    )
    assert handed_out <= pickups + 1e-6
    assert all(0 <= line.units <= line.unconstrained_units for line in plan.lines)


@settings(max_examples=60, deadline=None)
@given(hub_cases(), st.floats(0.5, 0.97), st.floats(0.005, 0.02))
def test_higher_service_level_never_lowers_stock(case, low, step) -> None:
    """With room to spare, raising the fill-rate target never lowers any line."""
    products, demand = case
    hub = [HubDemand("h", UNLIMITED_LITERS, 10**6, demand)]
    lower = _units(plan_stock(hub, products, low))
    higher = _units(plan_stock(hub, products, low + step))
    assert all(higher[p] >= lower[p] for p in lower)


@settings(max_examples=40, deadline=None)
@given(hub_cases(), st.floats(0.5, 0.97), st.floats(0.005, 0.02), st.floats(0.0, 100.0))
def test_higher_service_level_never_lowers_wanted_stock(case, low, step, storage) -> None:
    """Under any storage, a higher target never lowers a line's unconstrained quantity."""
    products, demand = case
    hub = [HubDemand("h", storage, 10**6, demand)]
    lower = plan_stock(hub, products, low).lines
    higher = plan_stock(hub, products, low + step).lines
    assert all(
        h.unconstrained_units >= lo.unconstrained_units for lo, h in zip(lower, higher, strict=True)
    )


@settings(max_examples=60, deadline=None)
@given(hub_cases())
def test_unlimited_space_gives_the_newsvendor_quantile(case) -> None:
    """With no fill-rate target and unlimited space, units are the critical-ratio quantile."""
    products, demand = case
    plan = plan_stock([HubDemand("h", UNLIMITED_LITERS, 10**6, demand)], products, None)
    for product, line in zip(products, plan.lines, strict=True):
        ratio = product.stockout_cost / (product.stockout_cost + product.holding_cost)
        ratio = min(ratio, 0.999)
        expected = demand[product.id].quantile(ratio) if product.id in demand else 0
        assert line.units == expected == line.unconstrained_units


@settings(max_examples=40, deadline=None)
@given(hub_cases(), st.floats(0.6, 0.98))
def test_fill_rate_target_is_met_per_hub(case, level) -> None:
    """With room to spare, the hub's expected fill rate over all products reaches the target."""
    products, demand = case
    plan = plan_stock([HubDemand("h", UNLIMITED_LITERS, 10**6, demand)], products, level)
    served = sum(
        demand[line.product_id].mean - demand[line.product_id].expected_shortfall(line.units)
        for line in plan.lines
        if line.product_id in demand
    )
    assert served >= level * sum(d.mean for d in demand.values()) - 1e-6


@settings(max_examples=40, deadline=None)
@given(hub_cases(), st.floats(1.0, 60.0))
def test_binding_storage_is_used_up(case, storage) -> None:
    """When space binds, no product still short of its target has a unit that would fit."""
    products, demand = case
    plan = plan_stock([HubDemand("h", storage, 10**6, demand)], products, 0.95)
    volume = {p.id: p.volume_liters for p in products}
    free = storage - sum(line.units * volume[line.product_id] for line in plan.lines)
    short = [line for line in plan.lines if line.units < line.unconstrained_units]
    assert all(volume[line.product_id] > free for line in short)


def test_zero_history_gives_zero_stock_with_a_reason() -> None:
    """A product without history in the catchment gets zero units, a reason and an entry."""
    products = [Product(id="tea", volume_liters=1.0, weight_kg=1.0, stockout_cost=2.0)]
    plan = plan_stock([HubDemand("shop-7", 50.0, 20, {})], products, 0.95)
    (line,) = plan.lines
    assert (line.hub_id, line.product_id, line.units) == ("shop-7", "tea", 0)
    assert "no order history" in line.reason
    assert [(u.kind, u.id, u.product_id) for u in plan.unassigned] == [("stock", "shop-7", "tea")]


def test_cut_line_explains_the_storage_limit() -> None:
    """A line cut by storage says so, with the forecast mean and the quantity it wanted."""
    products = [Product(id="rice", volume_liters=5.0, weight_kg=5.0, stockout_cost=3.0)]
    demand = {"rice": CycleDemand(10.0, 15.0)}
    plan = plan_stock([HubDemand("h", 20.0, 100, demand)], products, 0.95)
    (line,) = plan.lines
    assert line.units == 4 and line.unconstrained_units > 4
    assert "forecast 10.00" in line.reason and "cut to 4 by storage" in line.reason
    assert "storage binds" in plan.hub_notes["h"]


def test_pickup_capacity_cuts_only_an_overloaded_hub() -> None:
    """Stock is cut for pickups only when the catchment asks more than the shop can hand out."""
    products = [Product(id="p", volume_liters=1.0, weight_kg=1.0, stockout_cost=3.0)]
    quiet = plan_stock([HubDemand("h", 1e6, 5, {"p": CycleDemand(3.0, 6.0)})], products, 0.95)
    busy = plan_stock([HubDemand("h", 1e6, 5, {"p": CycleDemand(20.0, 30.0)})], products, 0.95)
    assert quiet.lines[0].units == quiet.lines[0].unconstrained_units > 5
    assert busy.lines[0].units < busy.lines[0].unconstrained_units
    assert "by pickup capacity" in busy.lines[0].reason
    assert "pickup capacity binds" in busy.hub_notes["h"]


def test_method_names_the_rule() -> None:
    """The plan says whether a fill-rate target or newsvendor ratios set the quantities."""
    products = [Product(id="p", volume_liters=1.0, weight_kg=1.0, stockout_cost=1.0)]
    assert plan_stock([], products, 0.9).method == "fill rate target 0.9"
    assert plan_stock([], products, None).method == "newsvendor critical ratio per product"


def test_unknown_product_in_demand_is_rejected() -> None:
    """Demand for a product that is not in the product list is an error naming it."""
    products = [Product(id="p", volume_liters=1.0, weight_kg=1.0)]
    hub = HubDemand("h", 10.0, 5, {"ghost": CycleDemand(1.0, 1.0)})
    with pytest.raises(ValueError, match=r"hubs\[0\]\.demand: 'ghost'"):
        plan_stock([hub], products, 0.9)


def test_bad_service_level_is_rejected() -> None:
    """A service level outside (0, 1) is an error naming the field."""
    with pytest.raises(ValueError, match=r"service_level: 1\.5"):
        plan_stock([], [], 1.5)
