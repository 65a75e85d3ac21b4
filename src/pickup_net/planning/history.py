"""Views of a scenario's order history that the stages need: customers, zones, daily history.

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


def orders_frame(scenario: Scenario) -> pd.DataFrame:
    """The order history as a DataFrame with a `day` column (datetime64, midnight)."""
    frame = pd.DataFrame([order.model_dump() for order in scenario.orders])
    frame["day"] = pd.to_datetime(frame["timestamp"]).dt.normalize()
    return frame


def customers(scenario: Scenario, before: date | None = None) -> list[Customer]:
    """Every customer in the order history, in order of first appearance.

    Position and preference come from the customer's latest order; `units` and `orders` count
    the history before `before` (default: the plan date).
    """
    frame = orders_frame(scenario)
    cutoff = pd.Timestamp(before or scenario.plan_date)
    latest = frame.sort_values("timestamp").groupby("customer_id", sort=False).last()
    past = frame[frame["day"] < cutoff].groupby("customer_id")
    units, counts = past["quantity"].sum(), past.size()
    zone_of = _zone_function(scenario, len(latest))
    order = frame.drop_duplicates("customer_id")["customer_id"]
    return [
        Customer(
            id=cid,
            lon=float(latest.at[cid, "lon"]),
            lat=float(latest.at[cid, "lat"]),
            prefers_home=latest.at[cid, "delivery_mode"] == "home",
            zone_id=zone_of(cid, float(latest.at[cid, "lon"]), float(latest.at[cid, "lat"])),
            units=float(units.get(cid, 0.0)),
            orders=int(counts.get(cid, 0)),
        )
        for cid in order
    ]


def demand_history(scenario: Scenario, before: date | None = None) -> pd.DataFrame:
    """Daily demand per (zone_id, product_id, date) before `before` (default: the plan date).

    Quantities are multiplied by `Parameters.demand_scale` (growth what-ifs). Days without
    orders are absent (the forecast treats them as zero demand).
    """
    frame = orders_frame(scenario)
    frame = frame[frame["day"] < pd.Timestamp(before or scenario.plan_date)]
    zone = {c.id: c.zone_id for c in customers(scenario, before)}
    frame = frame.assign(zone_id=frame["customer_id"].map(zone))
    history = (
        frame.groupby(["zone_id", "product_id", "day"], as_index=False)["quantity"]
        .sum()
        .rename(columns={"day": "date"})
    )
    history["quantity"] = history["quantity"].astype(float) * scenario.parameters.demand_scale
    return history


def customer_zones(scenario: Scenario) -> dict[str, str]:
    """Customer id -> zone id."""
    return {c.id: c.zone_id for c in customers(scenario)}


def day_orders(scenario: Scenario) -> pd.DataFrame:
    """Orders booked for the plan date itself (the day's deliveries), possibly none."""
    frame = orders_frame(scenario)
    return frame[frame["day"] == pd.Timestamp(scenario.plan_date)]


def _zone_function(scenario: Scenario, n_customers: int) -> Callable[[str, float, float], str]:
    """Map (customer id, lon, lat) to a zone id following `Parameters.forecast_zone`."""
    kind = scenario.parameters.forecast_zone
    if kind == "auto":
        kind = "h3" if n_customers > AUTO_H3_CUSTOMERS else "customer"
    if kind == "customer":
        return lambda cid, lon, lat: cid
    resolution = scenario.parameters.h3_resolution
    return lambda cid, lon, lat: h3.latlng_to_cell(lat, lon, resolution)
