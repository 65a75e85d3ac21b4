"""Write a plan's files into its output folder all at once: complete, or not at all."""

import shutil
import tempfile
from pathlib import Path, PurePosixPath

from pickup_net.domain import Plan, Scenario
from pickup_net.render.plan_files import plan_files


class OutputError(ValueError):
    """The output folder cannot take the plan (it is a file, or a name would leave it)."""


def write_plan(plan: Plan, out_dir: Path, scenario: Scenario | None = None) -> list[Path]:
    """Write every output file of `plan` into `out_dir`, replacing an earlier plan there.

    The files are written to a temporary folder beside `out_dir` and swapped in when complete,
    so a failure leaves the earlier plan untouched and no stale file of it (an old shop's view)
    survives a success. Other contents of `out_dir` are kept. `scenario` (when given) adds
    product names and litres to the shop files. Returns the paths written.
    """
    out_dir = Path(out_dir)
    check_output_folder(out_dir)
    files = plan_files(plan, scenario)
    for name in files:
        _check_name(name)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if out_dir.exists():
            _carry_over(out_dir, staging, {PurePosixPath(n).parts[0] for n in files})
            retired = out_dir.with_name(f"{staging.name}-old")
            out_dir.rename(retired)
            staging.rename(out_dir)
            shutil.rmtree(retired)
        else:
            staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out_dir / name for name in files]


def check_output_folder(out_dir: Path) -> None:
    """Refuse an output folder that is a file, before any work is spent on the plan."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--out: {out_dir} is a file, not a folder")


def _check_name(name: str) -> None:
    """Refuse a file name that could leave the output folder (ids are checked at the edge too)."""
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise OutputError(f"plan file name {name!r} would leave the output folder")


def _carry_over(old: Path, new: Path, ours: set[str]) -> None:
    """Move what the user keeps in the output folder (anything not a plan output) to `new`."""
    for entry in old.iterdir():
        if entry.name not in ours:
            entry.rename(new / entry.name)
