"""Turn arcs of an edge-based drive graph: which edge may follow which, and at what cost."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from pickup_net.network.osm_elements import TurnRestriction
from pickup_net.network.profiles import DriveProfile


def roads_at_nodes(n_nodes: int, seg_u: np.ndarray, seg_v: np.ndarray) -> np.ndarray:
    """Number of street segments meeting at each node (a loop-free count of roads)."""
    ends = np.concatenate([seg_u, seg_v])
    return np.bincount(ends, minlength=n_nodes)


def turn_cost_s(angle_deg: np.ndarray, profile: DriveProfile) -> np.ndarray:
    """OSRM's sigmoid turn cost; positive angles turn right, negative left, 0 is straight on."""
    bias = 1.0 / profile.turn_bias if profile.left_hand_traffic else profile.turn_bias
    right = profile.turn_penalty_s / (1 + np.exp(-((13 / bias) * angle_deg / 180 - 6.5 * bias)))
    left = profile.turn_penalty_s / (1 + np.exp(-((13 * bias) * -angle_deg / 180 - 6.5 / bias)))
    cost = np.where(angle_deg >= 0, right, left)
    crosses = angle_deg > 0 if profile.left_hand_traffic else angle_deg < 0
    sharpness = 1 / (1 + np.exp(-(13 * np.abs(angle_deg) / 180 - 3.25)))
    return cost + np.where(crosses, profile.oncoming_turn_s * sharpness, 0.0)


def turn_arcs(
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_seg: np.ndarray,
    edge_way_id: np.ndarray,
    bearing_in_deg: np.ndarray,
    bearing_out_deg: np.ndarray,
    node_roads: np.ndarray,
    node_delay_s: np.ndarray,
    node_osm_id: np.ndarray,
    restrictions: list[TurnRestriction],
    profile: DriveProfile,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Arcs (from edge, to edge, turn seconds) and how many restrictions matched the graph.

    `bearing_in_deg` is each edge's heading where it arrives at its head node,
    `bearing_out_deg` its heading where it leaves its tail node. U-turns are allowed only at
    dead ends; intersections of three or more roads cost a turn; node delays (signals, stop
    signs) apply to every turn through the node.
    """
    n_nodes = node_roads.shape[0]
    order = np.argsort(edge_u, kind="stable")
    out_ptr = np.concatenate([[0], np.cumsum(np.bincount(edge_u, minlength=n_nodes))])
    counts = np.diff(out_ptr)[edge_v]
    arc_from = np.repeat(np.arange(edge_u.shape[0]), counts)
    offsets = np.repeat(out_ptr[edge_v] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    arc_to = order[offsets + np.arange(arc_from.shape[0])]
    via = edge_v[arc_from]
    u_turn = edge_seg[arc_from] == edge_seg[arc_to]
    keep = ~u_turn | (node_roads[via] == 1)
    arc_from, arc_to, via, u_turn = arc_from[keep], arc_to[keep], via[keep], u_turn[keep]
    angle = (bearing_out_deg[arc_to] - bearing_in_deg[arc_from] + 180.0) % 360.0 - 180.0
    angle = np.where(u_turn, 180.0, angle)
    penalised = (node_roads[via] > 2) | u_turn
    cost = np.where(penalised, turn_cost_s(angle, profile), 0.0)
    cost = cost + np.where(u_turn, profile.u_turn_s, 0.0) + node_delay_s[via]
    allowed, matched = _restriction_mask(
        arc_from, arc_to, via, edge_way_id, node_osm_id, restrictions
    )
    return arc_from[allowed], arc_to[allowed], cost[allowed], matched


def _restriction_mask(
    arc_from: np.ndarray,
    arc_to: np.ndarray,
    via: np.ndarray,
    edge_way_id: np.ndarray,
    node_osm_id: np.ndarray,
    restrictions: list[TurnRestriction],
) -> tuple[np.ndarray, int]:
    """Which arcs survive the tagged turn restrictions, and how many restrictions applied."""
    allowed = np.ones(arc_from.shape[0], dtype=bool)
    if not restrictions:
        return allowed, 0
    by_key: dict[tuple[int, int], list[int]] = defaultdict(list)
    via_osm = node_osm_id[via]
    from_way = edge_way_id[arc_from]
    for i, key in enumerate(zip(via_osm.tolist(), from_way.tolist(), strict=True)):
        by_key[key].append(i)
    to_way = edge_way_id[arc_to]
    matched = 0
    for rule in restrictions:
        arcs = by_key.get((rule.via_node, rule.from_way))
        if not arcs:
            continue
        idx = np.asarray(arcs)
        hits = to_way[idx] == rule.to_way
        if not hits.any():
            continue
        matched += 1
        allowed[idx[hits if rule.kind == "no" else ~hits]] = False
    return allowed, matched
