"""Liveness: the server answers and its database can be queried."""

from fastapi import APIRouter
from sqlalchemy import text

from pickup_net.service.deps import SessionDep
from pickup_net.service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(session: SessionDep) -> Health:
    """Answer ok when the database answers a trivial query."""
    session.execute(text("SELECT 1"))
    return Health(database=session.get_bind().dialect.name)
