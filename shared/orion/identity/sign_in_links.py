"""A platform's first admin without a password on any command line: an operator asks for a one-time
sign-in link (``make admin``), the admin gets it by e-mail through the outbox, and sets their password
by opening it (``/api/v1/auth/sign-in-link`` on the platform's API host).

Links work once and expire (``sign_in_link_ttl_seconds``, 24 h by default); only the SHA-256 of their
secret is stored. Using one sets the password, unlocks the account and ends every earlier session of
it (like a password reset), and signs the admin in.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from orion import runtime
from orion.errors import FieldError, Gone, Invalid, NotFound
from orion.identity import passwords
from orion.identity.models import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, SignInLink, TokenPair, User
from orion.identity.repository import IdentityRepository
from orion.identity.service import _digest, _normalize_email, _split_opaque, _token_pair
from orion.ids import new_id, new_token
from orion.outbox.service import enqueue_email
from orion.settings import get_settings
from orion.tenancy.platforms import get_platform
from orion.tenant import Tenant

SIGN_IN_LINK_PATH = "/api/v1/auth/sign-in-link"


@dataclass(frozen=True)
class IssuedLink:
    """What the operator is told: who gets the link and until when, never the link itself."""

    user_id: str
    email: str
    created_user: bool  # False: an existing account of the platform was reused
    link_id: str
    expires_at: datetime


def sign_in_link_origin(domain: str, scheme: str = "https", port: int | None = None) -> str:
    """The platform's API host for ``domain`` (``https://api.oms.lu``; the local cloud passes its
    scheme and port)."""
    return f"{scheme}://api.{domain}{f':{port}' if port else ''}"


def issue_admin_sign_in_link(
    tenant: Tenant, email: str, *, name: str | None = None, scheme: str = "https", port: int | None = None
) -> IssuedLink:
    """Make ``email`` a platform admin of ``tenant``'s platform (creating the account, or reusing the
    one the address already has there) and e-mail them a one-time sign-in link. A new account has no
    usable password until the link is used."""
    platform_code = tenant.require_platform_only()
    try:
        platform = get_platform(Tenant(platform_code))
    except NotFound:
        raise NotFound.worded(
            "No platform {platform}: declare it in cdk.json and deploy first.", platform=repr(platform_code)
        ) from None
    if not platform.domains:
        raise Invalid(f"Platform {platform_code!r} has no domain to send a sign-in link for.")
    email = _normalize_email(email)
    repository = runtime.repository(IdentityRepository)
    now = datetime.now(UTC)
    existing = repository.find_user_by_email(platform_code, email)
    if existing is not None:
        user, created = existing[0], False
        if not user.platform_admin:
            repository.make_platform_admin(platform_code, user.id)
    else:
        user = User(
            id=new_id(),
            platform=platform_code,
            email=email,
            name=(name or email.split("@", 1)[0])[:120],
            platform_admin=True,
            created_at=now,
        )
        # A password nobody knows: the account signs in only after its link set one.
        repository.create_user(user, passwords.hash_password(new_token()))
        created = True
    link = SignInLink(
        id=new_id(),
        platform=platform_code,
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(seconds=get_settings().sign_in_link_ttl_seconds),
    )
    secret = new_token()
    repository.create_sign_in_link(link, _digest(secret))
    origin = sign_in_link_origin(platform.domains[0], scheme, port)
    url = f"{origin}{SIGN_IN_LINK_PATH}?token={link.id}.{secret}"
    enqueue_email(
        Tenant(platform_code),
        to=email,
        subject=f"Your sign-in link for {platform.name}",
        text=(
            f"Hello {user.name},\n\nYou are a platform administrator of {platform.name}. Open this link to"
            f" choose your password and sign in:\n\n{url}\n\nThe link works once and expires on"
            f" {link.expires_at:%Y-%m-%d %H:%M} UTC. If you did not expect it, ignore this e-mail.\n"
        ),
        kind="sign-in-link",
        data={"link_id": link.id, "url": url},
    )
    return IssuedLink(
        user_id=user.id, email=email, created_user=created, link_id=link.id, expires_at=link.expires_at
    )


def open_sign_in_link(tenant: Tenant, token: str) -> tuple[SignInLink, User]:
    """The link behind ``token`` and its user, without spending it: 404 for a wrong token, 410 once
    used or expired."""
    link, _, user = _usable(tenant, token)
    return link, user


def redeem_sign_in_link(tenant: Tenant, token: str, password: str) -> TokenPair:
    """Spend the link: the user's password becomes ``password`` and they are signed in."""
    link, presented, user = _usable(tenant, token)
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise Invalid(
            errors=[FieldError("password", f"use {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters")]
        )
    repository = runtime.repository(IdentityRepository)
    password_hash = passwords.hash_password(password)
    if not repository.redeem_sign_in_link(link, presented, password_hash, datetime.now(UTC)):
        raise Gone("This sign-in link was already used.")
    current = repository.get_user(link.platform, user.id)
    if current is None:
        raise NotFound("This sign-in link does not exist.")
    return _token_pair(link.platform, current, _refresh_token(link.platform, current))


def _refresh_token(platform: str, user: User) -> str:
    """A fresh refresh-token family for the newly signed-in admin (as a password sign-in makes)."""
    family_id, secret = new_id(), new_token()
    runtime.repository(IdentityRepository).create_refresh_family(
        platform,
        family_id,
        user.id,
        _digest(secret),
        datetime.now(UTC) + timedelta(seconds=get_settings().refresh_token_ttl_seconds),
        token_version=user.token_version,
    )
    return f"{family_id}.{secret}"


def _usable(tenant: Tenant, token: str) -> tuple[SignInLink, str, User]:
    parts = _split_opaque(token)
    if tenant.store is not None or parts is None:
        raise NotFound("This sign-in link does not exist.")
    repository = runtime.repository(IdentityRepository)
    found = repository.get_sign_in_link(tenant.platform, parts[0])
    presented = _digest(parts[1])
    if found is None or not hmac.compare_digest(found[1], presented):
        raise NotFound("This sign-in link does not exist.")
    link = found[0]
    if link.used_at is not None:
        raise Gone("This sign-in link was already used.")
    if link.expires_at <= datetime.now(UTC):
        raise Gone("This sign-in link has expired; ask your operator for a new one.")
    user = repository.get_user(tenant.platform, link.user_id)
    if user is None or not user.platform_admin:
        raise NotFound("This sign-in link does not exist.")
    return link, presented, user
