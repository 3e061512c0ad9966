"""Build a staff API FastAPI app from routers, and the Lambda handler (Mangum) around it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from functions.common.asgi import lambda_handler
from functions.staff_api.common.access import module_route_gate
from functions.staff_api.common.problems import install_problem_handlers

API_PREFIX = "/api/v1"
TITLE = "Orion staff API"
DESCRIPTION = (
    "Run a store: sign in, team, catalogue, orders, content, domains and settings. The store is the "
    "host the request is sent to (`<store>.<platform domain>` or a verified custom domain); "
    "platform-wide calls go to `api.<platform domain>`. Errors are RFC 9457 problem+json."
)


def create_app(
    *routers: APIRouter, openapi: bool = False, title: str = TITLE, description: str = DESCRIPTION
) -> FastAPI:
    """An app serving ``routers`` under ``/api/v1``; the OpenAPI document only where asked (docs)."""
    app = FastAPI(
        dependencies=[Depends(module_route_gate)],
        title=title,
        version="1",
        description=description,
        openapi_url=f"{API_PREFIX}/openapi.json" if openapi else None,
        docs_url=None,
        redoc_url=None,
    )
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    return app


__all__ = ["API_PREFIX", "create_app", "lambda_handler"]
