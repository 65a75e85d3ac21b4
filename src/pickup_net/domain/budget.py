"""What a plan may spend: wall-clock time shared out by the stages, and processes."""

import math
import os
import time
from dataclasses import dataclass, field
from typing import Literal

StartMethod = Literal["fork", "spawn", "forkserver"]


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity)."""
    return len(os.sched_getaffinity(0))


@dataclass(frozen=True)
class Budget:
    """A plan's limits, chosen by the caller (CLI, API, scale), never sniffed from the process.

    `seconds`: a wall-clock limit for the whole plan (None: the parameters' stage limits alone);
    not reproducible, since a faster or busier machine searches more or less. `processes`: how
    many processes the solvers may run at once (1 in a daemon process such as a Dask worker).
    `start_method`: how they start; `fork` is fast but unsafe in a process running threads.
    """

    seconds: float | None = None
    processes: int = 1
    start_method: StartMethod = "fork"

    def __post_init__(self) -> None:
        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds > 0):
            raise ValueError(f"budget.seconds: {self.seconds} is not a positive number of seconds")
        if self.processes < 1:
            raise ValueError(f"budget.processes: {self.processes} is not at least 1")

    def start(self) -> "BudgetClock":
        """Start spending this budget now."""
        return BudgetClock(self)


@dataclass
class BudgetClock:
    """A budget being spent: what is left, and each stage's share of it."""

    budget: Budget
    started: float = field(default_factory=time.perf_counter)

    def remaining_s(self) -> float:
        """Seconds left (infinite without a limit)."""
        if self.budget.seconds is None:
            return math.inf
        return max(0.0, self.budget.seconds - (time.perf_counter() - self.started))

    def grant(self, stage_limit_s: float, share: float) -> float:
        """A stage's limit: its own limit, capped at `share` of what is left of the budget."""
        return max(0.05, min(stage_limit_s, share * self.remaining_s()))
