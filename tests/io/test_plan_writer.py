"""Plan files land in their folder whole: stale outputs go, user files stay, bad names never."""

from pathlib import Path

import pytest
from builders import small_scenario

from pickup_net.domain import Plan
from pickup_net.io.plan_writer import OutputError, write_plan
from pickup_net.planning import plan, plan_inputs


@pytest.fixture(scope="module")
def small_plan() -> Plan:
    """One real plan of a small straight-line scenario."""
    return plan(plan_inputs(small_scenario(5)))


def test_replanning_removes_stale_shop_files_and_keeps_user_files(
    tmp_path: Path, small_plan: Plan
) -> None:
    """A shop file of an earlier plan disappears; a file the user put there survives."""
    out = tmp_path / "out"
    write_plan(small_plan, out)
    (out / "shops" / "old-shop.json").write_text("{}")
    (out / "notes.txt").write_text("mine")
    written = write_plan(small_plan, out)
    assert not (out / "shops" / "old-shop.json").exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert all(path.is_file() for path in written)
    assert {p.name for p in (out / "shops").iterdir()} == {
        f"{shop}.json" for shop in small_plan.candidate_shops
    }
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no staging folder left behind"


def test_a_name_leaving_the_folder_is_refused_and_the_earlier_plan_stays(
    tmp_path: Path, small_plan: Plan
) -> None:
    """A plan naming a shop '../../x' (built in code, past validation) writes nothing at all."""
    out = tmp_path / "out"
    write_plan(small_plan, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    hostile = small_plan.model_copy(
        update={"candidate_shops": [*small_plan.candidate_shops, "../../escaped"]}
    )
    with pytest.raises(OutputError, match="would leave the output folder"):
        write_plan(hostile, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not (tmp_path.parent / "escaped.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_out_naming_a_file_is_refused(tmp_path: Path, small_plan: Plan) -> None:
    """--out pointing at an existing file is an error naming it, and the file is untouched."""
    target = tmp_path / "plan.txt"
    target.write_text("keep")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        write_plan(small_plan, target)
    assert target.read_text() == "keep"
