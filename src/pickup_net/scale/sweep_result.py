"""The record of one variant of a sweep, as written to ``variants/<name>/result.json``."""

from dataclasses import dataclass, field
from typing import Any, Literal

RESULT_FILE = "result.json"
Status = Literal["ok", "failed", "reused"]


@dataclass
class VariantResult:
    """What one variant produced: its KPIs and solver quality, or the error that stopped it."""

    variant: str
    status: Status
    overrides: dict[str, Any]
    fingerprint: str
    seconds: float = 0.0
    kpis: dict[str, Any] = field(default_factory=dict)
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the variant has a plan (run now or reused from an earlier run)."""
        return self.status in ("ok", "reused")
