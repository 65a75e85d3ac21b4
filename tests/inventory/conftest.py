"""The README instance ``S_abs1n5_2_L3`` and its optimal solution, shared by the inventory tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from pickup_net.inventory import Delivery, IRPProblem, IRPSolution
from pickup_net.io.irp_files import read_irp

DATA = Path(__file__).parent / "data"


@pytest.fixture
def readme_problem() -> IRPProblem:
    """``S_abs1n5_2_L3``: 5 customers, 3 periods, 2 vans of 144 units."""
    return read_irp(DATA / "S_abs1n5_2_L3.dat")


@pytest.fixture
def readme_optimum() -> IRPSolution:
    """The benchmark README's optimal solution of ``S_abs1n5_2_L3`` (cost 1,373.41)."""
    d = Delivery
    return IRPSolution(
        (
            ((d(1, 65),),),
            ((d(3, 116),), (d(4, 48), d(2, 35), d(5, 22))),
            (),
        )
    )
