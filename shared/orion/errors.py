"""Domain exceptions. Each adapter maps them to HTTP once (problem+json for APIs, a page for shoppers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Self


@dataclass(frozen=True)
class FieldError:
    """One invalid input field: where it is and what is wrong with it."""

    field: str
    message: str


@dataclass
class OrionError(Exception):
    """Base of every error Orion expects; ``status`` is the HTTP status an adapter should answer."""

    detail: str = ""
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # For people: ``detail`` as an English template and its values, so a page can translate it
    # (``detail`` is the template filled in, for logs and APIs).
    template: str = ""
    params: dict[str, str] = field(default_factory=dict)

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"
    code: ClassVar[str] = "internal-error"

    def __str__(self) -> str:
        return self.detail or self.title

    @classmethod
    def worded(cls, template: str, /, *, extra: dict[str, Any] | None = None, **params: object) -> Self:
        """This error saying ``template`` (English, with ``{placeholders}``) filled in with ``params``:
        ``detail`` is the filled-in sentence (logs and APIs read it unchanged), and the template and
        its values stay beside it so a page can say it in its reader's language."""
        values = {name: str(value) for name, value in params.items()}
        return cls(template.format(**values), extra=dict(extra or {}), template=template, params=values)


class Invalid(OrionError):
    status = 422
    title = "Invalid input"
    code = "invalid-input"


class BadRequest(OrionError):
    status = 400
    title = "Bad request"
    code = "bad-request"


class Unauthorized(OrionError):
    status = 401
    title = "Not authenticated"
    code = "not-authenticated"


class Forbidden(OrionError):
    status = 403
    title = "Forbidden"
    code = "forbidden"


class NotFound(OrionError):
    status = 404
    title = "Not found"
    code = "not-found"


class Gone(OrionError):
    status = 410
    title = "Gone"
    code = "gone"


class Conflict(OrionError):
    status = 409
    title = "Conflict"
    code = "conflict"


class LimitExceeded(Conflict):
    """A tier or quota limit would be exceeded; ``extra`` names the limit."""

    title = "Limit exceeded"
    code = "limit-exceeded"


class TooManyRequests(OrionError):
    status = 429
    title = "Too many requests"
    code = "too-many-requests"


def problem_details(error: OrionError, instance: str | None = None) -> dict[str, Any]:
    """The RFC 9457 problem+json body for an error."""
    body: dict[str, Any] = {
        "type": f"https://orion.dev/problems/{error.code}",
        "title": error.title,
        "status": error.status,
        "detail": str(error),
    }
    if instance:
        body["instance"] = instance
    if error.errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
    body.update(error.extra)
    return body
