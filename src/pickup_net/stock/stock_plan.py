"""Stock per hub x product: the target quantity from each catchment's cycle demand, cut to the
hub's storage litres and pickup capacity, with the reason behind every number."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from pickup_net.domain import Product, StockLine, Unassigned
from pickup_net.forecast import CycleDemand
from pickup_net.stock.allocation import Allocation, AllocationItem, allocate
from pickup_net.stock.quantity import hub_fill_rate_units, unconstrained_units
from pickup_net.stock.targets import StockTarget, plan_method, stock_targets


@dataclass(frozen=True)
class HubDemand:
    """A hub's limits and its catchment's demand for one replenishment cycle.

    Pickup capacity rule: the units expected to be handed out per cycle, sum over products of
    E[min(D, units)], stay within `max_pickups_per_day * cycle_days` (each unit counted as one
    pickup, the conservative reading), so no stock is held for demand the shop could not hand out;
    it binds only where the catchment's demand exceeds the capacity. `forecast_notes` (product ->
    text, e.g. the models used) is quoted in the stock reasons.
    """

    hub_id: str
    storage_liters: float
    max_pickups_per_day: int
    demand: dict[str, CycleDemand]
    cycle_days: int = 1
    forecast_notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StockPlan:
    """Stock lines for every hub x product, how they were set, and what is not stocked and why."""

    lines: list[StockLine]
    method: str
    unassigned: list[Unassigned]
    hub_notes: dict[str, str]

    def stock_liters(self, hub_id: str, products: Sequence[Product]) -> float:
        """Litres of stock planned at `hub_id`."""
        volume = {product.id: product.volume_liters for product in products}
        return sum(
            line.units * volume[line.product_id] for line in self.lines if line.hub_id == hub_id
        )


def plan_stock(
    hubs: Sequence[HubDemand], products: Sequence[Product], service_level: float | None
) -> StockPlan:
    """Plan each hub's stock of every product for one cycle.

    Parameters
    ----------
    hubs
        Hubs with their limits and catchment demand (products missing from `demand` have none).
    products
        The products; each hub gets one line per product.
    service_level
        Plan-wide target fill rate, or None for each product's own rule (see `stock_targets`).

    Returns
    -------
    StockPlan
        Lines with units, forecast mean, quantile level and unconstrained units; products with no
        history or cut to nothing are listed in `unassigned` with the reason.

    Raises
    ------
    ValueError
        On a service level outside (0, 1), a negative storage, or demand for an unknown product.
    """
    targets = stock_targets(products, service_level)
    lines: list[StockLine] = []
    unassigned: list[Unassigned] = []
    notes: dict[str, str] = {}
    for index, hub in enumerate(hubs):
        _check_hub(index, hub, targets)
        hub_lines, hub_unassigned, notes[hub.hub_id] = _plan_hub(
            hub, products, targets, service_level
        )
        lines += hub_lines
        unassigned += hub_unassigned
    return StockPlan(lines, plan_method(targets, service_level), unassigned, notes)


def _check_hub(index: int, hub: HubDemand, targets: dict[str, StockTarget]) -> None:
    """Reject bad limits and demand for unknown products, naming the field and value."""
    if not hub.storage_liters >= 0:
        raise ValueError(f"hubs[{index}].storage_liters: {hub.storage_liters} must be >= 0")
    if hub.max_pickups_per_day < 0 or hub.cycle_days < 1:
        raise ValueError(
            f"hubs[{index}]: max_pickups_per_day {hub.max_pickups_per_day} must be >= 0 and "
            f"cycle_days {hub.cycle_days} >= 1"
        )
    unknown = sorted(set(hub.demand) - set(targets))
    if unknown:
        raise ValueError(f"hubs[{index}].demand: {unknown[0]!r} is not a product id")


def _plan_hub(
    hub: HubDemand,
    products: Sequence[Product],
    targets: dict[str, StockTarget],
    service_level: float | None,
) -> tuple[list[StockLine], list[Unassigned], str]:
    """Lines, unassigned entries and the note of one hub."""
    demands = [hub.demand.get(product.id, CycleDemand(0.0, 0.0)) for product in products]
    wanted = _wanted(demands, products, targets, service_level)
    items = [
        AllocationItem(
            demand,
            product.volume_liters,
            targets[product.id].underage_cost,
            targets[product.id].overage_cost,
            units,
        )
        for demand, product, (units, _) in zip(demands, products, wanted, strict=True)
    ]
    max_pickups = hub.max_pickups_per_day * hub.cycle_days
    allocation = allocate(items, hub.storage_liters, max_pickups)
    lines, unassigned = [], []
    for product, demand, (cap, level), units in zip(
        products, demands, wanted, allocation.units, strict=True
    ):
        reason = _reason(hub, product, demand, targets[product.id], cap, level, units, allocation)
        lines.append(
            StockLine(
                hub_id=hub.hub_id,
                product_id=product.id,
                units=units,
                forecast_mean=round(demand.mean, 4),
                quantile=round(level, 4),
                unconstrained_units=cap,
                reason=reason,
            )
        )
        if units == 0:
            unassigned.append(
                Unassigned(kind="stock", id=hub.hub_id, product_id=product.id, reason=reason)
            )
    return lines, unassigned, _hub_note(hub, products, demands, wanted, allocation, max_pickups)


def _wanted(
    demands: list[CycleDemand],
    products: Sequence[Product],
    targets: dict[str, StockTarget],
    service_level: float | None,
) -> list[tuple[int, float]]:
    """Unconstrained units and their probability level P(D <= units), per product."""
    if service_level is None:
        return [
            unconstrained_units(demand, targets[product.id])
            for demand, product in zip(demands, products, strict=True)
        ]
    caps = hub_fill_rate_units(demands, service_level)
    return [
        (cap, float(demand.cdf(cap)) if demand.mean > 0 else 1.0)
        for demand, cap in zip(demands, caps, strict=True)
    ]


def _reason(
    hub: HubDemand,
    product: Product,
    demand: CycleDemand,
    target: StockTarget,
    cap: int,
    level: float,
    units: int,
    allocation: Allocation,
) -> str:
    """Why this line holds what it holds, in one sentence a shop owner can follow."""
    if demand.mean <= 0:
        return (
            f"no order history for {product.id} in this catchment: no stock held, any order "
            "goes by van"
        )
    cycle = "day" if hub.cycle_days == 1 else f"{hub.cycle_days}-day cycle"
    source = hub.forecast_notes.get(product.id)
    text = (
        f"forecast {demand.mean:.2f} units per {cycle} ({demand.family}, variance "
        f"{demand.variance:.2f}{'; ' + source if source else ''}); "
    )
    if target.rule == "newsvendor":
        text += f"newsvendor quantile {target.level:.3f} ({target.note}) -> {_count(cap)}"
    else:
        text += (
            f"fill rate {target.level:g} ({target.note}) -> {_count(cap)}, the {level:.3f} quantile"
        )
    if units == cap:
        return f"{text}, expected fill rate {demand.fill_rate(units):.3f}"
    limits = []
    if allocation.storage_binds:
        limits.append("storage" + _price(allocation.price_per_liter, "litre"))
    if allocation.pickups_bind:
        limits.append("pickup capacity" + _price(allocation.price_per_pickup, "pickup"))
    return (
        f"{text}; cut to {units} by {' and '.join(limits) or 'space'}, expected fill rate "
        f"{demand.fill_rate(units):.3f}"
    )


def _hub_note(
    hub: HubDemand,
    products: Sequence[Product],
    demands: list[CycleDemand],
    wanted: list[tuple[int, float]],
    allocation: Allocation,
    max_pickups: int,
) -> str:
    """Space and pickups wanted versus held at one hub."""
    pairs = list(zip(products, demands, allocation.units, strict=True))
    wanted_liters = sum(p.volume_liters * cap for p, (cap, _) in zip(products, wanted, strict=True))
    held_liters = sum(p.volume_liters * units for p, _, units in pairs)
    handed_out = sum(d.mean - d.expected_shortfall(units) for _, d, units in pairs)
    note = (
        f"targets need {wanted_liters:.1f} L of {hub.storage_liters:g} L storage; holds "
        f"{held_liters:.1f} L ({sum(allocation.units)} of {sum(c for c, _ in wanted)} units "
        f"wanted); expects {handed_out:.1f} units handed out per cycle, capacity {max_pickups}"
    )
    if allocation.storage_binds:
        note += "; storage binds" + _price(allocation.price_per_liter, "litre")
    if allocation.pickups_bind:
        note += "; pickup capacity binds" + _price(allocation.price_per_pickup, "pickup")
    return note


def _price(price: float, unit: str) -> str:
    """The shadow price in words, when it is material."""
    return f" (shadow price {price:.3g} per {unit})" if price > 1e-6 else ""


def _count(units: int) -> str:
    """`1 unit`, `3 units`."""
    return f"{units} unit" if units == 1 else f"{units} units"
