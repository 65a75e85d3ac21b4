"""Debian's Chromium driven by Playwright, shared by the tests that open pages in a browser."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TILE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c633873f7dd7f0008a7039729e215870000000049454e44ae426082"
)
"""A 1x1 PNG served in place of every OpenStreetMap tile, so tests never go online."""


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium (skips the test when absent, except under CI=true, where it fails)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but Chromium is missing (install Debian's chromium package)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


OPEN_TOOLTIPS = """() => {
    const map = window[document.querySelector('.folium-map').id];
    map.eachLayer(layer => { if (layer.getTooltip && layer.getTooltip()) layer.openTooltip(); });
    return [...document.querySelectorAll('.leaflet-tooltip')].map(e => e.textContent.trim());
}"""
"""Script that opens every tooltip of the folium map and returns their texts."""

WATCH = """() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation',
        e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
}"""
"""Init script that records Content-Security-Policy violations in `window.__violations`."""
