"""The console app: its pages, the static assets and the error pages, behind the store-from-host
middleware."""

from __future__ import annotations

import pkgutil
from importlib import import_module

from fastapi import FastAPI

from functions.console import pages
from functions.console.web import TenantFromHost, install_error_pages


def create_app() -> FastAPI:
    """Every module of functions/console/pages is one area of the console with a ``router``."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    install_error_pages(app)
    for found in sorted(pkgutil.iter_modules(pages.__path__), key=lambda m: m.name):
        app.include_router(import_module(f"{pages.__name__}.{found.name}").router)
    app.add_middleware(TenantFromHost)
    return app
