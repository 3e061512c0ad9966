"""The merged OpenAPI document of every staff router, and a self-contained HTML page to browse it."""

from __future__ import annotations

import html
import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, JSONResponse

import functions.staff_api.routers as routers_package
from functions.staff_api.common.app import create_app


def all_routers() -> list[APIRouter]:
    """The ``router`` of every module in ``functions.staff_api.routers`` (new concerns show up here)."""
    found: list[APIRouter] = []
    for info in sorted(pkgutil.iter_modules(routers_package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{routers_package.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def merged_openapi() -> dict[str, Any]:
    """The OpenAPI document of an app holding every staff router (built, never served as an API)."""
    document: dict[str, Any] = create_app(*all_routers()).openapi()
    return document


def docs_html(document: dict[str, Any]) -> str:
    """Every operation with its summary, parameters and body schema; no external scripts or styles."""
    esc = html.escape
    sections: list[str] = []
    for path, operations in sorted(document.get("paths", {}).items()):
        for method, operation in operations.items():
            params = "".join(
                f"<li><code>{esc(p['name'])}</code> ({esc(p['in'])}"
                f"{', required' if p.get('required') else ''})</li>"
                for p in operation.get("parameters", [])
            )
            body = (
                operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            )
            body_html = (
                f"<p>Body: <code>{esc(str(body.get('$ref', body)).split('/')[-1])}</code></p>" if body else ""
            )
            secured = "🔒 bearer token" if operation.get("security") else "no sign-in"
            sections.append(
                f"<section><h3><code>{esc(method.upper())} {esc(path)}</code></h3>"
                f"<p>{esc(operation.get('summary', ''))} — <em>{secured}</em></p>"
                f"<p>{esc(operation.get('description', ''))}</p>"
                f"{'<ul>' + params + '</ul>' if params else ''}{body_html}</section>"
            )
    info = document.get("info", {})
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>{esc(info.get('title', 'API'))}</title>"
        "<style>body{font:15px system-ui;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "section{border-top:1px solid #ddd;padding:.5rem 0}code{background:#f4f4f4;padding:0 .2rem}</style>"
        f"<h1>{esc(info.get('title', 'API'))}</h1><p>{esc(info.get('description', ''))}</p>"
        '<p>Machine-readable: <a href="openapi.json">openapi.json</a></p>' + "".join(sections) + "</html>"
    )


def serve_docs(app: FastAPI, prefix: str, document: Callable[[], dict[str, Any]]) -> None:
    """``<prefix>/openapi.json`` and ``<prefix>/docs`` on ``app``, from ``document`` (build it once:
    it is asked on every docs request)."""
    cache_control = {"Cache-Control": "public, max-age=300"}

    @app.get(f"{prefix}/openapi.json", include_in_schema=False)
    def openapi_json() -> JSONResponse:
        return JSONResponse(document(), headers=cache_control)

    @app.get(f"{prefix}/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_html(document()), headers=cache_control)
