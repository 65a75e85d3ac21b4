"""The limits that keep one planner from exhausting the server: rows per upload, accepted solver
time limits and work, uploads at once and queued plans (429 with `Retry-After`)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException, status

from pickup_net.domain import Parameters
from pickup_net.io.scenario_loader import OPTIONAL_TABLES, TABLES
from pickup_net.service.config import Settings
from pickup_net.service.scenario_upload import UploadError

TIME_LIMITS = {
    "location_time_limit_s": "max_location_time_limit_s",
    "routing_time_limit_s": "max_routing_time_limit_s",
}


def env_name(setting: str) -> str:
    """The environment variable that sets `setting`."""
    return f"PICKUP_NET_{setting.upper()}"


def row_limits(settings: Settings) -> dict[str, int]:
    """The most rows per scenario table: `max_orders` for orders, `max_table_rows` for others."""
    return {
        table: settings.max_orders if table == "orders" else settings.max_table_rows
        for table in (*TABLES, *OPTIONAL_TABLES)
    }


def check_time_limits(parameters: Parameters, settings: Settings) -> None:
    """Refuse solver time limits and work over their maximum (422 naming field, value and
    maximum)."""
    errors: list[tuple[list[str | int], str]] = []
    work = parameters.search_work
    if work is not None and work > settings.max_search_work:
        errors.append(
            (
                ["body", "parameters", "search_work"],
                f"parameters.search_work: {work} is over the maximum of "
                f"{settings.max_search_work} ({env_name('max_search_work')})",
            )
        )
    for field, setting in TIME_LIMITS.items():
        value = getattr(parameters, field)
        maximum = getattr(settings, setting)
        if value > maximum:
            errors.append(
                (
                    ["body", "parameters", field],
                    f"parameters.{field}: {value} is over the maximum of {maximum} s "
                    f"({env_name(setting)})",
                )
            )
    if errors:
        raise UploadError(errors)


def too_busy(message: str, settings: Settings) -> HTTPException:
    """A 429 answer telling the client when to try again."""
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        message,
        headers={"Retry-After": str(settings.retry_after_s)},
    )


class UploadSlots:
    """At most `size` uploads validated at once in this process; the next one gets a 429."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._semaphore = threading.BoundedSemaphore(size)

    @contextmanager
    def hold(self, settings: Settings) -> Iterator[None]:
        """Hold one slot for the duration of the block, or raise a 429 when none is free."""
        if not self._semaphore.acquire(blocking=False):
            raise too_busy(
                f"{self.size} scenario upload(s) are being validated; try again later "
                f"({env_name('max_concurrent_uploads')})",
                settings,
            )
        try:
            yield
        finally:
            self._semaphore.release()
