"""The console's team page: invite (accepted through the console's invitation page), roles, removal,
resend and revoke, the seat limit, the grant rules, 403 for a role without the permission, and audit
records like the staff API's."""

from __future__ import annotations

import re
from html import unescape

from orion.audit.service import list_entries
from orion.identity import service as identity
from orion.modules.manifest import Role
from orion.outbox.service import list_messages
from orion.tenant import Tenant
from tests.console import CONSOLE_LOGINS, ConsoleBrowser, signed_in, signed_in_as
from tests.staff import BAKERY, WIZAMART, call

WIZ = Tenant("oms", "wizamart")


def _mail(email: str):  # type: ignore[no-untyped-def]
    sent = [m for m in list_messages(Tenant("oms")) if m.to == email]
    return max(sent, key=lambda m: str(m.data["invitation_id"]))  # the newest invitation (ULIDs)


def _members() -> dict[str, Role]:
    return {m.email: m.role for m in identity.list_members(_owner_access())}


def _actions() -> list[str]:
    return [entry.action for entry in list_entries(WIZ, limit=50)[0]]


def test_an_invitation_sent_from_the_console_is_accepted_and_the_new_member_signs_in(
    demo: list[str],
) -> None:
    owner = signed_in("wizamart-owner")
    page = owner.get("/admin/team")
    assert page.status == 200
    assert 'action="/admin/team/invitations"' in page.text
    assert 'name="email"' in page.text and 'name="role"' in page.text

    sent = owner.post("/admin/team/invitations", {"email": "New.Member@example.com", "role": "manager"})
    assert sent.status == 303, sent.text[:2000]
    listed = owner.get("/admin/team")
    assert "new.member@example.com" in listed.text
    assert "The invitation is sent." in listed.text
    assert "team.invite" in _actions()

    mail = _mail("new.member@example.com")
    link = str(mail.data["accept_url"])
    assert link.startswith(f"http://{WIZAMART}/admin/invitations/accept?token=")
    token = str(mail.data["token"])

    visitor = ConsoleBrowser()
    opened = visitor.get(f"/admin/invitations/accept?token={token}")
    assert opened.status == 200
    assert "as Manager" in unescape(opened.text)
    assert 'name="name"' in opened.text and 'name="password"' in opened.text
    short = visitor.post("/admin/invitations/accept", {"token": token, "name": "Nova", "password": "short"})
    assert short.status == 422
    assert 'value="Nova"' in short.text and "At least 10 characters." in short.text
    accepted = visitor.post(
        "/admin/invitations/accept", {"token": token, "name": "Nova", "password": "nova-long-password"}
    )
    assert accepted.status == 303
    assert accepted.headers["location"] == "/admin/login"
    login = visitor.get("/admin/login")
    assert "You joined the team" in login.text
    assert _members()["new.member@example.com"] is Role.MANAGER
    assert "team.accept_invitation" in _actions()
    # The link is single use.
    assert visitor.get(f"/admin/invitations/accept?token={token}").status == 410

    CONSOLE_LOGINS["nova"] = ("new.member@example.com", "nova-long-password")
    nova = signed_in("nova")
    assert nova.get("/admin/team").status == 200
    assert "Manager" in nova.get("/admin/").text


