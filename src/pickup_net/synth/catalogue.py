"""A small parcel catalogue and van fleet that scenario generators start from."""

from datetime import time

from pickup_net.domain import Product, VehicleType

# (id, name, litres, kg, unit value, holding cost per unit-day, stock-out cost per unit, base rate)
_CATALOGUE = [
    ("P01", "Groceries box", 18.0, 8.0, 45_000, 400, 9_000, 0.030),
    ("P02", "Pharmacy pack", 2.0, 0.4, 30_000, 150, 7_000, 0.020),
    ("P03", "Small electronics", 4.0, 1.2, 120_000, 900, 15_000, 0.010),
    ("P04", "Clothing parcel", 6.0, 1.0, 80_000, 300, 8_000, 0.025),
    ("P05", "Books and media", 3.0, 1.5, 40_000, 120, 4_000, 0.012),
    ("P06", "Household goods", 12.0, 4.0, 35_000, 250, 5_000, 0.018),
    ("P07", "Baby care", 9.0, 3.5, 60_000, 350, 12_000, 0.015),
    ("P08", "Beverages crate", 20.0, 14.0, 30_000, 300, 4_500, 0.020),
]

BASE_RATE_PER_CUSTOMER_DAY = {row[0]: row[7] for row in _CATALOGUE}
"""Mean orders per customer and day of each product, before weekly seasonality."""


def default_products() -> list[Product]:
    """The eight-product catalogue (money in COP-like units; the scenario names its currency)."""
    return [
        Product(
            id=pid,
            name=name,
            volume_liters=liters,
            weight_kg=kg,
            unit_value=value,
            holding_cost=holding,
            stockout_cost=stockout,
        )
        for pid, name, liters, kg, value, holding, stockout, _ in _CATALOGUE
    ]


def default_fleet(depot_id: str, vans: int = 4) -> list[VehicleType]:
    """A small fleet: cargo vans plus one smaller electric van, both on a day shift."""
    return [
        VehicleType(
            id="van",
            depot_id=depot_id,
            count=vans,
            capacity_liters=3_000,
            capacity_kg=900,
            shift_start=time(7, 0),
            shift_end=time(19, 0),
            max_duration_s=10 * 3600,
            fixed_cost=60_000,
            cost_per_km=900,
            cost_per_hour=18_000,
        ),
        VehicleType(
            id="e-van",
            depot_id=depot_id,
            count=max(1, vans // 2),
            capacity_liters=1_500,
            capacity_kg=450,
            shift_start=time(8, 0),
            shift_end=time(17, 0),
            fixed_cost=40_000,
            cost_per_km=350,
            cost_per_hour=18_000,
            speed_factor=0.9,
        ),
    ]
