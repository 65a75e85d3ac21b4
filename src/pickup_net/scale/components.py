"""Walking components: customers and candidate shops that share no walkable pair are independent.

Two points are joined when a customer lies within `max_walk_m` of a candidate shop in a straight
line. Walking on streets is never shorter than the straight line, so every walkable pair of the
location model joins points of one component, and a split that keeps components whole costs the
location model nothing.
"""

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree


@dataclass(frozen=True)
class Components:
    """Component labels of customers and candidate shops, and the walkable pairs that join them."""

    customer_label: np.ndarray
    shop_label: np.ndarray
    pairs: np.ndarray
    """(customer index, candidate shop index) per straight-line pair within `max_walk_m`."""

    @property
    def count(self) -> int:
        """How many components."""
        labels = np.concatenate([self.customer_label, self.shop_label])
        return int(labels.max()) + 1 if len(labels) else 0


def walking_components(
    customer_xy: np.ndarray, shop_xy: np.ndarray, max_walk_m: float
) -> Components:
    """Connected components of the bipartite graph of customers and candidate shops (metres)."""
    n_customers, n_shops = len(customer_xy), len(shop_xy)
    if n_shops == 0:
        pairs = np.empty((0, 2), dtype=int)
    else:
        near = cKDTree(customer_xy).query_ball_tree(cKDTree(shop_xy), max_walk_m)
        pairs = np.array(
            [(c, s) for c, shops in enumerate(near) for s in shops], dtype=int
        ).reshape(-1, 2)
    size = n_customers + n_shops
    graph = coo_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], n_customers + pairs[:, 1])), shape=(size, size)
    )
    _, labels = connected_components(graph, directed=False)
    return Components(labels[:n_customers], labels[n_customers:], pairs)


def cut_pairs(components: Components, customer_area: np.ndarray, shop_area: np.ndarray) -> int:
    """How many walkable pairs join a customer and a candidate shop of different areas."""
    pairs = components.pairs
    return int(np.count_nonzero(customer_area[pairs[:, 0]] != shop_area[pairs[:, 1]]))
