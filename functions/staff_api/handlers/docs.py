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

    from functions.staff_api.common.app import API_PREFIX, lambda_handler
    from functions.staff_api.common.docs import merged_openapi, serve_docs
    from functions.staff_api.common.problems import install_problem_handlers

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    install_problem_handlers(app)


@cache
def _document() -> dict[str, Any]:
    return merged_openapi()


serve_docs(app, API_PREFIX, _document)
handler = lambda_handler(app)
