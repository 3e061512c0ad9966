"""Merchant self-service sign-up on the platform's own site.

``start_signup`` checks the entries, throttles per source address and caps the pending sign-ups per
e-mail, and stores a *pending sign-up* (tenant-prefixed key, only the SHA-256 of its token, the owner's
argon2 password hash and never the password, ttl 48 h); the verification link goes out through the
outbox. A pending sign-up holds nothing else: the store code is NOT reserved by it (it is checked again
when the link is used, and a code taken meanwhile is refused with its own message).

``complete_signup`` spends the link and creates, in ONE DynamoDB transaction, the merchant, the store
(on the platform's default tier, so its limits apply from the first minute), the owner's account with
the chosen password and the Owner membership: never a merchant without its store.

The answer to a sign-up is the same whether the e-mail already has an account or not; such an address
gets an e-mail saying so instead of a link.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from orion.data import keys
from orion.data.conditions import refused
from orion.data.table import TableItem, get_or_none
from orion.errors import Conflict, FieldError, Gone, Invalid, NotFound, TooManyRequests
from orion.identity import passwords
from orion.identity import service as identity_service
from orion.identity.models import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, User
from orion.ids import new_id, new_token
from orion.metrics.service import adjust_totals
from orion.outbox.service import enqueue_email
from orion.tenancy import stores as tenancy_stores
from orion.tenancy.models import Merchant, Store, StoreStatus
from orion.tenancy.platforms import get_platform
from orion.tenancy.resolver import RESERVED_STORE_CODES
from orion.tenant import Tenant, is_valid_code

SIGNUP_TTL = timedelta(hours=48)
MAX_PENDING_PER_EMAIL = 3
SOURCE_WINDOW_SECONDS = 3600
MAX_SIGNUPS_PER_SOURCE = 10  # sign-up attempts per source address and hour

CODE_RULES = "Use 2 to 40 lowercase letters, digits and hyphens, starting and ending with a letter or digit."
CODE_RESERVED = "This store code is reserved; choose another."
CODE_TAKEN = "This store code is already taken; choose another."
EMAIL_PENDING = (
    "Sign-ups with this e-mail are already waiting for confirmation: use the link we sent you, "
    "or try again after it expires (48 hours)."
)
LINK_INVALID = "This confirmation link is not valid. Check that you copied the whole link."
LINK_USED = "This confirmation link was already used: your store is open. Sign in to its console."
LINK_EXPIRED = "This confirmation link has expired (links work for 48 hours). Please sign up again."
CODE_TAKEN_MEANWHILE = (
    "The store code was taken by someone else meanwhile. Please sign up again with another code."
)
EMAIL_TAKEN_MEANWHILE = "An account with this e-mail exists now. Sign in, or sign up with another e-mail."
TOO_MANY = "Too many sign-ups from your network; please try again in an hour."
_TOKEN = re.compile(r"^(?P<id>[0-9A-Z]{26})\.(?P<secret>[A-Za-z0-9_-]{20,100})$")


class PendingSignupItem(TableItem, discriminator="PendingSignup"):
    """A sign-up waiting for its e-mail to be confirmed (expires by ttl)."""

    token_hash = UnicodeAttribute()
    business_name = UnicodeAttribute()
    code = UnicodeAttribute()
    owner_name = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    language = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    used_at = UTCDateTimeAttribute(null=True)
    store_code = UnicodeAttribute(null=True)  # set when used: the store it opened


class PendingPerEmailItem(TableItem, discriminator="SignupsPerEmail"):
    """How many sign-ups of one e-mail (its SHA-256) are pending; expires 48 h after the last one."""

    pending = NumberAttribute(default=0)
    expires_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class SignupInput:
    business_name: str
    code: str
    owner_name: str
    email: str
    password: str
    accept_terms: bool
    language: str = "en"


@dataclass(frozen=True)
class PendingSignup:
    id: str
    business_name: str
    code: str
    owner_name: str
    email: str
    expires_at: datetime


@dataclass(frozen=True)
class Opened:
    """What a used link made: the store and its owner."""

    store: Store
    merchant: Merchant
    user: User


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def code_problem(tenant: Tenant, code: str) -> str | None:
    """Why ``code`` cannot be a new store's code on ``tenant``'s platform (DNS-label rules, reserved
    words, taken), or None when it is free now."""
    if len(code) < 2 or not is_valid_code(code):
        return CODE_RULES
    if code in RESERVED_STORE_CODES:
        return CODE_RESERVED
    if tenancy_stores.store_exists(tenant.require_platform_only(), code):
        return CODE_TAKEN
    return None


def _check(tenant: Tenant, data: SignupInput) -> str:
    """The normalized e-mail, or Invalid naming each wrong field."""

    errors: list[FieldError] = []
    if not data.business_name.strip():
        errors.append(FieldError("business_name", "This field is required."))
    elif len(data.business_name.strip()) > 120:
        errors.append(FieldError("business_name", "Use at most 120 characters."))
    problem = code_problem(tenant, data.code)
    if problem:
        errors.append(FieldError("code", problem))
    if not data.owner_name.strip():
        errors.append(FieldError("owner_name", "This field is required."))
    elif len(data.owner_name.strip()) > 120:
        errors.append(FieldError("owner_name", "Use at most 120 characters."))
    email = ""
    try:
        email = identity_service.normalize_email(data.email)
    except Invalid:
        errors.append(FieldError("email", "Enter a valid e-mail address."))
    if not MIN_PASSWORD_LENGTH <= len(data.password) <= MAX_PASSWORD_LENGTH:
        errors.append(
            FieldError(
                "password", f"Choose between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters."
            )
        )
    if not data.accept_terms:
        errors.append(FieldError("accept_terms", "Accept the terms to open a store."))
    if errors:
        raise Invalid("Please correct the fields marked below.", errors=errors)
    return email


def _throttle(platform: str, source: str) -> None:
    """Count this attempt for its source address; past the hour's allowance, 429."""
    now = datetime.now(UTC)
    start = int(now.timestamp()) // SOURCE_WINDOW_SECONDS * SOURCE_WINDOW_SECONDS
    window, subject = str(start), _digest(source)[:40]
    if (
        identity_service.attempts_in_window(platform, "signup-source", subject, window)
        >= MAX_SIGNUPS_PER_SOURCE
    ):
        raise TooManyRequests(
            TOO_MANY, extra={"retry_after": max(start + SOURCE_WINDOW_SECONDS - int(now.timestamp()), 1)}
        )
    identity_service.count_attempt(
        platform, "signup-source", subject, window, datetime.fromtimestamp(start + SOURCE_WINDOW_SECONDS, UTC)
    )


