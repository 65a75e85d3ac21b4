"""Tokens and CSRF: 32 random bytes shown once, stored as SHA-256 digests, valid until revoked
or until their expiry time.

The shop page keeps the shop token in an HttpOnly cookie; its forms carry a CSRF value derived
from that token, which a page on another site can neither read nor compute.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from pickup_net.service.db_models import ApiToken

SHOP_COOKIE = "pickup_net_shop"
Role = Literal["planner", "shop"]
NAME_LENGTH: int = ApiToken.__table__.c.name.type.length  # type: ignore[attr-defined]
"""The longest token name the database holds; longer names (hub names) are clipped."""


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
    expires_at: float | None = None,
) -> str:
    """Store a new token's digest and return the token itself (the only time it is seen).

    `name` is a label: clipped to `NAME_LENGTH` characters, NUL characters dropped. The token
    stops working at `expires_at` (UNIX seconds; None: never). The caller commits the session.
    """
    token = new_token()
    label = name.replace("\0", "")
    if len(label) > NAME_LENGTH:
        label = label[: NAME_LENGTH - 1] + "…"
    session.add(
        ApiToken(
            digest=token_digest(token),
            role=role,
            name=label,
            plan_id=plan_id,
            shop_id=shop_id,
            created_at=time.time(),
            expires_at=expires_at,
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
).where(
    ApiToken.digest == bindparam("digest"),
    ApiToken.revoked_at.is_(None),
    ApiToken.expires_at.is_(None) | (ApiToken.expires_at > bindparam("now")),
)
_EXPIRY = select(ApiToken.expires_at).where(
    ApiToken.digest == bindparam("digest"), ApiToken.revoked_at.is_(None)
)


def find_token(session: Session, token: str) -> Caller | None:
    """The holder of the live (neither revoked nor expired) token `token`, or None (one indexed
    lookup)."""
    if not token or len(token) > 200:
        return None
    row = session.execute(_LOOKUP, {"digest": token_digest(token), "now": time.time()}).first()
    return None if row is None else Caller(*row)


def refusal(session: Session, token: str) -> str:
    """Why `find_token` found no live token: expired (and when), or unknown or revoked."""
    expired = None
    if token and len(token) <= 200:
        expired = session.scalar(_EXPIRY, {"digest": token_digest(token)})
    if expired is None:
        return "unknown or revoked token"
    when = datetime.fromtimestamp(expired, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"token expired on {when}; ask the planner for a new one"


def csrf_value(token: str) -> str:
    """The CSRF value that the shop page's forms must send back for this cookie token."""
    return hashlib.sha256(b"pickup-net csrf\0" + token.encode("utf-8")).hexdigest()


def csrf_matches(token: str, given: str) -> bool:
    """Whether `given` is the CSRF value of `token` (constant-time comparison)."""
    return hmac.compare_digest(csrf_value(token).encode(), (given or "").encode("utf-8"))
