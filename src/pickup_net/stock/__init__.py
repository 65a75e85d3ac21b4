"""Stock stage: units per hub x product from cycle demand, a fill rate or newsvendor target, and the
hub's storage litres and pickup capacity."""

from pickup_net.stock.allocation import Allocation, AllocationItem, allocate
from pickup_net.stock.stock_plan import HubDemand, StockPlan, plan_stock
from pickup_net.stock.targets import StockTarget, plan_method, stock_targets

__all__ = [
    "Allocation",
    "AllocationItem",
    "HubDemand",
    "StockPlan",
    "StockTarget",
    "allocate",
    "plan_method",
    "plan_stock",
    "stock_targets",
]
