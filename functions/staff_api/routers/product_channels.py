"""``/api/v1/products/{id}/channels``: where one product is published (its records across the store's
integrations). Served by the catalogue's function, which owns the /api/v1/products routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from functions.staff_api.common.access import require
from orion.channels import service as channels
from orion.channels.models import ChannelPlatform, PublishRecord
from orion.identity.models import StaffAccess

router = APIRouter(tags=["channels"])

View = Annotated[StaffAccess, Depends(require("channels.view"))]


class ProductChannelOut(BaseModel):
    integration_id: str
    integration_name: str
    platform: ChannelPlatform
    record: PublishRecord


class ProductChannels(BaseModel):
    channels: list[ProductChannelOut]


@router.get(
    "/products/{product_id}/channels", summary="Where a product is published: its records per integration"
)
def product_channels(
    product_id: Annotated[str, Path(max_length=40, description="the product's id")], access: View
) -> ProductChannels:
    found = channels.product_records(access.tenant, product_id)
    return ProductChannels(
        channels=[
            ProductChannelOut(
                integration_id=integration.id,
                integration_name=integration.name,
                platform=integration.platform,
                record=record,
            )
            for integration, record in found
        ]
    )
