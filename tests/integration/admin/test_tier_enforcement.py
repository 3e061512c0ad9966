"""The tier's staff seats and imports per day are enforced where the resource is created (409 naming
the limit), and an upgrade lifts them."""

from __future__ import annotations

from orion.tenancy import stores
from orion.tenancy.models import Tier
from orion.tenant import Tenant
from tests.staff import BAKERY, ApiResponse, call, token_of

OMS = Tenant("oms")


def invite(token: str, email: str) -> ApiResponse:
    return call(
        "POST", "/api/v1/team/invitations", host=BAKERY, token=token, body={"email": email, "role": "editor"}
    )


def start_import(token: str) -> ApiResponse:
    return call("POST", "/api/v1/imports", host=BAKERY, token=token, body={"file_name": "feed.tsv"})


def test_an_essential_store_has_two_staff_seats_members_and_invitations_alike(demo: list[str]) -> None:
    # given the Essential bakery with its owner (one seat taken)
    owner = token_of("bakery-owner", BAKERY)
    assert stores.get_store(OMS, "bakery").tier is Tier.ESSENTIAL
    # when the owner invites a first editor, that fills the second seat
    assert invite(owner, "first@bakery.lu").status == 201
    # then a second invitation is refused, naming the limit
    refused = invite(owner, "second@bakery.lu")
    assert refused.status == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["limit"] == "staff_seats"
    # and once the store is upgraded to Professional, the invitation goes out
    stores.change_tier(OMS, "bakery", Tier.PROFESSIONAL)
    assert invite(owner, "second@bakery.lu").status == 201


def test_a_revoked_invitation_gives_its_seat_back(demo: list[str]) -> None:
    owner = token_of("bakery-owner", BAKERY)
    first = invite(owner, "first@bakery.lu")
    assert first.status == 201
    invitation_id = first.json()["id"]
    revoked = call("DELETE", f"/api/v1/team/invitations/{invitation_id}", host=BAKERY, token=owner)
    assert revoked.status == 204
    assert invite(owner, "other@bakery.lu").status == 201


def test_an_essential_store_starts_two_imports_a_day(demo: list[str]) -> None:
    owner = token_of("bakery-owner", BAKERY)
    assert [start_import(owner).status for _ in range(2)] == [201, 201]
    refused = start_import(owner)
    assert refused.status == 409
    assert refused.json()["limit"] == "imports_per_day"
    listed = call("GET", "/api/v1/imports", host=BAKERY, token=owner).json()["jobs"]
    assert len(listed) == 2  # the refused request created no job
    stores.change_tier(OMS, "bakery", Tier.PROFESSIONAL)
    assert start_import(owner).status == 201
