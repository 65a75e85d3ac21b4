"""A command whose optional extra is missing says which extra to install, without a traceback."""

from pathlib import Path

import pytest
from cli.runs import run_cli


@pytest.mark.parametrize(
    ("missing", "extra", "args"),
    [
        ("uvicorn", "api", ["serve"]),
        ("sqlalchemy", "api", ["token", "create", "--name", "ana"]),
        ("dask", "batch", ["batch", "sweep.yaml", "--out", "out"]),
        ("matplotlib", "batch", ["plan-city", "scenario.yaml", "--out", "out"]),
    ],
)
def test_missing_extra_names_the_install_line(
    missing: str, extra: str, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without `missing`, the command exits 1 and names `pip install 'pickup-net[extra]'`."""
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args, prelude=f"sys.modules[{missing!r}] = None")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"pip install 'pickup-net[{extra}]'" in result.stderr
    assert missing in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
