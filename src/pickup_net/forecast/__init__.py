"""Forecast stage: daily demand per zone x product with model choice by cross-validation, and the
distribution of each catchment's demand over one replenishment cycle."""

from pickup_net.forecast.candidates import SEASONAL_NAIVE, candidate_names
from pickup_net.forecast.demand_forecast import DemandForecast, forecast_demand
from pickup_net.forecast.distribution import CycleDemand, zero_demand

__all__ = [
    "SEASONAL_NAIVE",
    "CycleDemand",
    "DemandForecast",
    "candidate_names",
    "forecast_demand",
    "zero_demand",
]
