"""``/api/v1/admin/tiers``: the subscription tiers and their limits."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from functions.admin_api.access import Admin
from orion.tenancy.models import Tier
from orion.tenancy.tiers import LIMIT_DESCRIPTIONS, PLANS

router = APIRouter(prefix="/admin", tags=["admin"])


class TierOut(BaseModel):
    code: Tier
    name: str
    limits: dict[str, int | None]
    descriptions: dict[str, str]


@router.get("/tiers", summary="Subscription tiers and their limits (null = unlimited)")
def list_tiers(admin: Admin) -> list[TierOut]:
    return [
        TierOut(
            code=plan.tier,
            name=plan.name,
            limits={limit.value: value for limit, value in plan.limits.items()},
            descriptions={limit.value: text for limit, text in LIMIT_DESCRIPTIONS.items()},
        )
        for plan in PLANS.values()
    ]
