"""Forecast stage: daily demand per zone x product with model choice by cross-validation, and the
distribution of each catchment's demand over one replenishment cycle; an optional calendar of
holidays, paydays and events whose effects are learned from the history."""

from pickup_net.forecast.calendar import Calendar, Event
from pickup_net.forecast.candidates import SEASONAL_NAIVE, candidate_names
from pickup_net.forecast.demand_forecast import DemandForecast, forecast_demand
from pickup_net.forecast.distribution import CycleDemand, zero_demand

__all__ = [
    "SEASONAL_NAIVE",
    "Calendar",
    "CycleDemand",
    "DemandForecast",
    "Event",
    "candidate_names",
    "forecast_demand",
    "zero_demand",
]
