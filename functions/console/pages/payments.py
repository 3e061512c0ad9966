"""Payments ``/admin/settings/payments``: connect the store's own Stripe account (orion.payments): the keys
are checked with a call to Stripe, kept in Secrets Manager and only ever shown masked."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from functions.common import edge
from functions.console import auditing
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.errors import Invalid
from orion.payments import connection
from orion.payments.connection import StripeKeys
from orion.payments.errors import PaymentServiceUnreachable

router = APIRouter()
PATH = "/admin/settings/payments"


def _page(
    console: Console,
    status: int = 200,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    found = connection.get_connection(console.resolved.tenant)
    headers = console.request.headers
    origin = f"{edge.viewer_scheme(headers)}://{edge.viewer_host(headers) or ''}"
    return console.render(
        "payments.html",
        status,
        stripe=found,
        # Where Stripe sends this store's events (its host, as staff reached the console).
        webhook_url=origin + console.url("/payments/stripe/webhook"),
        errors=errors or {},
        message=message,
        values=values or {},
    )


@router.get(PATH)
def show(console: SignedIn) -> HTMLResponse:
    console.need("payments.manage")
    return _page(console)


@router.post(PATH)
def save(console: Posted) -> Response:
    access = console.need("payments.manage")
    form = console.form
    values = {"publishable_key": form.get("publishable_key").strip()}
    retry = console._("Please correct the fields marked below.")
    try:
        keys = StripeKeys(
            secret_key=form.get("secret_key"),
            webhook_secret=form.get("webhook_secret"),
            publishable_key=values["publishable_key"],
        )
        connection.connect(access.tenant, keys)
    except ValidationError:
        errors = {
            "secret_key": console._(
                "Enter the secret key from your Stripe dashboard (sk_live_… or sk_test_…)."
            ),
            "webhook_secret": console._("Enter the webhook signing secret (whsec_…)."),
        }
        return _page(console, 422, errors, retry, values)
    except Invalid as exc:
        errors = {name: console._(text) for name, text in field_errors(exc).items()}
        return _page(console, 422, errors, retry, values)
    except PaymentServiceUnreachable:
        return _page(
            console, 503, {}, console._("Stripe could not be reached; try again in a moment."), values
        )
    auditing.record(console, "payments.stripe.connect", f"store:{access.tenant.store}")
    return console.redirect(PATH, "Stripe connected: your shop takes cards.")


@router.post(PATH + "/disconnect")
def disconnect(console: Posted) -> Response:
    access = console.need("payments.manage")
    connection.disconnect(access.tenant)
    auditing.record(console, "payments.stripe.disconnect", f"store:{access.tenant.store}")
    return console.redirect(PATH, "Stripe disconnected: your shop no longer takes cards.")
