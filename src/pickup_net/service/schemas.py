"""Request and response bodies, one family per resource; public schemas never carry secrets."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pickup_net.render.shop_view import ShopView

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]


def timestamp(seconds: float | None) -> datetime | None:
    """UNIX seconds as an aware UTC datetime (None stays None)."""
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


class Health(BaseModel):
    """The server answers and its database can be queried."""

    status: Literal["ok"] = "ok"
    database: str


class ScenarioPublic(BaseModel):
    """A stored scenario: its id and size; `/scenarios/{id}/scenario.json` has it whole."""

    id: str
    name: str
    created_at: datetime
    shops: int
    orders: int
    has_streets: bool


class ScenariosPublic(BaseModel):
    """A page of stored scenarios, newest first."""

    data: list[ScenarioPublic]
    count: int


class PlanCreate(BaseModel):
    """Optional overrides of the scenario's planning parameters for this plan."""

    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, Any] = Field(
        default_factory=dict, description="Fields of `Parameters` to override, e.g. n_hubs."
    )


class ShopResponsePublic(BaseModel):
    """A shop owner's answer to their assignment."""

    shop_id: str
    decision: Literal["accept", "decline"]
    reason: str
    storage_liters: float | None
    answered_at: datetime


class PlanPublic(BaseModel):
    """A plan job: where it stands, its KPIs once done, and the shops' answers once published."""

    id: str
    scenario_id: str
    parent_plan_id: str | None
    status: JobStatus
    stage: str
    progress: float
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    cancel_requested: bool
    published: bool
    parameters: dict[str, Any]
    kpis: dict[str, Any] | None
    responses: list[ShopResponsePublic]
    declines: list[ShopResponsePublic]
    files: list[str]


class PlansPublic(BaseModel):
    """A page of plans, newest first."""

    data: list[PlanPublic]
    count: int


class ShopToken(BaseModel):
    """A shop's token, to be handed to the shop owner; shown only in the publish answer."""

    shop_id: str
    token: str


class PublishResult(BaseModel):
    """One token per hub shop of the published plan, and when these tokens stop working."""

    tokens: list[ShopToken]
    expires_at: datetime | None


class KpiDifference(BaseModel):
    """One KPI in two plans and the change from `a` to `b`."""

    name: str
    a: float
    b: float
    difference: float
    relative: float | None = Field(description="difference / |a|; null when a is 0")


class PlanComparison(BaseModel):
    """The KPI differences between two finished plans (b minus a)."""

    a: str
    b: str
    kpis: list[KpiDifference]


class ShopAssignment(ShopView):
    """What one shop is asked to do in one plan, with the shop's latest answer."""

    plan_id: str
    response: ShopResponsePublic | None


class ShopAnswer(BaseModel):
    """Accept the assignment, or decline it with a reason or a smaller storage figure."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Literal["accept", "decline"]
    reason: Annotated[str, Field(max_length=2000)] = ""
    storage_liters: Annotated[float, Field(gt=0, lt=1e7)] | None = Field(
        None, description="With a decline: the storage the shop can offer instead."
    )

    @model_validator(mode="after")
    def _decline_explained(self) -> "ShopAnswer":
        if self.decision == "decline" and not self.reason and self.storage_liters is None:
            raise ValueError("a decline needs a reason or a smaller storage_liters")
        if "\0" in self.reason:
            raise ValueError("reason: holds a NUL character (\\u0000), not accepted")
        if self.decision == "accept" and self.storage_liters is not None:
            raise ValueError(f"storage_liters: {self.storage_liters} is only given with a decline")
        return self


MAX_REPORT_LINES = 500
"""Most product lines one stock report may hold."""
MAX_REPORT_UNITS = 1_000_000
"""Most units of one product one report may count (before the shop's storage is checked)."""


class StockCount(BaseModel):
    """Units of one product on the shop's shelf, and optionally how many were handed to
    customers since the previous report."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    product_id: Annotated[str, Field(min_length=1, max_length=200)]
    units: Annotated[int, Field(ge=0, le=MAX_REPORT_UNITS)]
    handed_over_units: Annotated[int, Field(ge=0, le=MAX_REPORT_UNITS)] | None = None


class StockReport(BaseModel):
    """A shop owner's count of what is on the shelf; the next plan of the scenario opens from
    it (the latest report per product wins over the scenario's `inventory.csv`)."""

    model_config = ConfigDict(extra="forbid")

    reported_at: datetime | None = Field(
        None,
        description="When the shelf was counted (ISO 8601; without an offset, the plan's time "
        "zone); default: now. At most 5 minutes ahead of the server, at most a year old.",
    )
    lines: Annotated[list[StockCount], Field(min_length=1, max_length=MAX_REPORT_LINES)]


class StockReportPublic(BaseModel):
    """A stored stock report of one shop, as the next plan of its scenario will read it."""

    plan_id: str
    shop_id: str
    reported_at: datetime
    received_at: datetime
    lines: list[StockCount]
