"""Text the database can store: names and ids within their column sizes and no NUL characters
(PostgreSQL text cannot hold them), checked at the edge so that every database answers a 422
naming the field, never a PostgreSQL-only 500."""

from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from pickup_net.domain import Scenario
from pickup_net.service.db_models import ScenarioRow

NUL = "\x00"
SCENARIO_NAME_LENGTH: int = ScenarioRow.__table__.c.name.type.length  # type: ignore[attr-defined]
_MAX_REPORTED = 20

Problem = tuple[list[str | int], str]


def scenario_text_problems(scenario: Scenario, stored_json: str) -> list[Problem]:
    """What in `scenario` the database cannot store: a name over its column size, a NUL
    character in any text (looked for only when its stored JSON escapes one). Ids are short
    already (`domain.scenario.SAFE_ID`)."""
    problems: list[Problem] = []
    if len(scenario.name) > SCENARIO_NAME_LENGTH:
        problems.append(
            (
                ["body", "name"],
                f"name: {len(scenario.name)} characters (at most {SCENARIO_NAME_LENGTH})",
            )
        )
    if "\\u0000" in stored_json:
        problems.extend(nul_problems(scenario.model_dump(mode="json")))
    return problems[:_MAX_REPORTED]


def nul_problems(value: Any) -> list[Problem]:
    """Every text (or key) in a JSON-like `value` that holds a NUL character, with its place,
    e.g. `shops[3].name` (iterative, at most 20)."""
    found: list[Problem] = []
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack and len(found) < _MAX_REPORTED:
        item, place = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                where = _dotted(place)
                found.append(
                    (["body", *place], f"{where}: holds a NUL character (\\u0000), not accepted")
                )
        elif isinstance(item, dict):
            stack.extend((child, [*place, str(key)]) for key, child in reversed(item.items()))
            stack.extend((key, [*place, "(key)"]) for key in item if NUL in str(key))
        elif isinstance(item, list):
            stack.extend((child, [*place, i]) for i, child in reversed(list(enumerate(item))))
    return found


def _dotted(place: list[str | int]) -> str:
    text = ""
    for part in place:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "body"


class RefuseNul:
    """ASGI middleware answering 422 to a request whose path or query holds a NUL character
    (`%00`), before any route compares it with a database column."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query: bytes = scope.get("query_string", b"")
            where = (
                "path"
                if NUL in scope.get("path", "")
                else "query"
                if b"%00" in query or b"\x00" in query
                else None
            )
            if where is not None:
                message = f"{where}: holds a NUL character (%00), not accepted"
                detail = [{"loc": [where], "msg": message, "type": "value_error"}]
                await JSONResponse({"detail": detail}, status_code=422)(scope, receive, send)
                return
        await self.app(scope, receive, send)
