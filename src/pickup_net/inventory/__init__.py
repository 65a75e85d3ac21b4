"""Inventory routing stage: which customers the vans visit on which day and how much they bring."""

from pickup_net.inventory.check import Cost, cost, violations
from pickup_net.inventory.problem import IRPProblem
from pickup_net.inventory.result import IRPResult
from pickup_net.inventory.solution import Delivery, IRPSolution, Route
from pickup_net.inventory.solve import METHOD, solve_irp

__all__ = [
    "METHOD",
    "Cost",
    "Delivery",
    "IRPProblem",
    "IRPResult",
    "IRPSolution",
    "Route",
    "cost",
    "solve_irp",
    "violations",
]