def _take_pending_slot(platform: str, email: str, now: datetime) -> None:
    """One more pending sign-up for ``email``, unless it has :data:`MAX_PENDING_PER_EMAIL` already."""
    key = (keys.rate_limit_pk(platform, "signup-email", _digest(email)[:40]), "PENDING")
    item = get_or_none(PendingPerEmailItem, *key, consistent_read=True)
    expires = now + SIGNUP_TTL
    if item is None or item.expires_at <= now:
        PendingPerEmailItem(*key, pending=1, expires_at=expires, ttl=expires).save()
        return
    try:
        PendingPerEmailItem(*key).update(
            actions=[
                PendingPerEmailItem.pending.add(1),
                PendingPerEmailItem.expires_at.set(expires),
                PendingPerEmailItem.ttl.set(expires),
            ],
            condition=PendingPerEmailItem.pending < MAX_PENDING_PER_EMAIL,
        )
    except UpdateError as exc:
        if refused(exc):
            raise Invalid(EMAIL_PENDING, errors=[FieldError("email", EMAIL_PENDING)]) from exc
        raise


def _release_pending_slot(platform: str, email: str) -> None:
    key = (keys.rate_limit_pk(platform, "signup-email", _digest(email)[:40]), "PENDING")
    try:
        PendingPerEmailItem(*key).update(
            actions=[PendingPerEmailItem.pending.add(-1)], condition=PendingPerEmailItem.pending > 0
        )
    except UpdateError as exc:
        if not refused(exc):
            raise


def start_signup(tenant: Tenant, data: SignupInput, source: str, verify_url: str, platform_name: str) -> None:
    """Check and store a pending sign-up and e-mail its link (``verify_url`` + ``?token=...``).

    Raises Invalid (per field; an e-mail with too many pending sign-ups on ``email``) or
    TooManyRequests (per source address). The caller answers the same whether the e-mail has an
    account or not: an existing account gets an e-mail saying so, without a link."""
    platform = tenant.require_platform_only()
    _throttle(platform, source)
    email = _check(tenant, data)
    now = datetime.now(UTC)
    _take_pending_slot(platform, email, now)
    known = identity_service.email_in_use(platform, email)
    if known:
        enqueue_email(
            tenant,
            to=email,
            subject=f"Your sign-up on {platform_name}",
            text=(
                f"Hello,\n\nSomeone (maybe you) asked to open a store on {platform_name} with this e-mail"
                " address. An account with this address exists already, so no new account was made: sign"
                " in to your store's console with it, or ask your platform to open another store for you."
                " If it was not you, ignore this e-mail.\n"
            ),
            kind="signup-known",
        )
        return
    signup_id, secret = new_id(), new_token()
    expires = now + SIGNUP_TTL
    PendingSignupItem(
        keys.signup_pk(platform, signup_id),
        keys.SIGNUP_SK,
        token_hash=_digest(secret),
        business_name=data.business_name.strip(),
        code=data.code,
        owner_name=data.owner_name.strip(),
        email=email,
        password_hash=passwords.hash_password(data.password),
        language=data.language,
        created_at=now,
        expires_at=expires,
        ttl=expires,
    ).save(condition=PendingSignupItem.pk.does_not_exist())
    url = f"{verify_url}?token={signup_id}.{secret}"
    enqueue_email(
        tenant,
        to=email,
        subject=f"Confirm your store on {platform_name}",
        text=(
            f"Hello {data.owner_name.strip()},\n\nOpen this link to confirm your e-mail address and open"
            f" your store {data.code!r} on {platform_name}:\n\n{url}\n\nThe link works once and expires on"
            f" {expires:%Y-%m-%d %H:%M} UTC. If you did not sign up, ignore this e-mail.\n"
        ),
        kind="signup-verify",
        data={"signup_id": signup_id, "url": url},
    )


