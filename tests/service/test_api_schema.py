"""Schemathesis against the served OpenAPI schema: no generated request gets a 5xx, and no
caller is refused the routes their token is for."""

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema

from service.api_helpers import Server

OWN_SHOP_ROUTES = ("/shop/assignment", "/shop/response")
FUZZ = settings(
    max_examples=10,
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="session")
def api_schema(server: Server) -> BaseSchema:
    """The OpenAPI schema as the running server serves it."""
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


@pytest.fixture(scope="session")
def shop_token(server: Server, planner_token: str, published: dict) -> str:
    """A live shop token of the published plan (re-published here, since fuzzing the planner
    routes may have re-published it and so revoked the earlier tokens)."""
    tokens = httpx.post(
        f"{server.url}/plans/{published['plan']}/publish",
        headers={"Authorization": f"Bearer {planner_token}"},
        timeout=30,
    ).json()["tokens"]
    published["tokens"] = tokens
    return tokens[-1]["token"]


ROLES = {"planner": {"exclude": "^/shop"}, "shop": {"include": "^/shop"}}


@pytest.mark.slow
@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_server_errors(
    api_schema: BaseSchema, server: Server, planner_token: str, shop_token: str, role: str
) -> None:
    """Every operation, fed schema-derived and boundary inputs with the role's token, answers
    without a 5xx; a planner is never refused, nor a shop on its own API routes."""
    token = planner_token if role == "planner" else shop_token
    schema = (
        api_schema.include(path_regex=ROLES[role]["include"])
        if role == "shop"
        else api_schema.exclude(path_regex=ROLES[role]["exclude"])
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema has no operations for this role"
    calls: list[str] = []

    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def call(case: Case) -> None:
            response = case.call(
                base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
            calls.append(f"{case.method} {case.path}")
            case.validate_response(response, checks=[not_a_server_error])
            if role == "planner" or case.path in OWN_SHOP_ROUTES:
                assert response.status_code != 401, f"{case.method} {case.path}: {response.text}"

        call()
    assert {call.split(" ", 1)[1] for call in calls} >= {op.path for op in operations}
