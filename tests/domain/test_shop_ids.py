"""Shop ids name files, so they are checked at the edge against a documented safe set."""

import pytest
from pydantic import ValidationError

from pickup_net.domain import Shop


@pytest.mark.parametrize("shop_id", ["n2541", "S-1", "shop_7.b", "0"])
def test_safe_shop_ids_are_accepted(shop_id: str) -> None:
    """Letters, digits, '.', '_' and '-' make a shop id."""
    assert Shop(id=shop_id, lon=0, lat=0, storage_liters=1, max_pickups_per_day=1).id == shop_id


@pytest.mark.parametrize(
    "shop_id", ["../../etc/x", ".hidden", "a/b", "a b", "<img src=x>", "x" * 101, "ü"]
)
def test_unsafe_shop_ids_are_refused_naming_the_value(shop_id: str) -> None:
    """A path, a leading dot, spaces, markup, over 100 characters: refused, never renamed."""
    with pytest.raises(ValidationError, match="is not a safe shop id"):
        Shop(id=shop_id, lon=0, lat=0, storage_liters=1, max_pickups_per_day=1)
