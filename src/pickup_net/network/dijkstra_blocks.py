"""Run scipy's Dijkstra from many sources in row blocks, on one or more processes."""

from __future__ import annotations

import mmap
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

_BLOCK_BYTES = 48 * 2**20
_PARALLEL_MIN_WORK = 3_000_000


def target_distances(
    csr: csr_matrix,
    source_nodes: np.ndarray,
    t_node: np.ndarray,
    t_point: np.ndarray,
    t_weight: np.ndarray,
    n_targets: int,
    workers: int | None = None,
) -> np.ndarray:
    """Best weight from each source node to each target point.

    A target point's weight is the minimum over its few entry arcs (street node, weight) of
    the Dijkstra distance to that node plus the arc weight. Rows are computed in blocks so memory
    stays bounded; with `workers` > 1 (default: the usable cores, for large enough problems)
    the blocks run on forked processes, since scipy's Dijkstra holds the GIL.
    """
    slot_node, slot_weight = _slots(t_node, t_point, t_weight, n_targets)
    n_sources = source_nodes.shape[0]
    per_row = 8 * (csr.shape[0] + 2 * n_targets)
    block = max(1, min(_BLOCK_BYTES // per_row, n_sources))
    workers = _worker_count(workers, n_sources * csr.shape[0])
    if workers > 1:
        block = max(1, min(block, -(-n_sources // (2 * workers))))
    starts = list(range(0, n_sources, block))
    if workers > 1:
        try:
            return _parallel(csr, source_nodes, slot_node, slot_weight, starts, block, workers)
        except (OSError, RuntimeError, AssertionError):
            pass
    out = np.empty((n_sources, n_targets))
    for start in starts:
        rows = source_nodes[start : start + block]
        out[start : start + rows.shape[0]] = _block(rows, csr, slot_node, slot_weight)
    return out


_JOB: dict[str, object] = {}


def _parallel(
    csr: csr_matrix,
    source_nodes: np.ndarray,
    slot_node: np.ndarray,
    slot_weight: np.ndarray,
    starts: list[int],
    block: int,
    workers: int,
) -> np.ndarray:
    """Blocks on forked processes that inherit the inputs and write into shared memory."""
    shape = (source_nodes.shape[0], slot_node.shape[1])
    buffer = mmap.mmap(-1, max(8, 8 * shape[0] * shape[1]))
    _JOB.update(
        csr=csr,
        nodes=source_nodes,
        slot_node=slot_node,
        slot_weight=slot_weight,
        block=block,
        buffer=buffer,
        shape=shape,
    )
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            list(pool.map(_shared_block, starts))
        return (
            np.frombuffer(buffer, dtype=np.float64, count=shape[0] * shape[1]).reshape(shape).copy()
        )
    finally:
        _JOB.clear()
        buffer.close()


def _shared_block(start: int) -> None:
    """Worker side of `_parallel`: one block of rows into the shared output."""
    rows = _JOB["nodes"][start : start + _JOB["block"]]
    shape = _JOB["shape"]
    out = np.frombuffer(_JOB["buffer"], dtype=np.float64, count=shape[0] * shape[1])
    out = out.reshape(shape)
    out[start : start + rows.shape[0]] = _block(
        rows, _JOB["csr"], _JOB["slot_node"], _JOB["slot_weight"]
    )


def _slots(
    t_node: np.ndarray, t_point: np.ndarray, t_weight: np.ndarray, n_targets: int
) -> tuple[np.ndarray, np.ndarray]:
    """Entry arcs as (slots, n_targets) arrays of node and weight; node -1 marks no arc."""
    order = np.argsort(t_point, kind="stable")
    t_node, t_point, t_weight = t_node[order], t_point[order], t_weight[order]
    counts = np.bincount(t_point, minlength=n_targets)
    rank = np.arange(t_point.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
    n_slots = int(counts.max()) if counts.size else 0
    slot_node = np.full((n_slots, n_targets), -1, dtype=np.int64)
    slot_weight = np.zeros((n_slots, n_targets))
    slot_node[rank, t_point] = t_node
    slot_weight[rank, t_point] = t_weight
    return slot_node, slot_weight


def _block(
    rows: np.ndarray, csr: csr_matrix, slot_node: np.ndarray, slot_weight: np.ndarray
) -> np.ndarray:
    """Distances from one block of sources to every target point."""
    dist = dijkstra(csr, directed=True, indices=rows)
    result = np.full((rows.shape[0], slot_node.shape[1]), np.inf)
    for nodes, weights in zip(slot_node, slot_weight, strict=True):
        has = nodes >= 0
        via = np.take(dist, nodes[has], axis=1) + weights[has]
        result[:, has] = np.minimum(result[:, has], via)
    return result


def _worker_count(requested: int | None, work: int) -> int:
    """Processes to use: as requested, else all usable cores when the job is large enough."""
    if multiprocessing.current_process().daemon:
        return 1
    if requested is not None:
        return max(1, requested)
    if work < _PARALLEL_MIN_WORK:
        return 1
    return max(1, len(os.sched_getaffinity(0)))
