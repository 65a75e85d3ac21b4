"""Connect to Dask: a `LocalCluster` on this machine by default, or an existing scheduler."""

from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2) -> Iterator[Client]:
    """Yield a client of the scheduler at `scheduler`, or of a new local cluster of `workers`
    single-threaded worker processes that is closed on exit.

    Solvers hold the GIL and use one core each, hence one thread per worker process.
    """
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
