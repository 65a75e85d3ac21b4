"""LocationProblem validation: errors name the field and the bad value."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from pickup_net.location import LocationProblem


def _fields(**changes: object) -> dict:
    """Fields of a valid 2-customer, 2-shop problem with some replaced."""
    fields = {
        "customer_ids": ["a", "b"],
        "shop_ids": ["s", "t"],
        "demand": np.array([1.0, 2.0]),
        "capacity": np.array([5.0, 5.0]),
        "assign_cost": np.array([[1.0, np.inf], [2.0, 3.0]]),
        "home_cost": np.array([10.0, np.inf]),
        "n_hubs": 1,
    }
    fields.update(changes)
    return fields


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"customer_ids": ["a", "a"]}, "customer_ids: duplicate id 'a'"),
        ({"demand": np.array([1.0, -2.0])}, r"demand\[1, 0\]: -2.0 is not finite"),
        ({"capacity": np.array([5.0, 0.0])}, r"capacity\[1, 0\]: 0.0 is not > 0"),
        ({"assign_cost": np.ones((2, 3))}, r"assign_cost: shape \(2, 3\)"),
        ({"assign_cost": np.array([[1.0, np.nan], [2.0, 3.0]])}, r"assign_cost\[0, 1\]: nan"),
        ({"home_cost": np.array([-1.0, 1.0])}, r"home_cost\[0\]: -1.0"),
        ({"n_hubs": 3}, "n_hubs: 3 exceeds the 2 shops"),
        ({"n_hubs": 0}, "n_hubs: 0 is not a positive integer"),
        ({"force_open": frozenset({"x"})}, r"force_open: unknown shop ids \['x'\]"),
        ({"force_closed": frozenset({"s", "t"}), "n_hubs": None}, r"home_cost: customers \['b'\]"),
        (
            {"force_open": frozenset({"s"}), "force_closed": frozenset({"s"})},
            "force_open/force_closed: shops",
        ),
    ],
)
def test_invalid_fields_are_named(changes: dict, message: str) -> None:
    """Each invalid field raises ValueError naming the field and the offending value."""
    with pytest.raises(ValueError, match=message):
        LocationProblem(**_fields(**changes))


def test_sparse_costs_are_accepted_as_allowed_pairs() -> None:
    """A scipy.sparse matrix is kept as CSR; its stored entries are the allowed pairs."""
    csr = sp.csr_matrix(([1.0, 0.0, 3.0], ([0, 1, 1], [0, 0, 1])), shape=(2, 2))
    problem = LocationProblem(**_fields(assign_cost=csr))
    assert sp.issparse(problem.assign_cost)
    assert problem.assign_cost.nnz == 3


def test_sparse_costs_must_be_finite() -> None:
    """An inf stored in the sparse matrix is refused (leave the pair out instead)."""
    csr = sp.csr_matrix(([1.0, np.inf], ([0, 1], [0, 1])), shape=(2, 2))
    with pytest.raises(ValueError, match=r"assign_cost\[1\]: inf"):
        LocationProblem(**_fields(assign_cost=csr))
