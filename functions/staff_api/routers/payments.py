"""``/api/v1/payments/stripe``: connect the store's own Stripe account (keys write-only, shown masked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, Field

from functions.staff_api.common.access import record_audit, require
from orion.identity.models import StaffAccess
from orion.payments import connection
from orion.payments.connection import StripeKeys

router = APIRouter(tags=["payments"])

Manage = Annotated[StaffAccess, Depends(require("payments.manage"))]


class StripeConnectionView(BaseModel):
    connected: bool
    secret_key: str | None = Field(default=None, description="masked: sk_test_…1234")
    webhook_secret: str | None = Field(default=None, description="masked: whsec_…abcd")
    publishable_key: str | None = None


def _view(found: connection.StripeConnection) -> StripeConnectionView:
    return StripeConnectionView(**found.as_dict())


@router.get("/payments/stripe", summary="Whether the store's Stripe account is connected (keys masked)")
def get_stripe(access: Manage) -> StripeConnectionView:
    return _view(connection.get_connection(access.tenant))


@router.put(
    "/payments/stripe",
    summary="Connect the store's Stripe account: the keys are checked with a call to Stripe, then kept",
    responses={422: {"description": "a key of the wrong shape, or one Stripe refuses"}},
)
def put_stripe(body: StripeKeys, request: Request, access: Manage) -> StripeConnectionView:
    connected = connection.connect(access.tenant, body)
    record_audit(request, access, "payments.stripe.connect", f"store:{access.tenant.store}")
    return _view(connected)


@router.delete(
    "/payments/stripe",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Disconnect the store's Stripe account",
)
def delete_stripe(request: Request, access: Manage) -> Response:
    connection.disconnect(access.tenant)
    record_audit(request, access, "payments.stripe.disconnect", f"store:{access.tenant.store}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
