"""What a plan may spend: a deterministic work limit and/or wall-clock time, and processes."""

import math
import os
import time
from dataclasses import dataclass, field, replace
from typing import Literal

StartMethod = Literal["fork", "spawn", "forkserver"]

#: Location search steps per unit of work (Lagrangian iterations, local-search moves, kicks,
#: tree nodes).
LOCATION_STEPS_PER_WORK = 20
#: Routing search steps per unit of work, for all the days of the horizon together: OR-Tools
#: solutions accepted by its guided local search, and PyVRP iterations.
ROUTING_STEPS_PER_WORK = 1
#: With a work limit, each stage's time limit from the parameters is multiplied by this and
#: becomes a safety net, so that only a much slower machine than expected hits it.
SAFETY_NET_FACTOR = 5.0


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity)."""
    return len(os.sched_getaffinity(0))


@dataclass(frozen=True)
class Budget:
    """A plan's limits, chosen by the caller (CLI, API, scale), never sniffed from the process.

    `work`: a deterministic work limit; with it the plan depends only on the scenario, its seed
    and `work` (not on the machine, its load or `processes`). The stages share it out by a
    fixed rule: location takes `work * LOCATION_STEPS_PER_WORK` search steps; routing takes
    `work * ROUTING_STEPS_PER_WORK` steps for the whole horizon, split evenly over its days,
    and gives each of its two searches that many (OR-Tools solutions, PyVRP iterations). The
    stages' time limits then become a safety net (`SAFETY_NET_FACTOR` times longer); the plan
    says when it was hit. `seconds`: a wall-clock limit for the whole plan (None: the
    parameters' stage limits alone); without `work` it is not reproducible, since a faster or
    busier machine searches more or less. `processes`: how many processes the solvers may run
    at once (1 in a daemon process such as a Dask worker). `start_method`: how they start;
    `fork` is fast but unsafe in a process running threads.
    """

    seconds: float | None = None
    processes: int = 1
    start_method: StartMethod = "fork"
    work: int | None = None

    def __post_init__(self) -> None:
        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds > 0):
            raise ValueError(f"budget.seconds: {self.seconds} is not a positive number of seconds")
        if self.processes < 1:
            raise ValueError(f"budget.processes: {self.processes} is not at least 1")
        if self.work is not None and self.work < 1:
            raise ValueError(f"budget.work: {self.work} is not at least 1")

    def with_work(self, work: int | None) -> "Budget":
        """This budget, with `work` as its work limit unless it has one already."""
        return self if self.work is not None or work is None else replace(self, work=work)

    @property
    def reproducible(self) -> bool:
        """Whether the searches stop on work rather than on the clock."""
        return self.work is not None

    def location_steps(self) -> int | None:
        """The location stage's search steps (None: stopped by its time limit)."""
        return None if self.work is None else self.work * LOCATION_STEPS_PER_WORK

    def routing_steps(self, days: int) -> int | None:
        """Each day's routing search steps (None: stopped by its time limit)."""
        if self.work is None:
            return None
        return max(1, self.work * ROUTING_STEPS_PER_WORK // max(1, days))

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

    def stage_limit_s(self, stage_limit_s: float) -> float:
        """A stage's own time limit, or its safety net when work stops the searches."""
        if self.budget.work is None:
            return stage_limit_s
        return stage_limit_s * SAFETY_NET_FACTOR

    def grant(self, stage_limit_s: float, share: float) -> float:
        """A stage's limit: its own limit, capped at `share` of what is left of the budget (with
        work: its safety net, capped at what is left)."""
        if self.budget.work is not None:
            share = 1.0
        return max(0.05, min(self.stage_limit_s(stage_limit_s), share * self.remaining_s()))
