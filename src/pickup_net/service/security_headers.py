"""One middleware for the security headers of every response the API sends.

Every response gets `X-Content-Type-Options: nosniff`; every HTML page also gets a
Content-Security-Policy computed from the page itself (`render.csp`): its own inline scripts and
styles by SHA-256, nothing else, so the stored plan maps and the shop page share one rule.
"""

from collections.abc import Mapping, Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pickup_net.render.csp import content_security_policy

DOCS_ASSETS = "/docs-assets"
"""Where the Swagger UI and ReDoc scripts are served from this server (`fastapi-offline`), so
that /docs and /redoc work offline and load nothing from elsewhere."""
DOCS_SOURCES: dict[str, dict[str, tuple[str, ...]]] = {
    "/docs": {
        "script-src": ("'self'",),
        "style-src": ("'self'",),
        "connect-src": ("'self'",),
    },
    "/redoc": {
        "script-src": ("'self'",),
        "connect-src": ("'self'",),
        "worker-src": ("blob:",),
    },
}
"""What FastAPI's interactive documentation pages load besides their inline code, by path."""


class SecurityHeaders:
    """ASGI middleware adding `nosniff` everywhere and a page-derived CSP to HTML responses;
    `extra` adds sources per directive for the pages at given paths."""

    def __init__(
        self, app: ASGIApp, extra: Mapping[str, Mapping[str, Sequence[str]]] | None = None
    ) -> None:
        self.app = app
        self.extra = extra or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.extra.get(scope["path"], {})
        start: Message | None = None
        body: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                if not headers.get("content-type", "").startswith("text/html"):
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            page = b"".join(body)
            MutableHeaders(scope=start)["Content-Security-Policy"] = content_security_policy(
                page, extra
            )
            await send(start)
            await send({"type": "http.response.body", "body": page, "more_body": False})

        await self.app(scope, receive, send_with_headers)
