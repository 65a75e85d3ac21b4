"""Numbers and cross-references that would break a plan later are refused at the edge."""

import pytest
from builders import small_scenario
from pydantic import ValidationError

from pickup_net.domain import Order, Parameters, Scenario, Shop


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e400, 10**400, 2e12])
def test_storage_that_is_not_a_finite_number_is_refused(value: float) -> None:
    """Infinity, NaN or an absurd size for storage is an error naming the field, not a hub."""
    with pytest.raises(ValidationError, match="storage_liters"):
        Shop(id="s", lon=0, lat=0, storage_liters=value, max_pickups_per_day=1)


@pytest.mark.parametrize("field", ["max_walk_m", "hub_fixed_cost", "routing_time_limit_s"])
def test_infinite_parameters_are_refused(field: str) -> None:
    """`Infinity` for a limit or a price is refused at upload, not answered later with 'None'."""
    with pytest.raises(ValidationError, match=field):
        Parameters(**{field: float("inf")})


def test_a_huge_quantity_is_refused_naming_it() -> None:
    """A quantity of 10^400 is an input error, not an OverflowError inside the plan."""
    with pytest.raises(ValidationError, match=r"quantity\n.*is not a finite number"):
        Order(
            id="o", timestamp="2026-01-01T10:00", customer_id="c", lon=0, lat=0,
            product_id="p", quantity=10**400,
        )  # fmt: skip


def test_a_shop_both_forced_open_and_closed_is_refused() -> None:
    """Validation names the shop that is in both open_shops and closed_shops."""
    data = small_scenario(1).model_dump()
    shop = data["shops"][0]["id"]
    data["parameters"].update(open_shops=[shop], closed_shops=[shop])
    with pytest.raises(ValidationError, match=f"'{shop}' is in both"):
        Scenario.model_validate(data)
