"""The quick commands import neither the solvers, Dask, nor the web stack."""

from pathlib import Path

import pytest
from builders import BUNDLED
from cli.runs import imported_packages, run_cli

HEAVY = {
    "dask",
    "distributed",
    "fastapi",
    "matplotlib",
    "ortools",
    "pyvrp",
    "sqlalchemy",
    "starlette",
    "statsforecast",
    "uvicorn",
}


def _top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_help_imports_only_the_command_line() -> None:
    """`pickup-net --help` lists the commands and imports no pickup_net package but the CLI (and
    the few lines that make the top-level names lazy)."""
    result = run_cli("--help", importtime=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "validate" in result.stdout and "serve" in result.stdout
    modules = imported_packages(result.stderr)
    ours = {m for m in modules if m.startswith("pickup_net.")} - {"pickup_net._lazy"}
    assert ours and all(m.startswith("pickup_net.cli") for m in ours), sorted(ours)
    assert not _top_level(modules) & (HEAVY | {"numpy", "pandas", "scipy"})


@pytest.mark.parametrize("command", ["validate", "schema"])
def test_quick_commands_skip_heavy_packages(command: str, tmp_path: Path) -> None:
    """`validate` and `schema` succeed without importing a solver, Dask or the web stack."""
    args = (
        ["validate", str(BUNDLED / "scenario.yaml"), "--cache-dir", str(tmp_path)]
        if command == "validate"
        else ["schema"]
    )
    result = run_cli(*args, importtime=True)
    assert result.returncode == 0, result.stderr[-2000:]
    expected = ": ok (" if command == "validate" else '"properties"'
    assert expected in result.stdout
    assert not _top_level(imported_packages(result.stderr)) & HEAVY


def test_validate_prints_street_warnings_as_lines(tmp_path: Path) -> None:
    """`validate` reports what the street check dropped as `warning` lines, not Python warnings."""
    result = run_cli("validate", str(BUNDLED / "scenario.yaml"), "--cache-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "warning streets:" in result.stderr
    assert "StreetDataWarning" not in result.stderr
