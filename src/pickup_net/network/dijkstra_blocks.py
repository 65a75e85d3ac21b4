"""Run scipy's Dijkstra from many source points in row blocks, on one or more processes."""

from __future__ import annotations

import mmap
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

_BLOCK_BYTES = 48 * 2**20


@dataclass(frozen=True)
class _Job:
    """Everything a block needs: the street graph, the source arcs and the target slots."""

    base: csr_matrix
    source_ptr: np.ndarray
    source_node: np.ndarray
    source_weight: np.ndarray
    slot_node: np.ndarray
    slot_weight: np.ndarray

    def block(self, start: int, stop: int) -> np.ndarray:
        """Best weights from source points `start..stop-1` to every target point.

        The block's sources become extra rows of the street CSR (arcs out only), so each
        Dijkstra run covers the streets plus this block's few virtual nodes.
        """
        n_base = self.base.shape[0]
        k = stop - start
        lo, hi = self.source_ptr[start], self.source_ptr[stop]
        indptr = np.concatenate(
            [self.base.indptr, self.base.indptr[-1] + self.source_ptr[start + 1 : stop + 1] - lo]
        )
        graph = csr_matrix(
            (
                np.concatenate([self.base.data, self.source_weight[lo:hi]]),
                np.concatenate([self.base.indices, self.source_node[lo:hi]]),
                indptr,
            ),
            shape=(n_base + k, n_base + k),
        )
        dist = dijkstra(graph, directed=True, indices=n_base + np.arange(k))
        result = np.full((k, self.slot_node.shape[1]), np.inf)
        for nodes, weights in zip(self.slot_node, self.slot_weight, strict=True):
            has = nodes >= 0
            via = np.take(dist, nodes[has], axis=1) + weights[has]
            result[:, has] = np.minimum(result[:, has], via)
        return result


def target_distances(
    base: csr_matrix,
    source_arcs: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_sources: int,
    target_arcs: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_targets: int,
    workers: int = 1,
) -> np.ndarray:
    """Best weight from each source point to each target point over the street graph `base`.

    `source_arcs` are (point, street node, weight) arcs out of each source point and
    `target_arcs` (street node, point, weight) arcs into each target point; a target's weight
    is the minimum over its few entry arcs of the Dijkstra distance plus the arc weight. Rows
    are computed in blocks so memory stays bounded; with `workers` > 1 blocks run on forked
    processes, since scipy's Dijkstra holds the GIL (the caller says whether forking is safe:
    not in a daemon process nor one running other threads).
    """
    s_point, s_node, s_weight = source_arcs
    order = np.argsort(s_point, kind="stable")
    counts = np.bincount(s_point, minlength=n_sources)
    slot_node, slot_weight = _slots(*target_arcs, n_targets)
    job = _Job(
        base=base,
        source_ptr=np.concatenate([[0], np.cumsum(counts)]),
        source_node=s_node[order],
        source_weight=s_weight[order],
        slot_node=slot_node,
        slot_weight=slot_weight,
    )
    per_row = 8 * (base.shape[0] + 2 * n_targets)
    block = max(1, min(_BLOCK_BYTES // per_row, n_sources))
    if workers > 1:
        block = max(1, min(block, -(-n_sources // (2 * workers))))
    starts = list(range(0, n_sources, block))
    if workers > 1:
        try:
            return _parallel(job, (n_sources, n_targets), starts, block, workers)
        except (OSError, RuntimeError, AssertionError):
            pass
    out = np.empty((n_sources, n_targets))
    for start in starts:
        stop = min(start + block, n_sources)
        out[start:stop] = job.block(start, stop)
    return out


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


def _parallel(
    job: _Job, shape: tuple[int, int], starts: list[int], block: int, workers: int
) -> np.ndarray:
    """Blocks on forked processes that inherit the job and write into shared memory."""
    buffer = mmap.mmap(-1, max(8, 8 * shape[0] * shape[1]))
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_adopt,
            initargs=(_Shared(job, buffer, shape, block),),
        ) as pool:
            list(pool.map(_shared_block, starts))
        flat = np.frombuffer(buffer, dtype=np.float64, count=shape[0] * shape[1])
        result = flat.reshape(shape).copy()
        del flat
        return result
    finally:
        buffer.close()


@dataclass(frozen=True)
class _Shared:
    """What each forked worker inherits (never pickled): the job and the shared output."""

    job: _Job
    buffer: mmap.mmap
    shape: tuple[int, int]
    block: int


_inherited: list[_Shared] = []
"""Set once in each worker by `_adopt`; empty in the parent."""


def _adopt(shared: _Shared) -> None:
    """Worker initialiser: keep the inherited job for the blocks this worker runs."""
    _inherited.append(shared)


def _shared_block(start: int) -> None:
    """Worker side of `_parallel`: one block of rows into the shared output."""
    shared = _inherited[0]
    rows, columns = shared.shape
    stop = min(start + shared.block, rows)
    out = np.frombuffer(shared.buffer, dtype=np.float64, count=rows * columns)
    out.reshape(shared.shape)[start:stop] = shared.job.block(start, stop)
