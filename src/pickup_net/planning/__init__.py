"""Wire the stages into one plan: network, forecast, location, stock, routing, outputs."""

from pickup_net.planning.plan import catchments, plan
from pickup_net.planning.progress import STAGES, ProgressCallback

__all__ = ["STAGES", "ProgressCallback", "catchments", "plan"]
