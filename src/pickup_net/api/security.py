"""Tokens and CSRF: 32 random bytes shown once, stored as SHA-256 digests.

The shop page keeps the shop token in an HttpOnly cookie; its forms carry a CSRF value derived
from that token, which a page on another site can neither read nor compute.
"""

import hashlib
import hmac
import secrets
import time
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_net.api.db_models import ApiToken

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


def find_token(session: Session, token: str) -> ApiToken | None:
    """The live (not revoked) token row matching `token`, or None."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.digest == token_digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    return row


def csrf_value(token: str) -> str:
    """The CSRF value that the shop page's forms must send back for this cookie token."""
    return hashlib.sha256(b"pickup-net csrf\0" + token.encode("utf-8")).hexdigest()


def csrf_matches(token: str, given: str) -> bool:
    """Whether `given` is the CSRF value of `token` (constant-time comparison)."""
    return hmac.compare_digest(csrf_value(token), given or "")
