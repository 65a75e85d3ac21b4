"""Parse JSON request bodies within bounds: nesting depth and number length are limited, so a
body nested 100,000 deep or a 5,000-digit number gets a 422 naming the problem, never a 500."""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response, status
from fastapi.routing import APIRoute

MAX_DEPTH = 32
"""Most nested arrays and objects a body may hold (a scenario needs about six)."""
MAX_NUMBER_CHARS = 64
"""Most characters of one JSON number (a float's 17 digits and exponent fit many times over)."""


class JsonBodyError(ValueError):
    """A body that is not JSON or is outside the bounds; the message names the problem."""


def _number(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise JsonBodyError(
                f"body: a number of {len(text)} characters ({text[:12]}…) is over the "
                f"{MAX_NUMBER_CHARS}-character limit"
            )
        return convert(text)

    return parse


_parse_int = _number(int)
_parse_float = _number(float)


def parse_json(body: bytes | str) -> Any:
    """The JSON value of `body`, nested at most `MAX_DEPTH` deep, numbers of at most
    `MAX_NUMBER_CHARS` characters.

    Raises
    ------
    JsonBodyError
        For text that is not JSON, a number too long, or nesting too deep (before the parser's
        own recursion limit or after it).
    """
    too_deep = JsonBodyError(f"body: JSON nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(body, parse_int=_parse_int, parse_float=_parse_float)
    except RecursionError:
        raise too_deep from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise JsonBodyError(f"body: not valid JSON ({error})") from None
    if _depth_over(value, MAX_DEPTH):
        raise too_deep
    return value


def _depth_over(value: Any, limit: int) -> bool:
    """Whether `value` nests arrays and objects more than `limit` deep (iterative, no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


class BoundedJsonRequest(Request):
    """A request whose `json()` uses `parse_json`: 422 in FastAPI's error shape when out of
    bounds."""

    async def json(self) -> Any:
        """The body's JSON value, parsed once."""
        if not hasattr(self, "_json"):
            try:
                self._json = parse_json(await self.body())
            except JsonBodyError as error:
                detail = [{"loc": ["body"], "msg": str(error), "type": "value_error"}]
                raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail) from None
        return self._json


class BoundedJsonRoute(APIRoute):
    """A route that reads JSON bodies with `BoundedJsonRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, given the bounded request."""
        handler = super().get_route_handler()

        async def bounded(request: Request) -> Response:
            return await handler(BoundedJsonRequest(request.scope, request.receive))

        return bounded
