"""Service settings: every `PICKUP_NET_*` variable is read, empty ones keep defaults, and unsafe
values stop the server from starting."""

import pytest
from pydantic import ValidationError

from pickup_net.service.config import Settings

OLD_NAMES = {
    "PICKUP_NET_DATABASE_URL": ("database_url", "sqlite:///./x.sqlite3"),
    "PICKUP_NET_MAX_UPLOAD_BYTES": ("max_upload_bytes", 1000),
    "PICKUP_NET_MAX_UNZIPPED_BYTES": ("max_unzipped_bytes", 5000),
    "PICKUP_NET_MAX_ZIP_ENTRIES": ("max_zip_entries", 9),
    "PICKUP_NET_JOB_SLOTS": ("job_slots", 3),
    "PICKUP_NET_JOB_LEASE_S": ("job_lease_s", 12.5),
    "PICKUP_NET_JOB_POLL_S": ("job_poll_s", 0.25),
    "PICKUP_NET_CANCEL_GRACE_S": ("cancel_grace_s", 2.0),
    "PICKUP_NET_SECURE_COOKIES": ("secure_cookies", True),
}


def test_every_existing_variable_name_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    """The variables of the earlier hand-written map set the same fields."""
    for name, (_, value) in OLD_NAMES.items():
        monkeypatch.setenv(name, str(value).lower() if isinstance(value, bool) else str(value))
    settings = Settings()
    assert {field: getattr(settings, field) for field, _ in OLD_NAMES.values()} == dict(
        OLD_NAMES.values()
    )


def test_new_limits_are_read_and_empty_variables_keep_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`PICKUP_NET_MAX_ORDERS` sets the order limit; an empty variable leaves the default."""
    monkeypatch.setenv("PICKUP_NET_MAX_ORDERS", "1234")
    monkeypatch.setenv("PICKUP_NET_RETRY_AFTER_S", "")
    settings = Settings()
    assert settings.max_orders == 1234
    assert settings.retry_after_s == Settings.model_fields["retry_after_s"].default


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"PICKUP_NET_ENVIRONMENT": "production"}, "secure_cookies: must be true"),
        ({"PICKUP_NET_DATABASE_URL": "mysql://x"}, "'mysql' is not sqlite:// or postgresql://"),
        ({"PICKUP_NET_JOB_LEASE_S": "1"}, "greater than or equal to 5"),
        ({"PICKUP_NET_MAX_ORDERS": "0"}, "greater than 0"),
        ({"PICKUP_NET_MAX_UPLOAD_BYTES": str(300 * 1024**2)}, "over max_unzipped_bytes"),
        ({"PICKUP_NET_MAX_QUEUED_PLANS_PER_PLANNER": "500"}, "over max_queued_plans 200"),
        ({"PICKUP_NET_MAX_ROUTING_TIME_LIMIT_S": "1e9"}, "less than or equal to 86400"),
    ],
)
def test_unsafe_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str
) -> None:
    """Values that would leave the server unprotected raise, naming the setting."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=expected):
        Settings()
