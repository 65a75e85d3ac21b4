"""Seeded, documented generators of scenarios on real street extracts (customers, orders)."""

from pickup_net.synth.catalogue import default_fleet, default_products
from pickup_net.synth.customers import Household, place_customers
from pickup_net.synth.orders import generate_orders
from pickup_net.synth.shops import shops_from_osm, synthetic_shops

__all__ = [
    "Household",
    "default_fleet",
    "default_products",
    "generate_orders",
    "place_customers",
    "shops_from_osm",
    "synthetic_shops",
]
