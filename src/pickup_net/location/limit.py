"""Where a location search stops: a wall-clock deadline and, optionally, a count of steps."""

from __future__ import annotations

import math
import time


class SearchLimit:
    """A deadline and an optional number of steps (one Lagrangian iteration, one local-search
    move or kick, one tree node each); a counted search stops on steps, so its result does not
    depend on the clock, and the deadline is then only a safety net that records when it was hit.
    """

    def __init__(
        self, seconds: float, steps: int | None = None, parent: SearchLimit | None = None
    ) -> None:
        if steps is not None and steps < 0:
            raise ValueError(f"steps: {steps} is negative")
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.steps = steps
        self.used = 0
        self.clock_hit = False
        self._parent = parent

    @property
    def counted(self) -> bool:
        """Whether steps, not the clock, stop the search."""
        return self.steps is not None

    def go(self) -> bool:
        """Spend one step; False once the steps are spent or the deadline has passed."""
        if self.steps is not None and self.used >= self.steps:
            return False
        if time.monotonic() >= self.deadline:
            self.hit_clock()
            return False
        limit: SearchLimit | None = self
        while limit is not None:
            limit.used += 1
            limit = limit._parent
        return True

    def hit_clock(self) -> None:
        """Record that the clock stopped a search under this limit (and every enclosing one)."""
        limit: SearchLimit | None = self
        while limit is not None:
            limit.clock_hit = True
            limit = limit._parent

    def seconds_left(self) -> float:
        """Seconds before the deadline (never negative)."""
        return max(0.0, self.deadline - time.monotonic())

    def part(self, share: float) -> SearchLimit:
        """A sub-search's limit: `share` of this limit's steps (when counted, within the same
        deadline) or of its seconds (else), capped by what is left of either."""
        if self.steps is None:
            return SearchLimit(min(share * self.seconds, self.seconds_left()), None, self)
        steps = min(math.ceil(share * self.steps), self.steps - self.used)
        return SearchLimit(self.seconds_left(), max(0, steps), self)

    def rest(self, share: float) -> SearchLimit:
        """A sub-search's limit: `share` of what is left now (steps when counted, else seconds)."""
        if self.steps is None:
            return SearchLimit(share * self.seconds_left(), None, self)
        steps = math.ceil(share * max(0, self.steps - self.used))
        return SearchLimit(self.seconds_left(), steps, self)
