"""The console app: the store console's pages, the platform console's, the platform site's sign-up, the
static assets and the error pages, behind the tenant-from-host middleware (which routes each host kind
to its face's routes)."""

from __future__ import annotations

import pkgutil
from importlib import import_module
from types import ModuleType

from fastapi import FastAPI

from functions.console import pages, platform, site
from functions.console.web import FACES, TenantFromHost, install_error_pages
from orion.tenancy.models import HostKind

# Areas the platform console shares with the store console (sign-in, account, static assets).
SHARED_WITH_PLATFORM = ("auth", "static")


def _areas(package: ModuleType) -> list[str]:
    return sorted(found.name for found in pkgutil.iter_modules(package.__path__))


def create_app() -> FastAPI:
    """Every module of functions/console/pages (a store console area), functions/console/platform (a
    platform console area) and functions/console/site (the platform site's pages) has a ``router``."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    install_error_pages(app)
    for name in _areas(pages):
        app.include_router(import_module(f"{pages.__name__}.{name}").router)
    for name in SHARED_WITH_PLATFORM:
        app.include_router(import_module(f"{pages.__name__}.{name}").router, prefix=FACES[HostKind.API])
    for name in _areas(platform):
        app.include_router(import_module(f"{platform.__name__}.{name}").router, prefix=FACES[HostKind.API])
    for name in _areas(site):
        app.include_router(import_module(f"{site.__name__}.{name}").router, prefix=FACES[HostKind.PLATFORM])
    app.add_middleware(TenantFromHost)
    return app
