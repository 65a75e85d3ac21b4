"""Connect to Dask: a `LocalCluster` on this machine by default, or an existing scheduler."""

from collections.abc import Iterator
from contextlib import contextmanager

import dask
from distributed import Client, LocalCluster


@contextmanager
def dask_client(
    scheduler: str | None = None, workers: int = 2, processes: bool = True
) -> Iterator[Client]:
    """Yield a client of the scheduler at `scheduler`, or of a new local cluster of `workers`
    single-threaded workers (processes, or threads of this process) that is closed on exit.

    Solvers hold the GIL and use one core each, hence one thread per worker process. Local
    workers are not daemonic because the routing stage may start its own solver processes
    (``routing_engine: auto``); workers of an external scheduler need the same setting
    (``distributed.worker.daemon: false``).
    """
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
