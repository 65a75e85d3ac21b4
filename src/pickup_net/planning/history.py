"""The order history, built once per plan: customers, zones, daily demand and the day's bookings.

Zones are what the forecast works on: each customer in small scenarios, an H3 cell in large ones
(`Parameters.forecast_zone`; "auto" switches to H3 above `AUTO_H3_CUSTOMERS` customers).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import h3
import pandas as pd

from pickup_net.domain import Scenario

AUTO_H3_CUSTOMERS = 2_000


@dataclass(frozen=True)
class Customer:
    """A customer as seen in the history: last known position and delivery preference."""

    id: str
    lon: float
    lat: float
    prefers_home: bool
    zone_id: str
    units: float
    orders: int


@dataclass(frozen=True)
class OrderHistory:
    """The scenario's orders as one table, and the views every stage reads from it.

    `orders` has one row per order with a `day` column (datetime64, midnight); `customers` and
    `demand` count the history before `cutoff` (the plan date unless a backtest moves it).
    """

    orders: pd.DataFrame
    cutoff: date
    customers: list[Customer]
    demand: pd.DataFrame

    @property
    def day_orders(self) -> pd.DataFrame:
        """Orders booked for the cutoff day itself (the day's deliveries), possibly none."""
        return self.orders[self.orders["day"] == pd.Timestamp(self.cutoff)]


def order_history(scenario: Scenario, cutoff: date | None = None) -> OrderHistory:
    """Build the order table once and its views before `cutoff` (default: the plan date).

    Quantities in `demand` are multiplied by `Parameters.demand_scale` (growth what-ifs). Days
    without orders are absent from it (the forecast treats them as zero demand).
    """
    frame = pd.DataFrame([order.model_dump() for order in scenario.orders])
    frame["day"] = pd.to_datetime(frame["timestamp"]).dt.normalize()
    frame["quantity"] = frame["quantity"].astype(float)
    cutoff = cutoff or scenario.plan_date
    latest = frame.sort_values("timestamp").groupby("customer_id", sort=False).last()
    zone_of = _zone_function(scenario, len(latest))
    zones = {
        cid: zone_of(cid, float(latest.at[cid, "lon"]), float(latest.at[cid, "lat"]))
        for cid in latest.index
    }
    past_rows = frame[frame["day"] < pd.Timestamp(cutoff)]
    past = past_rows.groupby("customer_id")
    units, counts = past["quantity"].sum(), past.size()
    people = [
        Customer(
            id=cid,
            lon=float(latest.at[cid, "lon"]),
            lat=float(latest.at[cid, "lat"]),
            prefers_home=latest.at[cid, "delivery_mode"] == "home",
            zone_id=zones[cid],
            units=float(units.get(cid, 0.0)),
            orders=int(counts.get(cid, 0)),
        )
        for cid in frame.drop_duplicates("customer_id")["customer_id"]
    ]
    demand = (
        past_rows.assign(zone_id=past_rows["customer_id"].map(zones))
        .groupby(["zone_id", "product_id", "day"], as_index=False)["quantity"]
        .sum()
        .rename(columns={"day": "date"})
    )
    demand["quantity"] = demand["quantity"] * scenario.parameters.demand_scale
    return OrderHistory(orders=frame, cutoff=cutoff, customers=people, demand=demand)


def _zone_function(scenario: Scenario, n_customers: int) -> Callable[[str, float, float], str]:
    """Map (customer id, lon, lat) to a zone id following `Parameters.forecast_zone`."""
    kind = scenario.parameters.forecast_zone
    if kind == "auto":
        kind = "h3" if n_customers > AUTO_H3_CUSTOMERS else "customer"
    if kind == "customer":
        return lambda cid, lon, lat: cid
    resolution = scenario.parameters.h3_resolution
    return lambda cid, lon, lat: h3.latlng_to_cell(lat, lon, resolution)
