"""Typed dependencies so that routes read like plain functions: the session, the caller's role."""

from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from pickup_net.service.config import Settings, get_settings
from pickup_net.service.db import get_session
from pickup_net.service.security import SHOP_COOKIE, Caller, find_token, refusal

SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

_bearer = HTTPBearer(auto_error=False, description="A planner token or a shop token.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
T = TypeVar("T")


def found(value: T | None, message: str) -> T:
    """`value`, or a 404 saying `message` when there is none (the routes' one 404)."""
    if value is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, message)
    return value


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"}
    )


def current_token(session: SessionDep, credentials: BearerDep) -> Caller:
    """The caller's token from `Authorization: Bearer`; 401 when missing, unknown, revoked or
    expired (the message says which)."""
    if credentials is None:
        raise _unauthorized("missing token: send 'Authorization: Bearer <token>'")
    row = find_token(session, credentials.credentials)
    if row is None:
        raise _unauthorized(refusal(session, credentials.credentials))
    return row


def current_planner(token: Annotated[Caller, Depends(current_token)]) -> Caller:
    """The caller, who must hold a planner token (403 for a shop token)."""
    if token.role != "planner":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this route needs a planner token")
    return token


def current_shop(
    request: Request, session: SessionDep, credentials: BearerDep
) -> tuple[Caller, str]:
    """The caller's shop token (bearer header, else the shop page cookie) and the raw token.

    401 when missing or unknown, 403 for a planner token.
    """
    raw = credentials.credentials if credentials else request.cookies.get(SHOP_COOKIE, "")
    if not raw:
        raise _unauthorized("missing token: send 'Authorization: Bearer <shop token>'")
    row = find_token(session, raw)
    if row is None:
        raise _unauthorized(refusal(session, raw))
    if row.role != "shop" or row.plan_id is None or row.shop_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this route needs a shop token")
    return row, raw


PlannerDep = Annotated[Caller, Depends(current_planner)]
ShopDep = Annotated[tuple[Caller, str], Depends(current_shop)]
