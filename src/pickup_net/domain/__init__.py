"""Typed domain model shared by every stage: the scenario going in and the plan coming out."""

from pickup_net.domain.budget import Budget
from pickup_net.domain.plan import (
    SCHEMA_VERSION,
    Baseline,
    Costs,
    CustomerAssignment,
    Day,
    DayStock,
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
    "SCHEMA_VERSION",
    "Baseline",
    "Budget",
    "Costs",
    "CustomerAssignment",
    "Day",
    "DayStock",
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
