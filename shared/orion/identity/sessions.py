"""Staff console sessions: a browser signs in once and carries a cookie naming a server-side session.

A session belongs to one store (its key lives in the store's key space), so a cookie of store A is no
session on store B's host. It ends after ``console_session_idle_seconds`` without a request, after
``console_session_max_seconds`` whatever the activity, and at once when the member signs out, is
locked, has their password reset or changed, signs out everywhere, or leaves the store's team: each
request reads the session, the user and the membership together (one BatchGetItem) and checks them.
Every session carries its own CSRF token for the forms it renders.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from orion import runtime
from orion.errors import FieldError, Forbidden, Invalid, Unauthorized
from orion.identity import passwords
from orion.identity.models import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, Principal, StaffAccess, User
from orion.identity.repository import ConsoleSessionItem, IdentityRepository
from orion.identity.service import verify_credentials
from orion.ids import new_id, new_token
from orion.modules.manifest import Role
from orion.modules.registry import permissions_of_role
from orion.settings import get_settings
from orion.tenant import Tenant

_COOKIE = re.compile(r"^(?P<id>[0-9A-Z]{26})\.(?P<user>[0-9A-Z]{26})\.(?P<secret>[A-Za-z0-9_-]{20,100})$")
# last_seen_at is written at most this often, so a busy member's pages do not each cost a write.
TOUCH_EVERY = timedelta(minutes=5)
NOT_A_MEMBER = "This account is not a member of this store's team."
NOT_AN_ADMIN = "This account is not an admin of this platform."


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    """A live console session: who, in which store, with which permissions, and its CSRF token."""

    id: str
    user: User
    access: StaffAccess
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    # The member's stores on this platform when they signed in (this one included), for the switcher.
    stores: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SignedIn:
    cookie: str  # the cookie's value: session id, user id and the session's secret
    session: ConsoleSession


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _access(
    tenant: Tenant, user: User, session_id: str, role: Role, enabled_modules: frozenset[str]
) -> StaffAccess:
    principal = Principal(
        user_id=user.id, platform=tenant.platform, token_id=session_id, token_version=user.token_version
    )
    return StaffAccess(
        tenant=tenant, principal=principal, role=role, permissions=permissions_of_role(role, enabled_modules)
    )


def _open(tenant: Tenant, user: User, *, enabled_modules: frozenset[str]) -> SignedIn:
    store = tenant.store
    repository = runtime.repository(IdentityRepository)
    stores: tuple[str, ...] = ()
    if store is None:  # the platform console: platform admins only
        if not user.platform_admin:
            raise Forbidden(NOT_AN_ADMIN)
        role = Role.OWNER
    else:
        membership = repository.get_membership(tenant.platform, store, user.id)
        if membership is None:
            raise Forbidden(NOT_A_MEMBER)
        role = membership.role
        stores = tuple(
            sorted({store, *(m.store for m in repository.list_memberships(tenant.platform, user.id))})
        )
    now = datetime.now(UTC)
    session_id, secret, csrf = new_id(), new_token(), new_token()
    expires = now + timedelta(seconds=get_settings().console_session_max_seconds)
    repository.create_console_session(
        tenant.platform,
        store,
        session_id,
        ConsoleSessionItem(
            user_id=user.id,
            secret_hash=_digest(secret),
            csrf_token=csrf,
            token_version=user.token_version,
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
            ttl=expires,
            stores=set(stores),
        ),
    )
    session = ConsoleSession(
        id=session_id,
        user=user,
        access=_access(tenant, user, session_id, role, enabled_modules),
        csrf_token=csrf,
        created_at=now,
        expires_at=expires,
        stores=stores,
    )
    return SignedIn(cookie=f"{session_id}.{user.id}.{secret}", session=session)


def sign_in(
    tenant: Tenant, email: str, password: str, source: str, *, enabled_modules: frozenset[str]
) -> SignedIn:
    """A new session in ``tenant``'s store for a member of its team, after the same credential check,
    throttle and lockout as the API's login (401 with one message for any wrong part, 429 when
    throttled); a valid account without a membership here is 403."""
    user = verify_credentials(tenant, email, password, source)
    return _open(tenant, user, enabled_modules=enabled_modules)


def resume(tenant: Tenant, cookie: str | None, *, enabled_modules: frozenset[str]) -> ConsoleSession | None:
    """The live session ``cookie`` names in ``tenant``'s store, or None (no cookie, a forged or ended
    session, or a member no longer allowed in): the console then asks to sign in."""
    match = _COOKIE.fullmatch(cookie or "")
    if match is None:
        return None
    repository = runtime.repository(IdentityRepository)
    item, user, membership = repository.get_console_session(
        tenant.platform, tenant.store, match["id"], match["user"]
    )
    if item is None or user is None or item.user_id != user.id:
        return None
    # A store session needs the membership; a platform console session, a platform admin.
    role = membership.role if membership is not None else Role.OWNER if user.platform_admin else None
    if role is None or (tenant.store is not None and membership is None):
        return None
    if not hmac.compare_digest(item.secret_hash, _digest(match["secret"])):
        return None
    now = datetime.now(UTC)
    idle = timedelta(seconds=get_settings().console_session_idle_seconds)
    if (
        not user.active
        or user.token_version != int(item.token_version or 0)
        or item.expires_at <= now
        or item.last_seen_at + idle <= now
    ):
        repository.delete_console_session(tenant.platform, tenant.store, match["id"])
        return None
    if now - item.last_seen_at >= TOUCH_EVERY:
        repository.touch_console_session(tenant.platform, tenant.store, match["id"], now)
    return ConsoleSession(
        id=match["id"],
        user=user,
        access=_access(tenant, user, match["id"], role, enabled_modules),
        csrf_token=item.csrf_token,
        created_at=item.created_at,
        expires_at=item.expires_at,
        stores=tuple(sorted(item.stores or ({tenant.store} if tenant.store else set()))),
    )


def csrf_matches(session: ConsoleSession, presented: str | None) -> bool:
    """Whether a form's CSRF token is this session's."""
    return bool(presented) and hmac.compare_digest(session.csrf_token, presented or "")


def sign_out(session: ConsoleSession) -> None:
    """End this session only."""
    tenant = session.access.tenant
    runtime.repository(IdentityRepository).delete_console_session(tenant.platform, tenant.store, session.id)


def sign_out_everywhere(session: ConsoleSession) -> None:
    """End every console session and API token of the member, in every store and device."""
    runtime.repository(IdentityRepository).raise_token_version(
        session.access.tenant.platform, session.user.id
    )


def change_password(
    session: ConsoleSession, current: str, new: str, source: str, *, enabled_modules: frozenset[str]
) -> SignedIn:
    """Set a new password after checking the current one (throttled as a sign-in); every other session
    and token of the member ends, and this browser gets a fresh session."""
    tenant = session.access.tenant
    errors = []
    if not (MIN_PASSWORD_LENGTH <= len(new) <= MAX_PASSWORD_LENGTH):
        errors.append(
            FieldError(
                "new_password", f"Choose between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters."
            )
        )
    if errors:
        raise Invalid("The new password is not valid.", errors=errors)
    try:
        user = verify_credentials(tenant, session.user.email, current, source)
    except Unauthorized as exc:
        raise Invalid(
            "The current password is not correct.",
            errors=[FieldError("current_password", "This is not your current password.")],
        ) from exc
    repository = runtime.repository(IdentityRepository)
    repository.change_password_hash(tenant.platform, user.id, passwords.hash_password(new))
    repository.delete_console_session(tenant.platform, tenant.store, session.id)
    fresh = user.model_copy(update={"token_version": user.token_version + 1})
    return _open(tenant, fresh, enabled_modules=enabled_modules)


CONSOLE_LANGUAGES = ("en", "fr", "de")


def set_language(session: ConsoleSession, language: str) -> None:
    """The member's console language (``""``: follow the browser's)."""
    if language and language not in CONSOLE_LANGUAGES:
        raise Invalid(
            "Choose English, French or German.", errors=[FieldError("language", "Not a console language.")]
        )
    runtime.repository(IdentityRepository).set_language(
        session.access.tenant.platform, session.user.id, language or None
    )


# --- a new merchant's first session -------------------------------------------------------------------

WELCOME_TTL = timedelta(minutes=2)


def issue_welcome(tenant: Tenant, user_id: str) -> str:
    """A one-time token (valid :data:`WELCOME_TTL`) that :func:`welcome` exchanges for a console session
    of ``tenant``'s store: the sign-up happens on the platform's host, the session cookie belongs on the
    store's. Only its SHA-256 is stored."""
    welcome_id, secret = new_id(), new_token()
    runtime.repository(IdentityRepository).create_welcome(
        tenant.platform,
        tenant.require_store(),
        welcome_id,
        user_id=user_id,
        token_hash=_digest(secret),
        expires_at=datetime.now(UTC) + WELCOME_TTL,
    )
    return f"{welcome_id}.{secret}"


def welcome(tenant: Tenant, token: str, *, enabled_modules: frozenset[str]) -> SignedIn:
    """Spend a token of :func:`issue_welcome` (once, before it expires, only in its own store) and open
    a console session for its user; anything else is 401 (the person signs in as usual)."""
    match = re.fullmatch(r"(?P<id>[0-9A-Z]{26})\.(?P<secret>[A-Za-z0-9_-]{20,100})", token or "")
    store = tenant.store
    if match is None or store is None:
        raise Unauthorized("This sign-in link is not valid any more; sign in with your e-mail and password.")
    repository = runtime.repository(IdentityRepository)
    item = repository.spend_welcome(tenant.platform, store, match["id"], _digest(match["secret"]))
    if item is None or item.expires_at <= datetime.now(UTC):
        raise Unauthorized("This sign-in link is not valid any more; sign in with your e-mail and password.")
    user = repository.get_user(tenant.platform, item.user_id)
    if user is None or not user.active:
        raise Unauthorized("This sign-in link is not valid any more; sign in with your e-mail and password.")
    return _open(tenant, user, enabled_modules=enabled_modules)
