"""The sparse graph one shortest-path query runs on: the street graph plus virtual points.

Each source point becomes a node with arcs onto the streets it can start along; each target
is reached from at most two street nodes (evaluated after Dijkstra as a minimum over those
two). Both carry the partial length of the snapped segment. Drive graphs are edge-based (a
node per directed edge, arcs are turns); walk graphs are node-based.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from pickup_net.network.mode_graph import ModeGraph
from pickup_net.network.packed_weights import pack
from pickup_net.network.snapping import Snapped


def _pack(graph: ModeGraph, time_s: np.ndarray, length_m: np.ndarray) -> np.ndarray:
    """Packed weights in the graph's length unit."""
    return pack(time_s, length_m, graph.length_unit_m())


def n_base_nodes(graph: ModeGraph) -> int:
    """Nodes of the search graph before the virtual points."""
    return graph.n_edges if graph.mode == "drive" else int(graph.node_osm_id.shape[0])


def base_arcs(graph: ModeGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arcs (from, to, packed weight) of the street graph itself, built once per process.

    A drive node stands for *entering* a directed edge; an arc (e, f) costs driving all of e
    and then turning into f.
    """
    if "base_arcs" not in graph._cache:
        if graph.mode == "drive":
            start = graph.arc_from
            weight = _pack(
                graph, graph.edge_time_s[start] + graph.arc_turn_s, graph.edge_len_m[start]
            )
            arcs = (start, graph.arc_to, np.maximum(weight, 1.0))
        else:
            weight = _pack(graph, np.zeros(graph.n_edges), graph.edge_len_m)
            arcs = (graph.edge_u, graph.edge_v, np.maximum(weight, 1.0))
        graph._cache["base_arcs"] = arcs
    return graph._cache["base_arcs"]


def _arcs_from(graph: ModeGraph) -> tuple[np.ndarray, np.ndarray]:
    """Turn arcs grouped by the edge they leave: (pointer per edge, arc indices)."""
    if "arcs_from" not in graph._cache:
        order = np.argsort(graph.arc_from, kind="stable")
        counts = np.bincount(graph.arc_from, minlength=graph.n_edges)
        graph._cache["arcs_from"] = (np.concatenate([[0], np.cumsum(counts)]), order)
    return graph._cache["arcs_from"]


def _directions(
    graph: ModeGraph, snapped: Snapped
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per direction of travel: (point index, directed edge, share of it ahead of the point)."""
    points = np.arange(snapped.seg.shape[0])
    out = []
    for direction, ahead in ((0, 1.0 - snapped.frac), (1, snapped.frac)):
        edge = graph.seg_edge[snapped.seg, direction]
        ok = edge >= 0
        out.append((points[ok], edge[ok], ahead[ok]))
    return out


def _walk_end_arcs(graph: ModeGraph, snapped: Snapped) -> tuple[np.ndarray, np.ndarray]:
    """Walk: the two end nodes of each point's segment and the packed length to each."""
    length = graph.seg_len_m[snapped.seg]
    zeros = np.zeros_like(length)
    nodes = np.concatenate([graph.seg_u[snapped.seg], graph.seg_v[snapped.seg]])
    weights = np.concatenate(
        [
            _pack(graph, zeros, snapped.frac * length),
            _pack(graph, zeros, (1 - snapped.frac) * length),
        ]
    )
    return nodes, weights


def source_arcs(graph: ModeGraph, snapped: Snapped) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arcs (point index, base node, packed weight) from each source point onto the streets.

    A driving source finishes its own edge and turns onto the next; a walker goes either way.
    """
    points = np.arange(snapped.seg.shape[0])
    if graph.mode == "walk":
        nodes, weights = _walk_end_arcs(graph, snapped)
        return np.concatenate([points, points]), nodes, np.maximum(weights, 1.0)
    ptr, order = _arcs_from(graph)
    rows, cols, weights_list = [], [], []
    for point, edge, ahead in _directions(graph, snapped):
        counts = ptr[edge + 1] - ptr[edge]
        starts = np.repeat(ptr[edge] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        arc = order[starts + np.arange(int(counts.sum()))]
        e_rep = np.repeat(edge, counts)
        share = np.repeat(ahead, counts)
        rows.append(np.repeat(point, counts))
        cols.append(graph.arc_to[arc])
        weights_list.append(
            _pack(
                graph,
                share * graph.edge_time_s[e_rep] + graph.arc_turn_s[arc],
                share * graph.edge_len_m[e_rep],
            )
        )
    weights = np.maximum(np.concatenate(weights_list), 1.0)
    return np.concatenate(rows), np.concatenate(cols), weights


def target_arcs(graph: ModeGraph, snapped: Snapped) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arcs (base node, point index, packed weight) from the streets into each target point.

    At most two per point: a driving target is reached by entering its edge in an allowed
    direction and driving the share before it; a walker arrives from either end.
    """
    points = np.arange(snapped.seg.shape[0])
    if graph.mode == "walk":
        nodes, weights = _walk_end_arcs(graph, snapped)
        return nodes, np.concatenate([points, points]), weights
    rows, cols, weights_list = [], [], []
    for point, edge, ahead in _directions(graph, snapped):
        before = 1.0 - ahead
        rows.append(edge)
        cols.append(point)
        weights_list.append(
            _pack(graph, before * graph.edge_time_s[edge], before * graph.edge_len_m[edge])
        )
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(weights_list)


def base_csr(graph: ModeGraph) -> csr_matrix:
    """The street graph alone as a CSR matrix of packed weights, built once per process."""
    if "base_csr" not in graph._cache:
        n = n_base_nodes(graph)
        arcs_from, arcs_to, weights = base_arcs(graph)
        graph._cache["base_csr"] = csr_matrix((weights, (arcs_from, arcs_to)), shape=(n, n))
    return graph._cache["base_csr"]


def search_csr(graph: ModeGraph, sources: Snapped) -> csr_matrix:
    """The street graph plus one node per source point, at `n_base + i`."""
    n_base = n_base_nodes(graph)
    n_src = sources.seg.shape[0]
    base_from, base_to, base_w = base_arcs(graph)
    s_point, s_node, s_w = source_arcs(graph, sources)
    rows = np.concatenate([base_from, n_base + s_point])
    cols = np.concatenate([base_to, s_node])
    weights = np.concatenate([base_w, s_w])
    size = n_base + n_src
    return csr_matrix((weights, (rows, cols)), shape=(size, size))


def direct_pairs(
    graph: ModeGraph, sources: Snapped, targets: Snapped
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs on the same segment, with the packed weight of going straight along it (or inf)."""
    order = np.argsort(sources.seg, kind="stable")
    sorted_seg = sources.seg[order]
    lo = np.searchsorted(sorted_seg, targets.seg, side="left")
    hi = np.searchsorted(sorted_seg, targets.seg, side="right")
    counts = hi - lo
    j = np.repeat(np.arange(targets.seg.shape[0]), counts)
    starts = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    i = order[starts + np.arange(int(counts.sum()))]
    seg = targets.seg[j]
    f = sources.frac[i]
    g = targets.frac[j]
    if graph.mode == "walk":
        return i, j, _pack(graph, np.zeros_like(f), np.abs(g - f) * graph.seg_len_m[seg])
    weight = np.full(i.shape[0], np.inf)
    for direction, share in ((0, g - f), (1, f - g)):
        edge = graph.seg_edge[seg, direction]
        ok = (edge >= 0) & (share >= 0)
        e = edge[ok]
        candidate = _pack(graph, share[ok] * graph.edge_time_s[e], share[ok] * graph.edge_len_m[e])
        weight[ok] = np.minimum(weight[ok], candidate)
    return i, j, weight
