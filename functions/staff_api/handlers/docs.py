"""Staff API Lambda for ``/api/v1/openapi.json`` and ``/api/v1/docs``, and the problem+json 404 of any
``/api/v1`` path no other function claims.

The document merges every staff router, so this function imports them all; it is the one staff
function where that cost is paid, and only on the rare docs request (the others stay lean).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from functions.common.coldstart import cold_start

with cold_start():
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, JSONResponse

    from functions.staff_api.common.app import API_PREFIX, lambda_handler
    from functions.staff_api.common.problems import install_problem_handlers

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    install_problem_handlers(app)


@cache
def _document() -> dict[str, Any]:
    from functions.staff_api.common.docs import merged_openapi

    return merged_openapi()


@app.get(f"{API_PREFIX}/openapi.json", include_in_schema=False)
def openapi_json() -> JSONResponse:
    return JSONResponse(_document(), headers={"Cache-Control": "public, max-age=300"})


@app.get(f"{API_PREFIX}/docs", include_in_schema=False)
def docs() -> HTMLResponse:
    from functions.staff_api.common.docs import docs_html

    return HTMLResponse(docs_html(_document()), headers={"Cache-Control": "public, max-age=300"})


handler = lambda_handler(app)
