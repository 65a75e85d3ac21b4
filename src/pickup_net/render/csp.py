"""The Content-Security-Policy of one HTML page: its own inline scripts and styles by SHA-256.

Event-handler attributes, `javascript:` links and scripts from elsewhere never run. The hashes
trust every `<script>` element the page holds, so escaping names and ids where they are written
(`render.text_tooltip`, Jinja's autoescape) stays the first defence.
"""

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from markupsafe import escape

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
"""The OpenStreetMap base tiles of the map, the only place a page may load images from."""
TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(TILE_URL))

_INLINE = re.compile(rb"<(script|style)(?=[\s/>])([^>]*)>(.*?)</\1", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(r"<head(?=[\s>])[^>]*>", re.IGNORECASE)
_SRC = re.compile(rb"\ssrc\s*=", re.IGNORECASE)
_BASE: dict[str, tuple[str, ...]] = {
    "default-src": ("'none'",),
    "img-src": ("'self'", "data:", TILE_ORIGIN),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
    "base-uri": ("'none'",),
}


def inline_hashes(page: bytes) -> dict[str, list[str]]:
    """CSP hash sources of the inline `<script>` and `<style>` elements of `page` (UTF-8)."""
    found: dict[str, list[str]] = {"script": [], "style": []}
    for kind, attributes, text in _INLINE.findall(page):
        if kind.lower() == b"script" and _SRC.search(attributes):
            continue
        # Browsers hash the text after HTML's newline normalisation.
        text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        digest = base64.b64encode(hashlib.sha256(text).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in found[kind.lower().decode()]:
            found[kind.lower().decode()].append(source)
    return found


def content_security_policy(page: bytes, extra: Mapping[str, Sequence[str]] | None = None) -> str:
    """The policy of `page`: nothing by default, its own inline scripts and styles by hash,
    images from itself and the base tiles; `extra` adds sources per directive."""
    hashes = inline_hashes(page)
    directives = {
        **_BASE,
        "script-src": tuple(hashes["script"]),
        "style-src": tuple(hashes["style"]),
    }
    for name, sources in (extra or {}).items():
        directives[name] = (*directives.get(name, ()), *sources)
    return "; ".join(
        " ".join((name, *(sources or ("'none'",)))) for name, sources in directives.items()
    )


def with_policy_meta(page: str) -> str:
    """`page` with its policy as a `<meta>` first in `<head>`, for when it is opened as a file
    (no headers); `frame-ancestors` only works as a header, so it is left out there."""
    policy = content_security_policy(page.encode())
    policy = "; ".join(d for d in policy.split("; ") if not d.startswith("frame-ancestors"))
    head = _HEAD.search(page)
    if head is None:
        raise ValueError("the page has no <head> to put its policy in")
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">'
    return page[: head.end()] + meta + page[head.end() :]
