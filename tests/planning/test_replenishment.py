"""What one visit brings: up to the order-up-to level, within storage and one van."""

from hypothesis import given
from hypothesis import strategies as st

from pickup_net.planning.replenishment import HubLevels, days_to_next_visit, delivery, needs_visit
from pickup_net.synth import default_products

PRODUCTS = default_products()


@given(
    levels=st.lists(st.integers(0, 60), min_size=len(PRODUCTS), max_size=len(PRODUCTS)),
    shelf=st.lists(st.floats(0.0, 40.0), min_size=len(PRODUCTS), max_size=len(PRODUCTS)),
    storage=st.floats(50.0, 2_000.0),
    van_liters=st.floats(20.0, 3_000.0),
    van_kg=st.floats(10.0, 900.0),
)
def test_a_visit_brings_at_most_what_is_missing_and_fits(
    levels: list[int], shelf: list[float], storage: float, van_liters: float, van_kg: float
) -> None:
    """Whole units, less than one above the level minus the shelf; the shelf within storage
    after the delivery (when it was before); the delivery within the van's litres and kg."""
    ids = [p.id for p in PRODUCTS]
    hub = HubLevels("h", dict(zip(ids, levels, strict=True)), dict(zip(ids, levels, strict=True)))
    on_hand = dict(zip(ids, shelf, strict=True))
    brought = delivery(hub, on_hand, PRODUCTS, storage, van_liters, van_kg)
    volume = {p.id: p.volume_liters for p in PRODUCTS}
    weight = {p.id: p.weight_kg for p in PRODUCTS}
    for product, units in brought.items():
        assert isinstance(units, int) and units >= 0
        assert units < max(0.0, hub.max_units[product] - on_hand[product]) + 1
    held = sum(on_hand[p] * volume[p] for p in ids)
    added = sum(units * volume[p] for p, units in brought.items())
    assert held > storage or held + added <= storage + 1e-6
    assert added <= van_liters + 1e-6
    assert sum(units * weight[p] for p, units in brought.items()) <= van_kg + 1e-6


def test_visit_only_when_half_a_unit_below_the_safety_level() -> None:
    """A shelf under half a unit short is left alone; half a unit short or more calls a van."""
    hub = HubLevels("h", {"a": 5}, {"a": 5})
    assert not needs_visit(hub, {"a": 4.6})
    assert needs_visit(hub, {"a": 4.5})


def test_next_possible_visit_skips_closed_days() -> None:
    """Closed days stretch the cover; past the horizon's end the cover stops at the end."""
    possible = [True, False, False, True, True]
    assert days_to_next_visit(possible, 0) == 3
    assert days_to_next_visit(possible, 3) == 1
    assert days_to_next_visit(possible, 4) == 1
