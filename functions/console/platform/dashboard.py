"""The platform console's dashboard ``/admin/``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from functions.console.web import SignedIn

router = APIRouter()


@router.get("/admin")
def bare(console: SignedIn) -> RedirectResponse:
    return RedirectResponse(console.url("/admin/"), status_code=308)


@router.get("/admin/")
def dashboard(console: SignedIn) -> HTMLResponse:
    console.admin()
    return console.render("platform/dashboard.html")
