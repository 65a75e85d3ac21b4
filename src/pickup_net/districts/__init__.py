"""City scale: split a city into districts, plan them in parallel on Dask, join the plans."""

from pickup_net.districts.join import JoinError, join_plans
from pickup_net.districts.solve import DistrictError, plan_city
from pickup_net.districts.split import District, Split, apportion, split_city

__all__ = [
    "District",
    "DistrictError",
    "JoinError",
    "Split",
    "apportion",
    "join_plans",
    "plan_city",
    "split_city",
]
