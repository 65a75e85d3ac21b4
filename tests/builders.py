"""Small seeded scenarios built in code, shared by the tests of every stage."""

import csv
from datetime import date, time
from pathlib import Path

import numpy as np

from pickup_net.domain import Depot, Parameters, Scenario, Shop, VehicleType
from pickup_net.domain.scenario import InventoryLine
from pickup_net.synth import Household, default_products, generate_orders
from pickup_net.synth.catalogue import BASE_RATE_PER_CUSTOMER_DAY

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "fontibon"
CENTRE = (-74.13, 4.67)


def small_scenario(
    seed: int = 0,
    n_customers: int = 30,
    n_shops: int = 6,
    days: int = 28,
    vans: int = 2,
    **parameters: object,
) -> Scenario:
    """A scenario in a 2 km square with no street file (straight-line distances), built fast;
    plans cover 2 days unless `horizon_days` says otherwise (one routing per day)."""
    rng = np.random.default_rng(seed)
    spread = 0.009  # about 1 km in degrees at this latitude

    def around() -> tuple[float, float]:
        lon, lat = CENTRE + rng.uniform(-spread, spread, 2)
        return round(float(lon), 6), round(float(lat), 6)

    shops = []
    for i in range(n_shops):
        lon, lat = around()
        shops.append(
            Shop(
                id=f"S{i}",
                name=f"shop {i}",
                lon=lon,
                lat=lat,
                storage_liters=float(rng.choice([150, 300, 600])),
                max_pickups_per_day=int(rng.choice([5, 10, 30])),
                opening_hours=str(
                    rng.choice(["Mo-Su 08:00-20:00", "Mo-Sa 09:00-13:00,16:00-20:00"])
                ),
                handling_fee=1000,
            )
        )
    customers = [
        Household(f"C{i}", *around(), bool(rng.random() < 0.2), float(rng.gamma(2.0, 0.5)))
        for i in range(n_customers)
    ]
    last = date(2026, 3, 6)
    start = date.fromordinal(last.toordinal() - days + 1)
    orders = generate_orders(customers, BASE_RATE_PER_CUSTOMER_DAY, start, days, rng)
    depot_lon, depot_lat = CENTRE[0] - 0.012, CENTRE[1] - 0.012
    fleet = VehicleType(
        id="van",
        depot_id="D1",
        count=vans,
        capacity_liters=2000,
        capacity_kg=800,
        shift_start=time(7),
        shift_end=time(19),
        fixed_cost=50_000,
        cost_per_km=900,
        cost_per_hour=18_000,
    )
    params = {
        "plan_date": last,
        "hub_fixed_cost": 3_000,
        "home_delivery_cost": 6_000,
        "walk_cost_per_km": 2_000,
        "location_time_limit_s": 2.0,
        "routing_time_limit_s": 1.0,
        "routing_engine": "ortools",
        "horizon_days": 2,
        "seed": seed,
        **parameters,
    }
    return Scenario(
        name=f"small-{seed}",
        currency="COP",
        shops=shops,
        products=default_products(),
        orders=orders,
        depots=[Depot(id="D1", lon=depot_lon, lat=depot_lat)],
        vehicle_types=[fleet],
        parameters=Parameters.model_validate(params),
    )


def with_inventory(scenario: Scenario, units: dict[tuple[str, str], int]) -> Scenario:
    """`scenario` with an opening inventory: (shop id, product id) -> units on the shelf."""
    lines = [InventoryLine(shop_id=s, product_id=p, units=n) for (s, p), n in units.items()]
    return Scenario.model_validate({**scenario.model_dump(), "inventory": lines})


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (row 0 = first data row, line 2 of the file)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[row][column] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
