"""Every error of the staff API as RFC 9457 problem+json, including FastAPI's own 404/405/422."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from orion.errors import (
    BadRequest,
    FieldError,
    Invalid,
    NotFound,
    OrionError,
    TooManyRequests,
    Unauthorized,
    problem_details,
)
from orion.observability import logger

PROBLEM_JSON = "application/problem+json"


class MethodNotAllowed(OrionError):
    status = 405
    title = "Method not allowed"
    code = "method-not-allowed"


class UnsupportedMediaType(OrionError):
    status = 415
    title = "Unsupported media type"
    code = "unsupported-media-type"


_FRAMEWORK_ERRORS: dict[int, type[OrionError]] = {
    404: NotFound,
    405: MethodNotAllowed,
    415: UnsupportedMediaType,
}


def problem_response(request: Request, error: OrionError) -> JSONResponse:
    headers: dict[str, str] = {"Cache-Control": "no-store"}
    if isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="orion"'
    if isinstance(error, TooManyRequests) and "retry_after" in error.extra:
        headers["Retry-After"] = str(error.extra["retry_after"])
    body = problem_details(error, instance=request.url.path)
    return JSONResponse(body, status_code=error.status, media_type=PROBLEM_JSON, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        where, rest = parts[0], parts[1:]
        return f"{where}.{'.'.join(rest)}" if rest else where
    return ".".join(parts)


async def _orion_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, OrionError)
    return problem_response(request, error)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    fields = [FieldError(_location(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in error.errors()]
    return problem_response(request, Invalid("The request is not valid.", errors=fields))


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    kind = _FRAMEWORK_ERRORS.get(error.status_code, BadRequest)
    detail = "No such resource." if kind is NotFound else str(error.detail or kind.title)
    response = problem_response(request, kind(detail))
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unexpected staff API error")
    return problem_response(request, OrionError("Something went wrong; please try again."))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OrionError, _orion_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
