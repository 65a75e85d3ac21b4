"""The one executor of scale work: a Dask client (a `LocalCluster` by default, or a scheduler's),
and the fan-out of one task per item that sweeps and city areas share."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import dask
from distributed import Client, LocalCluster, as_completed

Item = TypeVar("Item")

KEEP_MALLOC = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
"""Dask's nannies start workers with glibc's `MALLOC_TRIM_THRESHOLD_`, which also fixes the
threshold above which arrays are mapped afresh: every array of a solver's iteration then costs
new pages (measured: half the Lagrangian steps on a city model). Unset, glibc's own rule holds."""


@contextmanager
def dask_client(
    scheduler: str | None = None, workers: int = 2, processes: bool = True
) -> Iterator[Client]:
    """Yield a client of the scheduler at `scheduler`, or of a new local cluster of `workers`
    single-threaded workers (processes, or threads of this process) that is closed on exit.

    Solvers hold the GIL and use one core each, hence one thread per worker, and each task plans
    in its worker's own process (a one-process `Budget`); the workers keep glibc's own memory
    thresholds (`KEEP_MALLOC`).
    """
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        dask.config.set(KEEP_MALLOC),
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextmanager
def executor(
    client: Client | None = None, scheduler: str | None = None, workers: int = 2
) -> Iterator[Client]:
    """The caller's open client, else a client of `scheduler` or of a new local cluster."""
    if client is not None:
        yield client
        return
    with dask_client(scheduler, workers) as own:
        yield own


def fan_out(
    client: Client, task: Callable[..., Any], items: Sequence[Item], *shared: Any
) -> Iterator[tuple[Item, Any, str | None]]:
    """Run `task(item, *shared)` for each item, largest share of work first as given, and yield
    `(item, result, None)` or `(item, None, error text)` in completion order.

    Closing the iterator early (after a failure the caller cannot go on with) cancels the tasks
    still pending.
    """
    futures = {client.submit(task, item, *shared, pure=False): item for item in items}
    try:
        for future in as_completed(futures):
            item = futures[future]
            try:
                yield item, future.result(), None
            except Exception as error:  # a task failed, a worker died, or a result did not load
                yield item, None, f"{type(error).__name__}: {error}"
            finally:
                future.release()
    finally:
        for future in futures:
            future.cancel()
