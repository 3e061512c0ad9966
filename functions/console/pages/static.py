"""The console's own CSS and JavaScript, under a content-versioned URL cached for a year."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from functions.console.web import STATIC, asset_version
from orion.errors import NotFound

router = APIRouter()
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


@router.get("/admin/static/{version}/{name}")
def asset(version: str, name: str) -> Response:
    path = STATIC / name
    if version != asset_version() or "/" in name or name.startswith(".") or not path.is_file():
        raise NotFound("No such file.")
    return Response(
        path.read_bytes(),
        media_type=TYPES.get(path.suffix, "application/octet-stream"),
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
