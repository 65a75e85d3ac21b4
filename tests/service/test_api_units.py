"""Invariants of the API's building blocks, checked in-process with generated inputs."""

import io
import zipfile
from pathlib import Path

import pytest
from builders import small_scenario
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pickup_net.io.scenario_writer import write_scenario
from pickup_net.service.scenario_upload import UploadError, _location, scenario_from_zip
from pickup_net.service.schemas import ShopAnswer
from pickup_net.service.security import csrf_matches, csrf_value, new_token, token_digest

segment = st.text(alphabet="abcXYZ019_-", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    before=st.lists(segment, max_size=3),
    after=st.lists(segment, min_size=1, max_size=3),
    absolute=st.booleans(),
)
def test_zip_entries_that_climb_out_are_always_refused(
    before: list[str], after: list[str], absolute: bool
) -> None:
    """Any entry name with a `..` part, or an absolute one, is refused before unpacking."""
    name = "/".join([*before, "..", *after])
    name = "/" + name if absolute else name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scenario.yaml", "name: x\n")
        archive.writestr(name, "x")
    with pytest.raises(UploadError, match="escapes the scenario folder"):
        scenario_from_zip(buffer.getvalue(), 10_000_000, 10)


@given(
    table=st.sampled_from(["shops", "orders", "products"]),
    index=st.integers(0, 10_000),
    field=st.sampled_from(["lon", "lat", "id", "storage_liters"]),
)
def test_error_locations_follow_the_field_path(table: str, index: int, field: str) -> None:
    """`shops[12].lon: ...` becomes the location ["body", "shops", 12, "lon"]."""
    line = f"{table}[{index}].{field}: 190.0 is not a longitude"
    assert _location(line) == ["body", table, index, field]


@settings(max_examples=30)
@given(st.data())
def test_tokens_are_random_and_csrf_values_bound_to_them(data: st.DataObject) -> None:
    """Tokens are 32 random bytes (43 characters); each CSRF value matches only its own token."""
    first, second = new_token(), new_token()
    assert len(first) == len(second) == 43 and first != second
    assert len(token_digest(first)) == 64 and token_digest(first) != token_digest(second)
    assert csrf_matches(first, csrf_value(first))
    assert not csrf_matches(second, csrf_value(first))
    assert not csrf_matches(first, data.draw(st.text(max_size=80)))  # any text, no error


@given(reason=st.text(alphabet=" \t\nabcñé", max_size=50), storage=st.none() | st.floats(0.5, 1e5))
def test_a_decline_always_says_why(reason: str, storage: float | None) -> None:
    """A decline is accepted exactly when it carries a reason or a storage figure."""
    explained = bool(reason.strip()) or storage is not None
    try:
        ShopAnswer(decision="decline", reason=reason, storage_liters=storage)
    except ValidationError:
        assert not explained
    else:
        assert explained


def test_zip_rows_past_their_limit_are_refused_with_413(tmp_path: Path) -> None:
    """Reading a zipped table stops at its row limit with a 413 naming the table and limit."""
    scenario = small_scenario(seed=2, n_customers=10, n_shops=3, days=5)
    write_scenario(scenario, tmp_path / "folder")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (tmp_path / "folder").iterdir():
            archive.write(path, path.name)
    limit = len(scenario.orders) - 1
    with pytest.raises(UploadError) as refused:
        scenario_from_zip(buffer.getvalue(), 10_000_000, 10, {"orders": limit})
    assert refused.value.status_code == 413
    assert refused.value.errors == [
        (
            ["body", "file", "orders"],
            f"orders.csv: orders: more than {limit} rows (the limit is {limit})",
        )
    ]
    accepted = scenario_from_zip(buffer.getvalue(), 10_000_000, 10, {"orders": limit + 1})
    assert len(accepted.scenario.orders) == len(scenario.orders)
