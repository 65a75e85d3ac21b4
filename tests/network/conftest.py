"""Fixtures of the network tests: small street grids written as real .osm files."""

from __future__ import annotations

from pathlib import Path

import pytest
from network.osm_drafts import grid_draft

from pickup_net.io.osm_loader import load_street_network
from pickup_net.network import StreetNetwork


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Generated grids trip the 'dropped edges' data warning on purpose; keep output quiet."""
    for item in items:
        if "tests/network/" in str(item.fspath):
            item.add_marker(
                pytest.mark.filterwarnings("ignore::pickup_net.io.osm_loader.StreetDataWarning")
            )


@pytest.fixture
def grid_file(tmp_path: Path) -> Path:
    """A 4 x 4 two-way grid of 120 m blocks with one one-way street (h1, west to east)."""
    return grid_draft(4, 4, 120.0, {"h1": "yes"}).write(tmp_path / "grid.osm")


@pytest.fixture(scope="module")
def grid_network(tmp_path_factory: pytest.TempPathFactory) -> StreetNetwork:
    """The loaded network of the same grid as `grid_file`, shared by a module's tests."""
    folder = tmp_path_factory.mktemp("grid")
    return load_street_network(grid_draft(4, 4, 120.0, {"h1": "yes"}).write(folder / "grid.osm"))