def test_the_api_invitation_page_leads_to_the_console_sign_in(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    owner.post("/admin/team/invitations", {"email": "formy@example.com", "role": "viewer"})
    token = str(_mail("formy@example.com").data["token"])
    answer = call(
        "POST",
        "/api/v1/team/invitations/accept",
        form=[("token", token), ("name", "Formy"), ("password", "formy-long-password")],
    )
    assert answer.status == 201
    assert 'href="/admin/login"' in answer.text


def test_resend_replaces_the_link_and_revoke_withdraws_it(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    owner.post("/admin/team/invitations", {"email": "twice@example.com", "role": "editor"})
    first = str(_mail("twice@example.com").data["token"])
    [pending] = [i for i in identity.list_invitations(_owner_access()) if i.email == "twice@example.com"]

    owner.get("/admin/team")
    assert owner.post(f"/admin/team/invitations/{pending.id}/resend").status == 303
    second = str(_mail("twice@example.com").data["token"])
    assert second != first
    assert ConsoleBrowser().get(f"/admin/invitations/accept?token={first}").status == 404

    [renewed] = [i for i in identity.list_invitations(_owner_access()) if i.email == "twice@example.com"]
    owner.get("/admin/team")
    assert owner.post(f"/admin/team/invitations/{renewed.id}/revoke").status == 303
    assert not [i for i in identity.list_invitations(_owner_access()) if i.email == "twice@example.com"]
    assert ConsoleBrowser().get(f"/admin/invitations/accept?token={second}").status == 404
    assert "team.revoke_invitation" in _actions()


def test_change_role_and_remove_a_member(demo: list[str]) -> None:
    signed_in_as("viewer")
    owner = signed_in("wizamart-owner")
    user_id = identity.find_user(WIZ, "viewer-wizamart@example.com").id
    page = owner.get("/admin/team")
    assert f'action="/admin/team/members/{user_id}/role"' in page.text

    assert owner.post(f"/admin/team/members/{user_id}/role", {"role": "editor"}).status == 303
    assert _members()["viewer-wizamart@example.com"] is Role.EDITOR
    owner.get("/admin/team")
    assert owner.post(f"/admin/team/members/{user_id}/remove").status == 303
    assert "viewer-wizamart@example.com" not in _members()
    assert {"team.change_role", "team.remove"} <= set(_actions())


def test_the_last_owner_cannot_be_demoted(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    me = identity.find_user(WIZ, "owner@wizamart.lu").id
    owner.get("/admin/team")
    answer = owner.post(f"/admin/team/members/{me}/role", {"role": "viewer"})
    assert answer.status == 409
    assert _members()["owner@wizamart.lu"] is Role.OWNER


def test_an_editor_cannot_manage_the_team(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    owner.post("/admin/team/invitations", {"email": "kept@example.com", "role": "viewer"})
    [pending] = [i for i in identity.list_invitations(_owner_access()) if i.email == "kept@example.com"]
    owner_id = identity.find_user(WIZ, "owner@wizamart.lu").id

    editor = signed_in("wizamart-editor")
    page = editor.get("/admin/team")
    assert page.status == 403
    assert 'action="/admin/team/invitations"' not in page.text
    assert 'href="/admin/team"' not in editor.get("/admin/").text
    before = _members()
    assert editor.post("/admin/team/invitations", {"email": "x@example.com", "role": "viewer"}).status == 403
    assert editor.post(f"/admin/team/members/{owner_id}/role", {"role": "viewer"}).status == 403
    assert editor.post(f"/admin/team/members/{owner_id}/remove").status == 403
    assert editor.post(f"/admin/team/invitations/{pending.id}/revoke").status == 403
    assert _members() == before
    assert not [m for m in list_messages(Tenant("oms")) if m.to == "x@example.com"]
    assert [i.email for i in identity.list_invitations(_owner_access())].count("kept@example.com") == 1


def test_a_manager_is_offered_only_the_roles_they_may_grant(demo: list[str]) -> None:
    manager = signed_in_as("manager")
    page = manager.get("/admin/team")
    assert page.status == 200
    form = page.text.split('action="/admin/team/invitations"')[1].split("</form>")[0]
    assert set(re.findall(r'<option value="(\w+)"', form)) == {"manager", "editor", "viewer"}
    forged = manager.post("/admin/team/invitations", {"email": "boss@example.com", "role": "owner"})
    assert forged.status == 403
    assert not [m for m in list_messages(Tenant("oms")) if m.to == "boss@example.com"]


def test_the_seat_limit_is_shown_and_enforced(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    page = owner.get("/admin/team")
    used = int(re.search(r"(\d+) of 5 seats on Professional", page.text).group(1))  # type: ignore[union-attr]
    for n in range(5 - used):
        assert (
            owner.post("/admin/team/invitations", {"email": f"s{n}@example.com", "role": "viewer"}).status
            == 303
        )
    full = owner.get("/admin/team")
    assert "5 of 5 seats on Professional" in full.text
    assert "upgrade the plan" in full.text
    assert 'action="/admin/team/invitations"' not in full.text
    refused = owner.post("/admin/team/invitations", {"email": "late@example.com", "role": "viewer"})
    assert refused.status == 409
    assert "Professional plan allows 5" in refused.text
    assert not [m for m in list_messages(Tenant("oms")) if m.to == "late@example.com"]


def test_invalid_invitations_keep_the_entries(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    owner.get("/admin/team")
    empty = owner.post("/admin/team/invitations", {"email": "", "role": "viewer"})
    assert empty.status == 422
    assert 'id="e-email"' in empty.text
    bad = owner.post("/admin/team/invitations", {"email": "not-an-address", "role": "editor"})
    assert bad.status == 422
    assert 'value="not-an-address"' in bad.text
    member = owner.post("/admin/team/invitations", {"email": "editor@wizamart.lu", "role": "viewer"})
    assert member.status == 409
    assert "already a member" in member.text


def test_another_stores_members_and_invitations_are_out_of_reach(demo: list[str]) -> None:
    bakery_owner = identity.find_user(Tenant("oms", "bakery"), "owner@bakery.lu").id
    owner = signed_in("wizamart-owner")
    page = owner.get("/admin/team")
    assert "owner@bakery.lu" not in page.text
    assert owner.post(f"/admin/team/members/{bakery_owner}/remove").status == 404
    baker = signed_in("bakery-owner", host=BAKERY)
    baker.post("/admin/team/invitations", {"email": "crumb@example.com", "role": "viewer"})
    token = str(_mail("crumb@example.com").data["token"])
    assert ConsoleBrowser().get(f"/admin/invitations/accept?token={token}").status == 404


def _owner_access():  # type: ignore[no-untyped-def]
    from tests.integration.console.test_sessions import _owner_access as access

    return access()


def test_the_team_page_speaks_french_and_german(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    french = owner.get("/admin/team", headers=[("accept-language", "fr")])
    assert "places sur 5 avec l'offre Professional" in unescape(french.text)
    assert "Inviter quelqu'un" in unescape(french.text)
    german = owner.get("/admin/team", headers=[("accept-language", "de")])
    assert "von 5 Plätzen im Tarif Professional" in german.text
