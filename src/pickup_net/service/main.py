"""Build the FastAPI app: routers, error handling, OpenAPI, and the job runner's lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from pydantic.json_schema import models_json_schema
from sqlalchemy.orm import sessionmaker

from pickup_net.domain import Scenario
from pickup_net.service import log_filter
from pickup_net.service.config import get_settings
from pickup_net.service.db import get_engine
from pickup_net.service.jobs import JobRunner
from pickup_net.service.limits import UploadSlots
from pickup_net.service.routes import health, plans, scenarios, shop, shop_page
from pickup_net.service.scenario_upload import UploadError
from pickup_net.service.schemas import StockReport
from pickup_net.service.security_headers import DOCS_ASSETS, DOCS_SOURCES, SecurityHeaders
from pickup_net.service.text_limits import RefuseNul


def create_app() -> FastAPI:
    """The pickup-net API app; its lifespan starts and stops this process's job runner. Token
    query values are masked in the access log from here on."""
    log_filter.install()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = JobRunner(sessionmaker(get_engine(), expire_on_commit=False), get_settings())
        runner.start()
        app.state.runner = runner
        try:
            yield
        finally:
            runner.stop()

    app = FastAPIOffline(
        static_url=DOCS_ASSETS,
        title="pickup-net",
        summary="Plan neighbourhood pickup networks: hub shops, stock and van routes.",
        version="0.1.0",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.upload_slots = UploadSlots(get_settings().max_concurrent_uploads)
    for module in (health, scenarios, plans, shop, shop_page):
        app.include_router(module.router)
    app.add_exception_handler(UploadError, _upload_error)
    app.add_middleware(RefuseNul)
    app.add_middleware(SecurityHeaders, extra=DOCS_SOURCES)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _operation_id(route: APIRoute) -> str:
    return route.name


async def _upload_error(_: Request, error: Exception) -> JSONResponse:
    """422 (413 for a limit) in FastAPI's own shape, each message naming the field and value."""
    assert isinstance(error, UploadError)
    kind = "limit_error" if error.status_code == 413 else "value_error"
    detail = [{"loc": loc, "msg": msg, "type": kind} for loc, msg in error.errors]
    return JSONResponse({"detail": detail}, status_code=error.status_code)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema plus the bodies read by hand: `Scenario` (`POST /scenarios`) and
    `StockReport` (`POST /shop/stock`, which also takes the shop page's form)."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            routes=app.routes,
        )
        _, definitions = models_json_schema(
            [(Scenario, "validation"), (StockReport, "validation")],
            ref_template="#/components/schemas/{model}",
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in definitions.get("$defs", {}).items():
            components.setdefault(name, definition)
        app.openapi_schema = schema
    return app.openapi_schema


app = create_app()
