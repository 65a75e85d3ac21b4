"""Leaflet's stylesheet and script, shipped as package data, read once per process."""

from functools import cache
from importlib import resources


@cache
def leaflet_assets() -> tuple[str, str]:
    """(leaflet.css, leaflet.js), inlined into every map so that it works offline."""
    static = resources.files("pickup_net.io") / "static" / "leaflet"
    return (static / "leaflet.css").read_text(), (static / "leaflet.js").read_text()
