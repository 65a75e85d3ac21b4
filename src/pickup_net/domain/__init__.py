"""Typed domain model shared by every stage: the scenario going in and the plan coming out."""

from pickup_net.domain.budget import Budget
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
from pickup_net.domain.refs import Ref, RefKind
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
    "Budget",
    "CustomerAssignment",
    "Depot",
    "Hub",
    "KPIs",
    "Order",
    "Parameters",
    "Plan",
    "Product",
    "Ref",
    "RefKind",
    "Route",
    "Scenario",
    "Shop",
    "StageStats",
    "StockLine",
    "StopVisit",
    "Unassigned",
    "VehicleType",
]
