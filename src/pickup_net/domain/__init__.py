"""Typed domain model shared by every stage: the scenario going in and the plan coming out."""

from pickup_net.domain.plan import (
    CustomerAssignment,
    Hub,
    KPIs,
    Plan,
    Route,
    StageStats,
    StockLine,
    StopVisit,
    Unassigned,
)
from pickup_net.domain.scenario import (
    Depot,
    Order,
    Parameters,
    Product,
    Scenario,
    Shop,
    VehicleType,
)

__all__ = [
    "CustomerAssignment",
    "Depot",
    "Hub",
    "KPIs",
    "Order",
    "Parameters",
    "Plan",
    "Product",
    "Route",
    "Scenario",
    "Shop",
    "StageStats",
    "StockLine",
    "StopVisit",
    "Unassigned",
    "VehicleType",
]
