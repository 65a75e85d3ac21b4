"""Service settings read from `PICKUP_NET_*` environment variables, with safe defaults."""

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

DEFAULT_DATABASE_URL = "sqlite:///./pickup-net.sqlite3"


class Settings(BaseModel):
    """What the API server and the CLI share: the database, upload limits and the job runner."""

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL; `postgresql://` URLs use the psycopg 3 driver.",
    )
    max_upload_bytes: int = Field(25 * 1024 * 1024, gt=0)
    max_unzipped_bytes: int = Field(200 * 1024 * 1024, gt=0)
    max_zip_entries: int = Field(64, gt=0)
    job_slots: int = Field(1, ge=0, description="Plans run at once by one server process.")
    job_lease_s: float = Field(60.0, gt=0, description="A running job unseen this long is resumed.")
    job_poll_s: float = Field(0.5, gt=0)
    cancel_grace_s: float = Field(3.0, ge=0)
    secure_cookies: bool = Field(False, description="Mark the shop cookie Secure (behind HTTPS).")


_ENV = {
    "database_url": "PICKUP_NET_DATABASE_URL",
    "max_upload_bytes": "PICKUP_NET_MAX_UPLOAD_BYTES",
    "max_unzipped_bytes": "PICKUP_NET_MAX_UNZIPPED_BYTES",
    "max_zip_entries": "PICKUP_NET_MAX_ZIP_ENTRIES",
    "job_slots": "PICKUP_NET_JOB_SLOTS",
    "job_lease_s": "PICKUP_NET_JOB_LEASE_S",
    "job_poll_s": "PICKUP_NET_JOB_POLL_S",
    "cancel_grace_s": "PICKUP_NET_CANCEL_GRACE_S",
    "secure_cookies": "PICKUP_NET_SECURE_COOKIES",
}


def read_settings() -> Settings:
    """Settings from the environment; unset variables keep their defaults."""
    values = {field: os.environ[name] for field, name in _ENV.items() if os.environ.get(name)}
    return Settings.model_validate(values)


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
