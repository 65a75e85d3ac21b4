"""Shared fixtures: the bundled scenario's folder (small scenarios come from `builders`)."""

import shutil
from pathlib import Path

import pytest
from builders import BUNDLED


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled scenario folder; returns its scenario.yaml."""
    target = tmp_path / "fontibon"
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns("*.py"))
    return target / "scenario.yaml"
