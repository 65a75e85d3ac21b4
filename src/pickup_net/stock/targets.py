"""What each product's stock aims at: a target fill rate, or the newsvendor critical ratio of its
stock-out (under-stock) and holding (over-stock) costs."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pickup_net.domain import Product

DEFAULT_FILL_RATE = 0.95
MAX_CRITICAL_RATIO = 0.999


@dataclass(frozen=True)
class StockTarget:
    """The rule for one product, with the per-unit costs used to rank units when space is short."""

    product_id: str
    rule: Literal["fill rate", "newsvendor"]
    level: float
    underage_cost: float
    overage_cost: float
    note: str


def stock_targets(
    products: Sequence[Product], service_level: float | None
) -> dict[str, StockTarget]:
    """The target of every product: the plan-wide fill rate if given, else the product's own.

    Without a plan-wide level a product uses its `target_service_level` as a fill rate if set,
    else its critical ratio stockout / (stockout + holding); a product with neither falls back to
    a fill rate of `DEFAULT_FILL_RATE` and says so.
    """
    if service_level is not None and not 0.0 < service_level < 1.0:
        raise ValueError(f"service_level: {service_level} must be in (0, 1) or None")
    return {product.id: _target(product, service_level) for product in products}


def plan_method(targets: dict[str, StockTarget], service_level: float | None) -> str:
    """One line saying how the plan's quantities were set."""
    if service_level is not None:
        return f"fill rate target {service_level:g}"
    rules = {target.rule for target in targets.values()}
    if rules == {"newsvendor"}:
        return "newsvendor critical ratio per product"
    if rules == {"fill rate"}:
        return "fill rate target per product"
    return "per product: newsvendor critical ratio, or the product's fill rate target"


def _target(product: Product, service_level: float | None) -> StockTarget:
    """The rule of one product (see `stock_targets`)."""
    underage = product.stockout_cost or product.unit_value or 1.0
    overage = product.holding_cost
    if service_level is not None:
        return StockTarget(
            product.id,
            "fill rate",
            service_level,
            underage,
            overage,
            "plan-wide, met over the hub's products, each stocked to the same stock-out risk",
        )
    if product.target_service_level is not None:
        return StockTarget(
            product.id,
            "fill rate",
            product.target_service_level,
            underage,
            overage,
            "the product's target fill rate",
        )
    if product.stockout_cost > 0:
        ratio = product.stockout_cost / (product.stockout_cost + product.holding_cost)
        note = (
            f"critical ratio {product.stockout_cost:g} / ({product.stockout_cost:g} + "
            f"{product.holding_cost:g})"
        )
        if ratio > MAX_CRITICAL_RATIO:
            note += f", capped at {MAX_CRITICAL_RATIO} (no holding cost)"
        return StockTarget(
            product.id,
            "newsvendor",
            min(ratio, MAX_CRITICAL_RATIO),
            product.stockout_cost,
            overage,
            note,
        )
    return StockTarget(
        product.id,
        "fill rate",
        DEFAULT_FILL_RATE,
        underage,
        overage,
        f"no service level or stock-out cost given: default fill rate {DEFAULT_FILL_RATE}",
    )
