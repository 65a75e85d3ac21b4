"""The break-even view of the routing-priced location model, on problems small enough to check
by hand."""

import numpy as np
import pytest
from scipy import sparse

from pickup_net.location import LocationProblem
from pickup_net.planning.break_even import break_even

INF = np.inf


def _problem(assign: np.ndarray | sparse.csr_array, capacity: float = 100.0) -> LocationProblem:
    """Three customers of 1 pickup a day, two shops; home delivery 900 each; shop fee 500 plus
    a routed visit of 300 (shop A) and 1,000 (shop B) a day."""
    return LocationProblem(
        customer_ids=["c1", "c2", "c3"],
        shop_ids=["A", "B"],
        demand=np.array([[1.0, 10.0], [1.0, 10.0], [1.0, 10.0]]),
        capacity=np.array([[capacity, 1000.0], [capacity, 1000.0]]),
        assign_cost=assign,
        home_cost=np.array([900.0, 900.0, 900.0]),
        fixed_cost=np.array([500.0 + 300.0, 500.0 + 1000.0]),
    )


ASSIGN = np.array([[100.0, INF], [200.0, 150.0], [INF, 100.0]])


@pytest.mark.parametrize(
    "assign", [ASSIGN, sparse.csr_array(np.where(np.isinf(ASSIGN), 0, ASSIGN))]
)
def test_break_even_fee_and_prices_by_hand(assign: np.ndarray | sparse.csr_array) -> None:
    """Shop A saves 800 + 700 a day and costs a 300 visit: one hub pays below a 1,200 fee; a
    sparse matrix's missing pairs are not allowed (not free); the medians are the model's."""
    result = break_even(_problem(assign), hub_fee=500.0)
    assert result["hub_fee_per_day"] == pytest.approx(1200.0)
    assert result["demand_scale"] == pytest.approx(800.0 / 1500.0, abs=1e-3)
    assert result["home_price_per_delivery"] == 900.0
    assert result["pickup_price"] == 100.0
    assert result["hub_visits_and_stock_per_day"] == pytest.approx(650.0)


def test_break_even_respects_shop_limits() -> None:
    """With room for one pickup a day, shop A keeps only its best customer (saving 800), so one
    hub pays below a 500 fee."""
    result = break_even(_problem(ASSIGN, capacity=1.0), hub_fee=500.0)
    assert result["hub_fee_per_day"] == pytest.approx(500.0)


def test_no_fee_makes_a_hub_pay_when_pickups_cost_more_than_homes() -> None:
    """Where every pickup costs more than its home delivery, the break-even fee is 0."""
    dear = np.where(np.isinf(ASSIGN), INF, 1000.0)
    assert break_even(_problem(dear), hub_fee=500.0)["hub_fee_per_day"] == 0.0
