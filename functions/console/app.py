"""The console app: the store console's pages, the platform console's, the platform site's sign-up, the
static assets and the error pages, behind the tenant-from-host middleware, which routes each host kind
to its face.

Each face is its own FastAPI app, built the first time a request for it arrives: a store host's cold
start (nearly all console traffic) never imports the platform console's pages, and the reverse."""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from importlib import import_module
from types import ModuleType

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from functions.console.web import FACES, TenantFromHost, install_error_pages
from orion.tenancy.models import HostKind

# What each face serves: (package, prefix) pairs; "" is a store host's face.
STORE, PLATFORM, SITE = FACES[HostKind.STORE], FACES[HostKind.API], FACES[HostKind.PLATFORM]
# Areas the platform console shares with the store console (sign-in, account, static assets).
SHARED_WITH_PLATFORM = ("auth", "static")


def _areas(package: ModuleType) -> list[str]:
    return sorted(found.name for found in pkgutil.iter_modules(package.__path__))


def _face(prefix: str) -> FastAPI:
    """The app of one face: every module of its package has a ``router`` (functions/console/pages for a
    store host, functions/console/platform for the platform console, functions/console/site for the
    platform site), mounted under the face's routing prefix."""
    from functions.console import pages

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    install_error_pages(app)
    if prefix == STORE:
        for name in _areas(pages):
            app.include_router(import_module(f"{pages.__name__}.{name}").router)
    elif prefix == PLATFORM:
        from functions.console import platform

        for name in SHARED_WITH_PLATFORM:
            app.include_router(import_module(f"{pages.__name__}.{name}").router, prefix=prefix)
        for name in _areas(platform):
            app.include_router(import_module(f"{platform.__name__}.{name}").router, prefix=prefix)
    else:
        from functions.console import site

        for name in _areas(site):
            app.include_router(import_module(f"{site.__name__}.{name}").router, prefix=prefix)
    return app


class Faces:
    """The ASGI app behind the middleware: the face the host asked for, built on first use."""

    def __init__(self, build: Callable[[str], FastAPI], eager: tuple[str, ...] = (STORE,)) -> None:
        self._build = build
        self._apps: dict[str, FastAPI] = {prefix: build(prefix) for prefix in eager}

    def app(self, prefix: str) -> FastAPI:
        if prefix not in self._apps:
            self._apps[prefix] = self._build(prefix)
        return self._apps[prefix]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(str(scope.get("state", {}).get("face", STORE)))(scope, receive, send)


def create_app() -> TenantFromHost:
    """The console: the store face built now, the platform console and the site on their first request."""
    return TenantFromHost(Faces(_face))
