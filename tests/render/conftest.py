"""Fixtures of the renderer tests: a headless browser to open the pages in."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from render.chromium import chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for this module's tests."""
    with chromium() as launched:
        yield launched
