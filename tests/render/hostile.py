"""A plan whose names and ids try to run script when shown in a page: shops, customers, vans.

Shop ids name files, so they are refused unless safe (tests/domain/test_shop_ids.py); every
other name and id here is hostile."""

from builders import small_scenario

from pickup_net.domain import Plan, Scenario
from pickup_net.planning import plan, plan_inputs

PAYLOADS = (
    "${globalThis.PWNED=1}",
    "</script><script>window.PWNED=1</script>",
    '<img src=x onerror="window.PWNED=1">',
    "\"'`);window.PWNED=1;//\\",
)
"""Template-literal, script-break, markup and quote/backtick/backslash injections."""


def hostile_scenario() -> Scenario:
    """A small scenario whose shop names, customer ids, product names, depot and van ids are
    payloads; every shop must be a hub, so every shop name reaches the pages."""
    data = small_scenario(seed=3, n_customers=12, n_shops=4, days=14).model_dump(mode="json")
    for i, shop in enumerate(data["shops"]):
        shop["name"] = PAYLOADS[i % len(PAYLOADS)]
    customer_ids: dict[str, str] = {}
    for order in data["orders"]:
        k = customer_ids.setdefault(order["customer_id"], str(len(customer_ids)))
        order["customer_id"] = f"C{k}{PAYLOADS[int(k) % len(PAYLOADS)]}"
    depot = f"D{PAYLOADS[1]}"
    data["depots"][0]["id"] = depot
    for fleet in data["vehicle_types"]:
        fleet["id"] = f"V{PAYLOADS[0]}{PAYLOADS[3]}"
        fleet["depot_id"] = depot
    for i, product in enumerate(data["products"]):
        product["name"] = PAYLOADS[i % len(PAYLOADS)]
    data["parameters"]["open_shops"] = sorted(shop["id"] for shop in data["shops"])
    return Scenario.model_validate(data)


def hostile_plan() -> Plan:
    """The solved plan of `hostile_scenario`."""
    return plan(plan_inputs(hostile_scenario()))