def _usable(tenant: Tenant, token: str) -> tuple[PendingSignupItem, str]:
    platform = tenant.require_platform_only()
    match = _TOKEN.fullmatch(token or "")
    if match is None:
        raise NotFound(LINK_INVALID)
    item = get_or_none(
        PendingSignupItem, keys.signup_pk(platform, match["id"]), keys.SIGNUP_SK, consistent_read=True
    )
    presented = _digest(match["secret"])
    if item is None or not hmac.compare_digest(item.token_hash, presented):
        raise NotFound(LINK_INVALID)
    if item.used_at is not None:
        raise Gone(LINK_USED)
    if item.expires_at <= datetime.now(UTC):
        raise Gone(LINK_EXPIRED)
    return item, presented


def open_signup(tenant: Tenant, token: str) -> PendingSignup:
    """The pending sign-up behind ``token`` without spending it (404 wrong, 410 used or expired)."""
    item, _ = _usable(tenant, token)
    return PendingSignup(
        id=item.pk.rsplit("#", 1)[1],
        business_name=item.business_name,
        code=item.code,
        owner_name=item.owner_name,
        email=item.email,
        expires_at=item.expires_at,
    )


def complete_signup(tenant: Tenant, token: str) -> Opened:
    """Spend the link: the merchant, its store on the platform's default tier, the owner's account and
    Owner membership, in one transaction (Gone for a used or expired link, Conflict for a code or
    e-mail taken meanwhile)."""
    platform = tenant.require_platform_only()
    item, presented = _usable(tenant, token)
    profile = get_platform(Tenant(platform))
    if item.code in RESERVED_STORE_CODES or tenancy_stores.store_exists(platform, item.code):
        raise Conflict(CODE_TAKEN_MEANWHILE)
    if identity_service.email_in_use(platform, item.email):
        raise Conflict(EMAIL_TAKEN_MEANWHILE)
    now = datetime.now(UTC)
    languages = (
        tuple(dict.fromkeys((item.language, *profile.languages))) if item.language else profile.languages
    )
    merchant = Merchant(id=new_id(), platform=platform, name=item.business_name, contact_email=item.email)
    store = Store(
        platform=platform,
        code=item.code,
        name=item.business_name,
        merchant_id=merchant.id,
        tier=profile.default_tier,
        status=StoreStatus.ACTIVE,
        languages=languages,
        default_language=languages[0],
        currency="EUR",
        contact_email=item.email,
        created_at=now,
    )
    user = User(id=new_id(), platform=platform, email=item.email, name=item.owner_name, created_at=now)
    try:
        with TransactWrite(connection=TableItem._get_connection().connection) as tx:
            tx.update(
                PendingSignupItem(item.pk, item.sk),
                actions=[PendingSignupItem.used_at.set(now), PendingSignupItem.store_code.set(store.code)],
                condition=(
                    PendingSignupItem.pk.exists()
                    & PendingSignupItem.used_at.does_not_exist()
                    & (PendingSignupItem.token_hash == presented)
                ),
            )
            tenancy_stores.add_merchant_and_store_to(tx, merchant, store)
            identity_service.add_owner_to(tx, user, item.password_hash, store.code)
    except TransactWriteError as exc:
        if not refused(exc):
            raise
        # Which condition failed: the link spent meanwhile, else the code or the e-mail taken.
        again = get_or_none(PendingSignupItem, item.pk, item.sk, consistent_read=True)
        if again is None or again.used_at is not None:
            raise Gone(LINK_USED) from exc
        if tenancy_stores.store_exists(platform, store.code):
            raise Conflict(CODE_TAKEN_MEANWHILE) from exc
        raise Conflict(EMAIL_TAKEN_MEANWHILE) from exc
    adjust_totals(tenant, {"merchants": 1, "stores": 1, "stores_suspended": 0})
    _release_pending_slot(platform, item.email)
    return Opened(store=store, merchant=merchant, user=user)
