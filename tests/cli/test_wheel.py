"""The built wheel carries its package data and plans from an installed, non-editable copy."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from builders import ROOT, small_scenario

from pickup_net.io.scenario_writer import write_scenario

DATA_FILES = [
    "pickup_net/__init__.py",
    "pickup_net/py.typed",
    "pickup_net/io/static/leaflet/leaflet.js",
    "pickup_net/io/static/leaflet/leaflet.css",
    "pickup_net/io/static/leaflet/LICENSE",
    "pickup_net/service/templates/shop.html",
    "pickup_net/service/migrations/env.py",
    "pickup_net/service/migrations/script.py.mako",
    "pickup_net/service/migrations/versions/0001_baseline.py",
    "pickup_net/service/migrations/versions/0002_stored_bytes.py",
]

CHECK_INSTALLED = """
import sys
from importlib import resources
import pickup_net
assert pickup_net.__file__.startswith(sys.argv[1]), pickup_net.__file__
assert resources.files("pickup_net.service").joinpath("templates/shop.html").is_file()
"""


CORE_ONLY = """
import runpy, sys
for name in ("fastapi", "uvicorn", "sqlalchemy", "dask", "distributed", "matplotlib", "psycopg"):
    sys.modules[name] = None  # the extras are not needed to plan
sys.argv = ["pickup-net", *sys.argv[1:]]
runpy.run_module("pickup_net.cli", run_name="__main__")
"""


@pytest.mark.slow
def test_wheel_holds_package_data_and_plans_when_installed(tmp_path: Path) -> None:
    """The wheel lists the Leaflet assets and templates; installed, its `pickup-net plan` (no
    extras importable) writes a map.html with Leaflet inlined, and its script answers `--help`."""
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", tmp_path / "dist", tree],
        check=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("pickup_net-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [f for f in DATA_FILES if f not in names]

    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", site, wheel], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    subprocess.run([sys.executable, "-c", CHECK_INSTALLED, str(site)], env=env, check=True)
    scenario = write_scenario(small_scenario(n_customers=12, n_shops=3, days=14), tmp_path / "sc")
    out = tmp_path / "out"
    args = ["plan", str(scenario), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    subprocess.run([sys.executable, "-c", CORE_ONLY, *args], env=env, check=True, timeout=300)
    script = subprocess.run(
        [site / "bin" / "pickup-net", "--help"], env=env, check=True, capture_output=True, text=True
    )
    assert "plan" in script.stdout
    leaflet = (ROOT / "src/pickup_net/io/static/leaflet/leaflet.js").read_text()
    assert leaflet in (out / "map.html").read_text()
