"""Staff identity use cases: login, token refresh and logout, authentication and authorisation per
store, the signed-in member's profile, and team management (invitations, roles, removal)."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pynamodb.transactions import TransactWrite

from orion import runtime
from orion.errors import (
    Conflict,
    FieldError,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    TooManyRequests,
    Unauthorized,
)
from orion.identity import passwords, tokens
from orion.identity.access import ensure_current, signing_keys
from orion.identity.models import (
    Invitation,
    Member,
    Membership,
    NewUser,
    Principal,
    StaffAccess,
    TokenPair,
    User,
)
from orion.identity.repository import IdentityRepository
from orion.ids import new_id, new_token
from orion.modules.manifest import Role
from orion.modules.registry import permissions_of_role
from orion.observability import logger
from orion.outbox.service import enqueue_email
from orion.settings import get_settings
from orion.tenancy import tiers
from orion.tenancy.models import Tier
from orion.tenancy.stores import store_profile
from orion.tenant import Tenant

BAD_CREDENTIALS = "The e-mail address or password is not correct."
_OPAQUE_TOKEN = re.compile(r"^(?P<id>[0-9A-Z]{26})\.(?P<secret>[A-Za-z0-9_-]{20,100})$")


# --- hashing -------------------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split_opaque(token: str) -> tuple[str, str] | None:
    match = _OPAQUE_TOKEN.fullmatch(token)
    return (match["id"], match["secret"]) if match else None


def normalize_email(email: str) -> str:
    """``email`` as Orion stores it (lower-cased), if mail can be delivered to it (else Invalid)."""
    return _normalize_email(email)


def email_in_use(platform: str, email: str) -> bool:
    """Whether a staff account of ``platform`` has ``email`` (one GetItem)."""
    return (
        runtime.repository(IdentityRepository).find_user_by_email(platform, email.strip().lower()) is not None
    )


def attempts_in_window(platform: str, scope: str, subject: str, window: str) -> int:
    """How many attempts of ``scope`` (e.g. sign-ups from one address) ``subject`` made in ``window``:
    the counters logins are throttled by, for other throttles."""
    return runtime.repository(IdentityRepository).read_counters(platform, [(scope, subject)], window)[scope]


def count_attempt(platform: str, scope: str, subject: str, window: str, expires_at: datetime) -> None:
    runtime.repository(IdentityRepository).count_failure(platform, scope, subject, window, expires_at)


def add_owner_to(tx: TransactWrite, user: User, password_hash: str, store: str) -> None:
    """Put a new user (and their unique e-mail) and their Owner membership of ``store`` into ``tx``: a
    store opened with its owner in one transaction (merchant sign-up)."""
    repository = runtime.repository(IdentityRepository)
    IdentityRepository._add_user(tx, user, password_hash)
    repository._add_membership(tx, user, store, Role.OWNER)


def _normalize_email(email: str) -> str:
    """The address lower-cased, if it is one mail can be delivered to (email-validator's syntax check,
    the one the API's EmailStr applies): both faces refuse ``<script>@x.lu`` alike."""
    from email_validator import EmailNotValidError, validate_email

    email = email.strip().lower()
    if "#" in email or "@" not in email:
        raise Invalid("this is not an e-mail address Orion accepts")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid("this is not an e-mail address Orion accepts") from exc
    return email


# --- sign-in -------------------------------------------------------------------------------------------


def verify_credentials(tenant: Tenant, email: str, password: str, source: str) -> User:
    """The active staff user ``email`` of ``tenant``'s platform, if ``password`` is theirs.

    Unknown e-mail and wrong password give the same answer after the same work (a dummy argon2
    verification). Failed attempts are counted per account and per source address in fixed windows;
    past the limit the answer is 429 before any password is checked. The API's login and the console's
    sign-in both go through here, so both faces share one throttle.
    """
    settings = get_settings()
    repository = runtime.repository(IdentityRepository)
    email = email.strip().lower()
    now = datetime.now(UTC)
    window_start = int(now.timestamp()) // settings.login_window_seconds * settings.login_window_seconds
    window = str(window_start)
    subjects = [("login-account", _digest(email)[:40]), ("login-source", _digest(source)[:40])]
    counts = repository.read_counters(tenant.platform, subjects, window)
    if (
        counts["login-account"] >= settings.login_max_failures_per_account
        or counts["login-source"] >= settings.login_max_failures_per_source
    ):
        retry_after = window_start + settings.login_window_seconds - int(now.timestamp())
        raise TooManyRequests(
            "Too many failed sign-in attempts; try again later.", extra={"retry_after": max(retry_after, 1)}
        )
    found = repository.find_user_by_email(tenant.platform, email) if "#" not in email else None
    user, password_hash = found if found else (None, None)
    if not passwords.verify_password(password_hash, password) or user is None or not user.active:
        expires = datetime.fromtimestamp(window_start + settings.login_window_seconds, UTC)
        for scope, subject in subjects:
            repository.count_failure(tenant.platform, scope, subject, window, expires)
        logger.info("staff login failed", extra={"platform": tenant.platform})
        raise Unauthorized(BAD_CREDENTIALS)
    if password_hash and passwords.needs_rehash(password_hash):
        repository.update_password_hash(tenant.platform, user.id, passwords.hash_password(password))
    return user


def login(tenant: Tenant, email: str, password: str, source: str) -> TokenPair:
    """Tokens for the staff user ``email`` of ``tenant``'s platform (see :func:`verify_credentials`)."""
    user = verify_credentials(tenant, email, password, source)
    family_id = new_id()
    secret = new_token()
    repository = runtime.repository(IdentityRepository)
    repository.create_refresh_family(
        tenant.platform,
        family_id,
        user.id,
        _digest(secret),
        datetime.now(UTC) + timedelta(seconds=get_settings().refresh_token_ttl_seconds),
        token_version=user.token_version,
    )
    return _token_pair(tenant.platform, user, f"{family_id}.{secret}")


def refresh(tenant: Tenant, refresh_token: str) -> TokenPair:
    """A new token pair for a current refresh token; the presented one is spent.

    Presenting a refresh token that was already spent means it leaked (or a client raced itself):
    the whole family is revoked, so whoever holds its newest token is signed out too.
    """
    parts = _split_opaque(refresh_token)
    if parts is None:
        raise Unauthorized("The refresh token is not valid.")
    family_id, secret = parts
    repository = runtime.repository(IdentityRepository)
    family = repository.get_refresh_family(tenant.platform, family_id)
    presented = _digest(secret)
    if family is None or family.revoked or family.expires_at <= datetime.now(UTC):
        raise Unauthorized("The refresh token is not valid.")
    if not hmac.compare_digest(family.current_hash, presented):
        if presented in (family.used_hashes or set()):
            repository.revoke_refresh_family(tenant.platform, family_id)
            logger.warning("refresh token reused; family revoked", extra={"family": family_id})
        raise Unauthorized("The refresh token is not valid.")
    user = repository.get_user(tenant.platform, family.user_id)
    if user is None or not user.active or user.token_version != int(family.token_version or 0):
        # Locked, or locked and unlocked, or reset since this family began: it never refreshes again.
        repository.revoke_refresh_family(tenant.platform, family_id)
        raise Unauthorized("The refresh token is not valid.")
    new_secret = new_token()
    if not repository.rotate_refresh(tenant.platform, family_id, presented, _digest(new_secret)):
        # Someone spent it a moment ago: the same reuse, seen from the other side of the race.
        repository.revoke_refresh_family(tenant.platform, family_id)
        raise Unauthorized("The refresh token is not valid.")
    return _token_pair(tenant.platform, user, f"{family_id}.{new_secret}")


def logout(tenant: Tenant, refresh_token: str) -> None:
    """Revoke the refresh token's family (its access tokens lapse within their short lifetime)."""
    parts = _split_opaque(refresh_token)
    if parts is None:
        return
    repository = runtime.repository(IdentityRepository)
    family = repository.get_refresh_family(tenant.platform, parts[0])
    if family is not None and hmac.compare_digest(family.current_hash, _digest(parts[1])):
        repository.revoke_refresh_family(tenant.platform, parts[0])


def _token_pair(platform: str, user: User, refresh_token: str) -> TokenPair:
    settings = get_settings()
    access, _ = tokens.issue_access_token(
        signing_keys().key_set(),
        user_id=user.id,
        platform=platform,
        issuer=settings.jwt_issuer,
        ttl_seconds=settings.access_token_ttl_seconds,
        token_version=user.token_version,
    )
    return TokenPair(
        access_token=access, refresh_token=refresh_token, expires_in=settings.access_token_ttl_seconds
    )


@dataclass(frozen=True)
class Profile:
    user: User
    memberships: list[Membership]


def profile(tenant: Tenant, principal: Principal, *, enabled_modules: frozenset[str]) -> Profile:
    """The signed-in user and their memberships on the platform, with each role's permissions."""
    repository = runtime.repository(IdentityRepository)
    user = ensure_current(repository.get_user(tenant.platform, principal.user_id), principal)
    memberships = [
        m.model_copy(update={"permissions": permissions_of_role(m.role, enabled_modules)})
        for m in repository.list_memberships(tenant.platform, principal.user_id)
    ]
    return Profile(user=user, memberships=memberships)


# --- team ----------------------------------------------------------------------------------------------


def list_members(access: StaffAccess) -> list[Member]:
    store = access.tenant.require_store()
    return runtime.repository(IdentityRepository).list_members(access.tenant.platform, store)


def list_invitations(access: StaffAccess) -> list[Invitation]:
    store = access.tenant.require_store()
    now = datetime.now(UTC)
    return [
        i
        for i in runtime.repository(IdentityRepository).list_invitations(access.tenant.platform, store)
        if i.accepted_at is None and i.expires_at > now
    ]


def grantable_roles(access: StaffAccess) -> list[Role]:
    """The roles ``access``'s member may grant (invite to, or give a member): up to their own."""
    return [role for role in Role if role.rank <= access.role.rank]


@dataclass(frozen=True)
class Seats:
    """A store's staff seats: members plus live invitations, against the tier's allowance."""

    used: int
    allowed: int | None  # None: unlimited
    plan: str

    @property
    def full(self) -> bool:
        return self.allowed is not None and self.used >= self.allowed


@dataclass(frozen=True)
class Team:
    """What a store's team page shows: members, live invitations and the seats they take."""

    members: list[Member]
    invitations: list[Invitation]
    seats: Seats


def team(access: StaffAccess, tier: Tier | None = None) -> Team:
    """The store's members, its live invitations and its seat usage (as :func:`invite` counts it).
    ``tier`` saves reading the store when the caller already holds it."""
    if tier is None:
        profile = store_profile(access.tenant)
        if profile is None:
            raise NotFound("No such store.")
        tier = profile.tier
    members, invitations = list_members(access), list_invitations(access)
    plan = tiers.PLANS[tier]
    seats = Seats(
        used=len(members) + len(invitations),
        allowed=plan.allowance(tiers.Limit.STAFF_SEATS),
        plan=plan.name,
    )
    return Team(members=members, invitations=invitations, seats=seats)


def _check_may_grant(access: StaffAccess, role: Role) -> None:
    if role.rank > access.role.rank:
        raise Forbidden.worded(
            "A {role} cannot grant the {granted} role.", role=access.role.value, granted=role.value
        )


def _ensure_a_seat_is_free(access: StaffAccess, *, replacing: int = 0) -> None:
    """The tier's staff seats hold members and live invitations (409 naming the limit when full).

    Counted from the store's own partitions (two Queries over a few items) rather than kept as a
    counter, so expired invitations and owners created outside invitations (store creation, bulk
    import) are always right; two invitations sent in the same instant could both take the last seat.
    """
    tenant = access.tenant
    profile = store_profile(tenant)
    if profile is None:
        raise NotFound("No such store.")
    seats = len(list_members(access)) + len(list_invitations(access)) - replacing
    tiers.ensure_within_limit(profile.tier, tiers.Limit.STAFF_SEATS, seats)


def invite(
    access: StaffAccess, email: str, role: Role, accept_url: str, *, page_url: str | None = None
) -> Invitation:
    """Invite ``email`` to the store as ``role``; the single-use link goes to the outbox, and only its
    hash is stored. Inviters may grant roles up to their own. Inviting an e-mail again replaces its
    pending invitation (the earlier link stops working), so one person never holds two live links.

    The e-mail's link opens ``page_url`` (a page to accept in a browser; ``accept_url`` by default),
    and a program may POST the token to ``accept_url``."""
    _check_may_grant(access, role)
    tenant = access.tenant
    store = tenant.require_store()
    email = _normalize_email(email)
    repository = runtime.repository(IdentityRepository)
    existing = repository.find_user_by_email(tenant.platform, email)
    if existing and repository.get_membership(tenant.platform, store, existing[0].id):
        raise Conflict.worded("{email} is already a member of this store.", email=email)
    earlier = [i for i in list_invitations(access) if i.email == email]
    for replaced in earlier:  # replacing an invitation revokes it: only who could grant its role may
        _check_may_grant(access, replaced.role)
    _ensure_a_seat_is_free(access, replacing=len(earlier))
    now = datetime.now(UTC)
    invitation = Invitation(
        id=new_id(),
        platform=tenant.platform,
        store=store,
        email=email,
        role=role,
        invited_by=access.user_id,
        created_at=now,
        expires_at=now + timedelta(seconds=get_settings().invitation_ttl_seconds),
    )
    secret = new_token()
    repository.create_invitation(invitation, _digest(secret))
    for replaced in earlier:
        repository.delete_invitation(tenant.platform, store, replaced.id)
    token = f"{invitation.id}.{secret}"
    link = f"{page_url or accept_url}?token={token}"
    enqueue_email(
        tenant,
        to=email,
        subject=f"You are invited to join {store} on Orion",
        text=(
            f"You have been invited to join the team of {store} as {role.value}.\n\n"
            f"Open this link to accept the invitation: {link}\n"
            f"(A program can POST the token, and for a new account a name and password, to"
            f" {accept_url}.)\n\n"
            f"The link works once and expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
        ),
        kind="invitation",
        data={"invitation_id": invitation.id, "accept_url": link, "token": token},
    )
    return invitation


def owner_email(email: str) -> str:
    """``email`` as a store owner's invitation would take it (checked before a store is opened for it,
    so a refused address never leaves a store without its owner's invitation)."""
    return _normalize_email(email)


def invite_store_owner(
    platform: Tenant, store: str, *, admin_id: str, email: str, accept_url: str, page_url: str | None = None
) -> Invitation:
    """A platform admin invites the owner of one of the platform's stores (a store just opened from
    the console or the admin API, as the bulk store import does): an Owner invitation in the outbox."""
    acting = StaffAccess(
        tenant=Tenant(platform.require_platform_only(), store),
        principal=Principal(user_id=admin_id, platform=platform.platform, token_id="platform-admin"),
        role=Role.OWNER,
        permissions=frozenset(),
    )
    return invite(acting, email, Role.OWNER, accept_url, page_url=page_url)


def resend_invitation(
    access: StaffAccess, invitation_id: str, accept_url: str, *, page_url: str | None = None
) -> Invitation:
    """Send a pending invitation again: a new link for the same e-mail and role (the earlier link
    stops working), under the same rules as :func:`invite`."""
    found = _pending_invitation(access, invitation_id)
    return invite(access, found.email, found.role, accept_url, page_url=page_url)


def _pending_invitation(access: StaffAccess, invitation_id: str) -> Invitation:
    store = access.tenant.require_store()
    repository = runtime.repository(IdentityRepository)
    found = (
        repository.get_invitation(access.tenant.platform, store, invitation_id)
        if re.fullmatch(r"[0-9A-Z]{26}", invitation_id)
        else None
    )
    if found is None or found[0].accepted_at is not None or found[0].expires_at <= datetime.now(UTC):
        raise NotFound("No such invitation.")
    return found[0]


def revoke_invitation(access: StaffAccess, invitation_id: str) -> None:
    """Withdraw an invitation of the store (its link stops working). Revoking follows the rule of
    issuing: only who could grant the invitation's role may revoke it (403 otherwise), so a Manager
    cannot withdraw an Owner's invitation to that role. An invitation's role never changes (inviting
    again makes a new invitation), so the role read here is the one deleted."""
    store = access.tenant.require_store()
    repository = runtime.repository(IdentityRepository)
    found = (
        repository.get_invitation(access.tenant.platform, store, invitation_id)
        if re.fullmatch(r"[0-9A-Z]{26}", invitation_id)
        else None
    )
    if found is None:
        raise NotFound("No such invitation.")
    invitation, _ = found
    _check_may_grant(access, invitation.role)
    if not repository.delete_invitation(access.tenant.platform, store, invitation_id):
        raise NotFound("No such invitation.")


@dataclass(frozen=True)
class OpenInvitation:
    """A usable invitation, as its link shows it before it is accepted."""

    invitation: Invitation
    has_account: bool  # the e-mail already has an account on the platform (no name/password needed)


def open_invitation(tenant: Tenant, token: str) -> OpenInvitation:
    """The invitation behind a link's token, without spending it: 404 for a wrong token, 410 once
    used or expired."""
    invitation, _ = _usable_invitation(tenant, token)
    existing = runtime.repository(IdentityRepository).find_user_by_email(tenant.platform, invitation.email)
    return OpenInvitation(invitation=invitation, has_account=existing is not None)


def _usable_invitation(tenant: Tenant, token: str) -> tuple[Invitation, IdentityRepository]:
    store = tenant.store
    parts = _split_opaque(token)
    if store is None or parts is None:
        raise NotFound("This invitation does not exist.")
    repository = runtime.repository(IdentityRepository)
    found = repository.get_invitation(tenant.platform, store, parts[0])
    if found is None or not hmac.compare_digest(found[1], _digest(parts[1])):
        raise NotFound("This invitation does not exist.")
    invitation = found[0]
    if invitation.accepted_at is not None:
        raise Gone("This invitation was already used.")
    if invitation.expires_at <= datetime.now(UTC):
        raise Gone("This invitation has expired; ask for a new one.")
    return invitation, repository


def accept_invitation(tenant: Tenant, token: str, new_user: NewUser | None) -> Membership:
    """Spend an invitation: add the membership to the invitee's account, creating the account (with
    ``new_user``'s name and password) if the e-mail has none on this platform yet."""
    invitation, repository = _usable_invitation(tenant, token)
    store = tenant.require_store()
    now = datetime.now(UTC)
    existing = repository.find_user_by_email(tenant.platform, invitation.email)
    if existing is not None:
        user, password_hash = existing[0], None
    else:
        if new_user is None:
            raise Invalid("A name and password are needed to create your account.")
        user = User(
            id=new_id(), platform=tenant.platform, email=invitation.email, name=new_user.name, created_at=now
        )
        password_hash = passwords.hash_password(new_user.password)
    repository.accept_invitation(invitation, user, password_hash, now)
    return Membership(
        user_id=user.id, platform=tenant.platform, store=store, role=invitation.role, created_at=now
    )


def change_role(access: StaffAccess, user_id: str, role: Role) -> Member:
    """Give a member another role; managers of a role must outrank or equal it, and the last Owner
    cannot be demoted."""
    tenant = access.tenant
    store = tenant.require_store()
    repository = runtime.repository(IdentityRepository)
    current = _member(repository, tenant, user_id)
    _check_may_grant(access, current.role)
    _check_may_grant(access, role)
    if current.role is not role:
        repository.change_role(tenant.platform, store, user_id, current.role, role)
    return next(m for m in repository.list_members(tenant.platform, store) if m.user_id == user_id)


def remove_member(access: StaffAccess, user_id: str) -> None:
    tenant = access.tenant
    store = tenant.require_store()
    repository = runtime.repository(IdentityRepository)
    current = _member(repository, tenant, user_id)
    _check_may_grant(access, current.role)
    repository.remove_membership(tenant.platform, store, user_id, current.role)


def _member(repository: IdentityRepository, tenant: Tenant, user_id: str) -> Membership:
    store = tenant.require_store()
    if not re.fullmatch(r"[0-9A-Z]{26}", user_id):
        raise NotFound("No such member.")
    membership = repository.get_membership(tenant.platform, store, user_id)
    if membership is None:
        raise NotFound("No such member.")
    return membership


# --- provisioning --------------------------------------------------------------------------------------


def create_staff_user(tenant: Tenant, email: str, name: str, password: str, role: Role) -> User:
    """Create a staff user with a membership in ``tenant``'s store, or add the membership to the
    existing user with that e-mail (store onboarding, demo data)."""
    store = tenant.require_store()
    email = _normalize_email(email)
    repository = runtime.repository(IdentityRepository)
    existing = repository.find_user_by_email(tenant.platform, email)
    if existing is not None:
        repository.add_membership(existing[0], store, role)
        return existing[0]
    NewUser(name=name, password=password)  # the same rules as for invitees
    user = User(id=new_id(), platform=tenant.platform, email=email, name=name, created_at=datetime.now(UTC))
    repository.create_user(user, passwords.hash_password(password))
    repository.add_membership(user, store, role)
    return user


# --- platform admins -----------------------------------------------------------------------------------


def create_platform_admin(tenant: Tenant, email: str, name: str, password: str) -> User:
    """A platform admin account (demo data, the first admin of a new platform)."""
    email = _normalize_email(email)
    NewUser(name=name, password=password)
    user = User(
        id=new_id(),
        platform=tenant.platform,
        email=email,
        name=name,
        platform_admin=True,
        created_at=datetime.now(UTC),
    )
    runtime.repository(IdentityRepository).create_user(user, passwords.hash_password(password))
    return user


def find_user(tenant: Tenant, email: str) -> User:
    """The platform's staff user with ``email`` (404 if none)."""
    found = runtime.repository(IdentityRepository).find_user_by_email(
        tenant.platform, _normalize_email(email)
    )
    if found is None:
        raise NotFound("No user with this e-mail on this platform.")
    return found[0]


USERS_PAGE_MAX = 200


def list_users(
    tenant: Tenant, *, email: str = "", limit: int = 50, cursor: str | None = None
) -> tuple[list[User], str | None]:
    """A page of the platform's staff users (admins and store members) sorted by e-mail, and the
    cursor of the next page; with ``email``, those whose address starts with it (case-insensitive).
    One Query."""
    from orion.data.cursors import decode_sort_key, encode_cursor

    after: tuple[str, str] | None = None
    if cursor:
        sort_key, user_id = decode_sort_key(cursor)
        after = (user_id, sort_key)
    prefix = email.strip().lower()
    if len(prefix) > 254 or "#" in prefix:
        raise Invalid(errors=[FieldError("email", "This value is not valid.")])
    users, last = runtime.repository(IdentityRepository).list_users(
        tenant.platform, email_prefix=prefix, limit=max(1, min(limit, USERS_PAGE_MAX)), after=after
    )
    return users, encode_cursor(last[1]) if last else None


def get_user(tenant: Tenant, user_id: str) -> tuple[User, list[Membership]]:
    repository = runtime.repository(IdentityRepository)
    user = repository.get_user(tenant.platform, user_id) if re.fullmatch(r"[0-9A-Z]{26}", user_id) else None
    if user is None:
        raise NotFound("No such user on this platform.")
    return user, repository.list_memberships(tenant.platform, user_id)


def set_user_locked(tenant: Tenant, user_id: str, locked: bool) -> User:
    """Lock a user out or unlock them. A lock takes effect on the user's next request: their access
    tokens are refused (401), their refresh tokens too (and each family is revoked when presented),
    and after an unlock only a fresh sign-in works."""
    if not runtime.repository(IdentityRepository).set_user_active(tenant.platform, user_id, not locked):
        raise NotFound("No such user on this platform.")
    return get_user(tenant, user_id)[0]


def reset_password(tenant: Tenant, user_id: str) -> User:
    """Give a user a new random password, sent to their e-mail address through the outbox; the old
    password and every token issued before stop working at once, and the account is unlocked."""
    user, _ = get_user(tenant, user_id)
    temporary = new_token(12)
    repository = runtime.repository(IdentityRepository)
    if not repository.reset_credentials(tenant.platform, user.id, passwords.hash_password(temporary)):
        raise NotFound("No such user on this platform.")
    enqueue_email(
        Tenant(tenant.platform),
        to=user.email,
        subject="Your Orion password was reset",
        text=(
            f"Hello {user.name},\n\nA platform administrator reset your password. Your new password is:\n\n"
            f"    {temporary}\n\nSign in with it and change it.\n"
        ),
        kind="password-reset",
    )
    return user.model_copy(update={"active": True, "token_version": user.token_version + 1})
