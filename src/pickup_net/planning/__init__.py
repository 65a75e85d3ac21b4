"""The plan core: inputs built once, the stages wired in order under one budget, the `Plan`."""

from pickup_net.planning.history import Customer, OrderHistory, order_history
from pickup_net.planning.inputs import PlanInputs, plan_inputs
from pickup_net.planning.plan import catchments, plan
from pickup_net.planning.progress import STAGES, ProgressCallback

__all__ = [
    "STAGES",
    "Customer",
    "OrderHistory",
    "PlanInputs",
    "ProgressCallback",
    "catchments",
    "order_history",
    "plan",
    "plan_inputs",
]
