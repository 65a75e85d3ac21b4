"""Inventory routing stage: which customers the vans visit on which day and how much they bring."""

from pickup_net.inventory.check import Cost, cost, violations
from pickup_net.inventory.problem import IRPProblem
from pickup_net.inventory.solution import Delivery, IRPSolution, Route

__all__ = ["Cost", "Delivery", "IRPProblem", "IRPSolution", "Route", "cost", "violations"]
