"""Team management: invitations through the outbox, roles, the last-Owner rule, audit entries."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from orion.outbox.service import list_messages
from orion.tenant import Tenant
from tests.staff import BAKERY, WIZAMART, call, login, token_of


def invite(token: str, email: str, role: str, host: str = WIZAMART) -> Any:
    return call(
        "POST", "/api/v1/team/invitations", host=host, body={"email": email, "role": role}, token=token
    )


def invitation_token(email: str) -> str:
    [message] = [m for m in list_messages(Tenant("oms")) if m.to == email]
    return str(message.data["token"])


def members(token: str) -> dict[str, str]:
    return {m["email"]: m["role"] for m in call("GET", "/api/v1/team", token=token).json()["members"]}


def test_an_invitee_joins_with_exactly_the_invited_role(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    created = invite(owner, "Newbie@Example.com", "editor")
    assert created.status == 201
    assert "token" not in created.body.decode().lower()
    token = invitation_token("newbie@example.com")
    accepted = call(
        "POST",
        "/api/v1/team/invitations/accept",
        body={"token": token, "name": "New Bie", "password": "a-long-password"},
    )
    assert accepted.status == 201, accepted.body
    signed_in = call(
        "POST", "/api/v1/auth/login", body={"email": "newbie@example.com", "password": "a-long-password"}
    ).json()
    me = call("GET", "/api/v1/auth/me", token=signed_in["access_token"]).json()
    [membership] = me["memberships"]
    assert membership["role"] == "editor"
    assert "team.invite" not in membership["permissions"]
    assert call("GET", "/api/v1/team", token=signed_in["access_token"]).status == 403
    # Single use.
    again = call(
        "POST",
        "/api/v1/team/invitations/accept",
        body={"token": token, "name": "X", "password": "a-long-password"},
    )
    assert again.status == 410


def test_the_invitation_link_opens_a_page_whose_form_joins_the_team(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    assert invite(owner, "browser@example.com", "viewer").status == 201
    [mail] = [m for m in list_messages(Tenant("oms")) if m.to == "browser@example.com"]
    link = urlsplit(str(mail.data["accept_url"]))
    assert f"Open this link to accept the invitation: {mail.data['accept_url']}" in mail.text

    page = call("GET", link.path, query=link.query)  # what clicking the e-mail's link does
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.body.decode()
    assert "browser@example.com" in html and "viewer" in html and 'name="password"' in html
    assert '<form method="post">' in html

    token = str(mail.data["token"])
    short = call("POST", link.path, form={"token": token, "name": "Bea", "password": "short"})
    assert short.status == 422  # the form again, with what is wrong and what was typed
    alert = short.body.decode().split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "password" in alert and "at least 10 characters" in alert  # what is wrong ...
    assert 'value="Bea"' in short.body.decode()  # ... and what was typed
    joined = call("POST", link.path, form={"token": token, "name": "Bea", "password": "a-long-password"})
    assert joined.status == 201
    assert "You are now viewer of wizamart" in joined.body.decode()
    signed_in = call(
        "POST", "/api/v1/auth/login", body={"email": "browser@example.com", "password": "a-long-password"}
    )
    assert signed_in.status == 200
    used = call("GET", link.path, query=link.query)
    assert used.status == 410 and "already used" in used.body.decode()
    assert call("GET", link.path, query="token=nope.nope").status == 404


def test_inviting_an_email_again_replaces_its_pending_invitation(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    assert invite(owner, "twice@example.com", "viewer").status == 201
    assert invite(owner, "twice@example.com", "editor").status == 201
    pending = call("GET", "/api/v1/team/invitations", token=owner).json()["invitations"]
    [live] = [i for i in pending if i["email"] == "twice@example.com"]
    assert live["role"] == "editor"
    tokens = {
        m.data["invitation_id"]: str(m.data["token"])
        for m in list_messages(Tenant("oms"))
        if m.to == "twice@example.com"
    }
    second = tokens.pop(live["id"])
    [first] = tokens.values()
    new_account = {"name": "Twice", "password": "a-long-password"}
    stale = call("POST", "/api/v1/team/invitations/accept", body={"token": first, **new_account})
    assert stale.status == 404  # the earlier link no longer works
    fresh = call("POST", "/api/v1/team/invitations/accept", body={"token": second, **new_account})
    assert fresh.status == 201 and fresh.json()["role"] == "editor"


def test_an_existing_user_accepting_gets_a_second_membership(demo: list[str]) -> None:
    bakery_owner = token_of("bakery-owner", host=BAKERY)
    assert invite(bakery_owner, "editor@wizamart.lu", "viewer", host=BAKERY).status == 201
    token = invitation_token("editor@wizamart.lu")
    assert call("POST", "/api/v1/team/invitations/accept", host=BAKERY, body={"token": token}).status == 201
    me = call("GET", "/api/v1/auth/me", token=token_of("wizamart-editor")).json()
    assert {m["store"]: m["role"] for m in me["memberships"]} == {"bakery": "viewer", "wizamart": "editor"}


def test_an_invitation_is_only_valid_on_its_own_store(demo: list[str]) -> None:
    invite(token_of("wizamart-owner"), "someone@example.com", "viewer")
    token = invitation_token("someone@example.com")
    body = {"token": token, "name": "Some One", "password": "a-long-password"}
    assert call("POST", "/api/v1/team/invitations/accept", host=BAKERY, body=body).status == 404


def test_a_forged_token_is_not_found(demo: list[str]) -> None:
    invite(token_of("wizamart-owner"), "someone@example.com", "viewer")
    real = invitation_token("someone@example.com")
    forged = real.split(".")[0] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    body = {"token": forged, "name": "Some One", "password": "a-long-password"}
    assert call("POST", "/api/v1/team/invitations/accept", body=body).status == 404


def test_the_last_owner_can_be_neither_demoted_nor_removed(demo: list[str]) -> None:
    owner = login("wizamart-owner")
    me = call("GET", "/api/v1/auth/me", token=owner["access_token"]).json()
    user_id = me["user"]["id"]
    demote = call(
        "PATCH", f"/api/v1/team/members/{user_id}", body={"role": "manager"}, token=owner["access_token"]
    )
    assert demote.status == 409
    assert "Owner" in demote.json()["detail"]
    assert call("DELETE", f"/api/v1/team/members/{user_id}", token=owner["access_token"]).status == 409
    assert members(owner["access_token"])["owner@wizamart.lu"] == "owner"


def test_owners_change_roles_and_remove_members(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    editor_id = next(
        m["user_id"]
        for m in call("GET", "/api/v1/team", token=owner).json()["members"]
        if m["role"] == "editor"
    )
    changed = call("PATCH", f"/api/v1/team/members/{editor_id}", body={"role": "manager"}, token=owner)
    assert changed.status == 200
    assert changed.json()["role"] == "manager"
    removed = call("DELETE", f"/api/v1/team/members/{editor_id}", token=owner)
    assert removed.status == 204
    assert "content-type" not in {k.lower() for k in removed.headers}  # no content, no type
    assert "editor@wizamart.lu" not in members(owner)
    # The removed member's token no longer opens the store.
    assert call("GET", "/api/v1/products", token=token_of("wizamart-editor")).status in {403, 404}


def manager_of_wizamart(owner: str) -> str:
    """The access token of a Manager the Owner invited and who accepted."""
    invite(owner, "manager@example.com", "manager")
    body = {
        "token": invitation_token("manager@example.com"),
        "name": "Mana Ger",
        "password": "a-long-password",
    }
    call("POST", "/api/v1/team/invitations/accept", body=body)
    return str(
        call(
            "POST", "/api/v1/auth/login", body={"email": "manager@example.com", "password": "a-long-password"}
        ).json()["access_token"]
    )


def test_a_manager_cannot_invite_an_owner(demo: list[str]) -> None:
    manager = manager_of_wizamart(token_of("wizamart-owner"))
    assert invite(manager, "boss@example.com", "owner").status == 403
    assert invite(manager, "helper@example.com", "editor").status == 201


def test_a_manager_cannot_revoke_an_owner_invitation_but_revokes_what_they_may_grant(
    demo: list[str],
) -> None:
    owner = token_of("wizamart-owner")
    manager = manager_of_wizamart(owner)
    for_owner = invite(owner, "boss@example.com", "owner").json()["id"]
    for_editor = invite(owner, "helper@example.com", "editor").json()["id"]

    refused = call("DELETE", f"/api/v1/team/invitations/{for_owner}", token=manager)
    assert refused.status == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == invite(manager, "boss@example.com", "owner").json()["detail"]
    pending = {i["id"] for i in call("GET", "/api/v1/team/invitations", token=owner).json()["invitations"]}
    assert for_owner in pending
    actions = [e["action"] for e in call("GET", "/api/v1/audit", token=owner).json()["entries"]]
    assert "team.revoke_invitation" not in actions

    assert call("DELETE", f"/api/v1/team/invitations/{for_editor}", token=manager).status == 204
    assert call("DELETE", f"/api/v1/team/invitations/{for_owner}", token=owner).status == 204
    pending = {i["id"] for i in call("GET", "/api/v1/team/invitations", token=owner).json()["invitations"]}
    assert not {for_owner, for_editor} & pending
    actions = [e["action"] for e in call("GET", "/api/v1/audit", token=owner).json()["entries"]]
    assert actions.count("team.revoke_invitation") == 2
    assert call("DELETE", f"/api/v1/team/invitations/{for_owner}", token=owner).status == 404


def test_every_team_write_is_audited(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    created = invite(owner, "audited@example.com", "viewer").json()
    entries = call("GET", "/api/v1/audit", token=owner).json()["entries"]
    assert entries[0]["action"] == "team.invite"
    assert entries[0]["target"] == f"invitation:{created['id']}"
    assert entries[0]["request_id"]
    assert call("GET", "/api/v1/audit", token=token_of("wizamart-editor")).status == 403
