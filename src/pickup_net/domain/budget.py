"""How long a plan may take, shared out by the stages that search."""

import math
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Budget:
    """A wall-clock limit for a whole plan (None: the parameters' stage limits alone).

    A wall-clock limit is not reproducible: a faster or busier machine searches more or less.
    """

    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds > 0):
            raise ValueError(f"budget.seconds: {self.seconds} is not a positive number of seconds")

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
