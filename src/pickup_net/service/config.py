"""Service settings from `PICKUP_NET_*` environment variables (pydantic-settings), with safe
defaults; values that would leave the server unprotected are refused at start."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./pickup-net.sqlite3"
_DIALECTS = ("sqlite", "postgresql", "postgres")


class Settings(BaseSettings):
    """What the API server and the CLI share: the database, limits and the job runner.

    Every field is read from `PICKUP_NET_<FIELD>` (for example `PICKUP_NET_MAX_ORDERS`); empty
    variables keep the default.
    """

    model_config = SettingsConfigDict(
        env_prefix="PICKUP_NET_", env_ignore_empty=True, extra="ignore", frozen=True
    )

    environment: Literal["development", "production"] = Field(
        "development", description="`production` refuses settings only fit for a developer."
    )
    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL; `postgresql://` URLs use the psycopg 3 driver.",
    )
    max_upload_bytes: int = Field(25 * 1024 * 1024, gt=0, le=1 << 30)
    max_unzipped_bytes: int = Field(200 * 1024 * 1024, gt=0, le=8 << 30)
    max_zip_entries: int = Field(64, gt=0, le=10_000)
    max_orders: int = Field(
        200_000, gt=0, le=10_000_000, description="Orders one uploaded scenario may hold."
    )
    max_table_rows: int = Field(
        50_000,
        gt=0,
        le=10_000_000,
        description="Rows of each other table (shops, products, depots, vehicle types).",
    )
    max_concurrent_uploads: int = Field(
        1, gt=0, le=64, description="Scenario uploads validated at once by one server process."
    )
    max_queued_plans_per_planner: int = Field(
        10, gt=0, le=10_000, description="Queued or running plans one planner token may have."
    )
    max_queued_plans: int = Field(
        200, gt=0, le=100_000, description="Queued or running plans of all planners together."
    )
    max_location_time_limit_s: float = Field(300.0, gt=0, le=86_400)
    max_routing_time_limit_s: float = Field(300.0, gt=0, le=86_400)
    max_search_work: int = Field(
        20_000, gt=0, le=10_000_000, description="Largest `search_work` a plan may ask for."
    )
    planner_quota_bytes: int = Field(
        2 * 1024**3,
        gt=0,
        description="Bytes of stored scenarios and plan files one planner token may hold.",
    )
    retry_after_s: int = Field(
        15, gt=0, le=3600, description="`Retry-After` sent with a 429 (busy or queue full)."
    )
    job_slots: int = Field(1, ge=0, le=64, description="Plans run at once by one server process.")
    job_lease_s: float = Field(
        60.0, ge=5, description="A running job unseen this long is resumed (heartbeats: 1 s)."
    )
    job_poll_s: float = Field(0.5, gt=0, le=60)
    cancel_grace_s: float = Field(3.0, ge=0, le=600)
    shop_token_days: int = Field(
        14,
        ge=0,
        le=3650,
        description="Days after the end of its plan's horizon that a shop token stops working.",
    )
    planner_token_days: float | None = Field(
        None,
        gt=0,
        le=36_500,
        description="Days a new planner token works (`pickup-net token create`); unset: until "
        "revoked.",
    )
    secure_cookies: bool = Field(False, description="Mark the shop cookie Secure (behind HTTPS).")

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> "Settings":
        scheme = self.database_url.split("://", 1)[0] if "://" in self.database_url else ""
        if scheme.split("+", 1)[0] not in _DIALECTS:
            raise ValueError(f"database_url: {scheme!r} is not sqlite:// or postgresql://")
        if self.max_upload_bytes > self.max_unzipped_bytes:
            raise ValueError(
                f"max_upload_bytes: {self.max_upload_bytes} is over max_unzipped_bytes "
                f"{self.max_unzipped_bytes}"
            )
        if self.max_queued_plans_per_planner > self.max_queued_plans:
            raise ValueError(
                f"max_queued_plans_per_planner: {self.max_queued_plans_per_planner} is over "
                f"max_queued_plans {self.max_queued_plans}"
            )
        if self.environment == "production" and not self.secure_cookies:
            raise ValueError("secure_cookies: must be true when environment is production")
        return self


def read_settings() -> Settings:
    """Settings from the environment; unset variables keep their defaults."""
    return Settings()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return read_settings()


def sqlalchemy_url(url: str) -> str:
    """Normalise a database URL: plain `postgresql://` gets the psycopg 3 driver; SQLite paths
    are made absolute so that every process opens the same file."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            return "sqlite:///" + str(Path(path).resolve())
    return url
