"""Stage timing and progress reporting for one plan run."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STAGES = ("network", "forecast", "location", "stock", "routing", "outputs")
"""The stages of a plan, in order."""

_WEIGHT = {"network": 0.15, "forecast": 0.15, "location": 0.2, "stock": 0.05, "routing": 0.4}
_WEIGHT["outputs"] = 1.0 - sum(_WEIGHT.values())

ProgressCallback = Callable[[str, float], None]
"""Called with (stage name, overall fraction done); an exception raised in it aborts the plan."""


class StageClock:
    """Times each stage and reports progress before and after it."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._done = 0.0
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Run one stage: report its start, time it, report its end."""
        self._report(name, self._done)
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)
        self._done += _WEIGHT[name]
        self._report(name, min(self._done, 1.0))

    def _report(self, name: str, fraction: float) -> None:
        if self._callback is not None:
            self._callback(name, round(fraction, 4))
