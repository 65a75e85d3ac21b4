"""The body of `POST /shop/stock`: the shop page's form or a JSON report, read within a size
limit before anything else, and how the OpenAPI schema describes both."""

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request, status
from starlette.datastructures import FormData
from starlette.types import Message

from pickup_net.service.json_body import JsonBodyError, parse_json
from pickup_net.service.schemas import MAX_REPORT_LINES

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
"""Content types of the shop page's forms."""


@dataclass(frozen=True)
class StockBody:
    """The body of a stock report as sent: the shop page's form, or JSON (parsed, or why not)."""

    form: FormData | None = None
    data: Any = None
    error: str | None = None


MAX_STOCK_BODY_BYTES = 512 * 1024
"""Largest stock report body: 500 lines with 200-character product ids fit with room to spare."""


async def stock_body(request: Request) -> StockBody:
    """Read the body (413 past `MAX_STOCK_BODY_BYTES`) as the page's form or as JSON; its
    content is checked only after the caller is known."""
    body = await _bounded_body(request, MAX_STOCK_BODY_BYTES)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() in FORM_TYPES:

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        form = Request(request.scope, replay).form(max_files=0, max_fields=3 * MAX_REPORT_LINES + 8)
        return StockBody(form=await form)
    try:
        return StockBody(data=parse_json(body))
    except JsonBodyError as error:
        return StockBody(error=str(error))


async def _bounded_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes."""
    too_large = HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE, f"body: over the {limit}-byte limit of a report"
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


STOCK_BODY_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/StockReport"}},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "description": "The shop page's form: the shop cookie and its CSRF value; "
                    "one `product_id`, `units` and `handed_over_units` per product line.",
                    "properties": {
                        "csrf": {"type": "string"},
                        "lang": {"type": "string", "enum": ["es", "en"]},
                        "product_id": {"type": "array", "items": {"type": "string"}},
                        "units": {"type": "array", "items": {"type": "string"}},
                        "handed_over_units": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["csrf"],
                }
            },
        },
    }
}
