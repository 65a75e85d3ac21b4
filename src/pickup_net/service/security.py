"""Tokens and CSRF: 32 random bytes shown once, stored as SHA-256 digests.

The shop page keeps the shop token in an HttpOnly cookie; its forms carry a CSRF value derived
from that token, which a page on another site can neither read nor compute.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from pickup_net.service.db_models import ApiToken

SHOP_COOKIE = "pickup_net_shop"
Role = Literal["planner", "shop"]


def new_token() -> str:
    """A fresh bearer token: 32 random bytes, URL-safe base64."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    role: Role,
    name: str,
    plan_id: str | None = None,
    shop_id: str | None = None,
) -> str:
    """Store a new token's digest and return the token itself (the only time it is seen).

    The caller commits the session.
    """
    token = new_token()
    session.add(
        ApiToken(
            digest=token_digest(token),
            role=role,
            name=name,
            plan_id=plan_id,
            shop_id=shop_id,
            created_at=time.time(),
        )
    )
    return token


@dataclass(frozen=True)
class Caller:
    """Who holds a live token: its role, and for a shop token its plan and shop."""

    token_id: int
    role: str
    name: str
    plan_id: str | None
    shop_id: str | None


_LOOKUP = select(
    ApiToken.id, ApiToken.role, ApiToken.name, ApiToken.plan_id, ApiToken.shop_id
).where(ApiToken.digest == bindparam("digest"), ApiToken.revoked_at.is_(None))


def find_token(session: Session, token: str) -> Caller | None:
    """The holder of the live (not revoked) token `token`, or None (one indexed lookup)."""
    if not token or len(token) > 200:
        return None
    row = session.execute(_LOOKUP, {"digest": token_digest(token)}).first()
    return None if row is None else Caller(*row)


def csrf_value(token: str) -> str:
    """The CSRF value that the shop page's forms must send back for this cookie token."""
    return hashlib.sha256(b"pickup-net csrf\0" + token.encode("utf-8")).hexdigest()


def csrf_matches(token: str, given: str) -> bool:
    """Whether `given` is the CSRF value of `token` (constant-time comparison)."""
    return hmac.compare_digest(csrf_value(token).encode(), (given or "").encode("utf-8"))
