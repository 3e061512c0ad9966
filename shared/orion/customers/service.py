"""Shopper account use cases: sign-up with a verification link, sign-in and sessions, addresses,
password and e-mail changes, password reset, data export and erasure, and the staff's reads.

An account belongs to one store. Nothing here tells a visitor whether an address has an account:
sign-up and reset answer the same for every address (and cost the same work); what differs goes by
e-mail to the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from orion import runtime
from orion.customers.errors import EmailTaken
from orion.customers.models import (
    MAX_ADDRESSES,
    RESET_LINK_LIFETIME,
    SESSION_IDLE,
    SESSION_LIFETIME,
    TOUCH_EVERY,
    VERIFY_LINK_LIFETIME,
    Address,
    AddressForm,
    Customer,
    CustomerList,
    RegisterForm,
    ShopperSession,
    SignedIn,
)
from orion.customers.repository import CustomerRepository, CustomerTokenItem, ShopperSessionItem
from orion.errors import (
    BadRequest,
    Conflict,
    FieldError,
    Gone,
    Invalid,
    NotFound,
    TooManyRequests,
    Unauthorized,
)
from orion.identity import passwords
from orion.identity.service import attempts_in_window, count_attempt
from orion.ids import new_id, new_token
from orion.observability import logger
from orion.orders.models import Order, OrderSummary
from orion.orders.service import (
    anonymise_customer_orders,
    attach_guest_orders,
    customer_orders,
    get_customer_order,
)
from orion.outbox.service import enqueue_email
from orion.rendering.i18n import translator
from orion.settings import get_settings
from orion.tenant import Tenant

BAD_CREDENTIALS = "The e-mail address or password is not correct."
LINK_UNUSABLE = "This link has expired or was used already. Ask for a new one."
ACCOUNT_GONE = "This account has been deleted."
_COOKIE = re.compile(r"^(?P<id>[0-9A-Z]{26})\.(?P<customer>[0-9A-Z]{26})\.(?P<secret>[A-Za-z0-9_-]{20,100})$")
_ID = re.compile(r"^[0-9A-Z]{26}$")
# Sign-ups, reset and e-mail change requests one source may make per throttle window (each sends mail).
MAIL_REQUESTS_PER_SOURCE = 20


@dataclass(frozen=True, slots=True)
class _Window:
    """The fixed throttle window of now: its key, when it ends, and the seconds left."""

    key: str
    ends: datetime
    left: int


def _window() -> _Window:
    seconds = get_settings().login_window_seconds
    now = int(datetime.now(UTC).timestamp())
    start = now // seconds * seconds
    return _Window(str(start), datetime.fromtimestamp(start + seconds, UTC), max(start + seconds - now, 1))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _repository() -> CustomerRepository:
    return runtime.repository(CustomerRepository)


def normalized_email(email: str) -> str:
    return email.strip().lower()


# --- sign-up and verification --------------------------------------------------------------------------


def register(
    tenant: Tenant, form: RegisterForm, source: str, *, lang: str, site_url: str | None, store_name: str
) -> None:
    """Open an account (unverified) and send its verification link; for an address that has an account
    already, send that address a note instead. The caller answers the same either way."""
    _throttle_mail(tenant, source)
    email = normalized_email(str(form.email))
    now = datetime.now(UTC)
    customer = Customer(
        id=new_id(), email=email, name=form.name, language=lang, created_at=now, updated_at=now
    )
    password_hash = passwords.hash_password(form.password)  # also for a known address: the same work
    try:
        _repository().create(tenant, customer, password_hash)
    except EmailTaken:
        t = translator(lang)
        link = f"{site_url}/account/login" if site_url else ""
        reset = f"{site_url}/account/reset" if site_url else ""
        _mail(
            tenant,
            email,
            t("Your account at {store}", store=store_name),
            t(
                "Someone, probably you, tried to open an account at {store} with this address. You have one"
                " already: sign in at {link} or, if you forgot your password, set a new one at {reset}.",
                store=store_name,
                link=link,
                reset=reset,
            ),
            "account_exists",
        )
        return
    _send_verification(tenant, customer, email, site_url=site_url, store_name=store_name, lang=lang)


def _send_verification(
    tenant: Tenant, customer: Customer, email: str, *, site_url: str | None, store_name: str, lang: str
) -> None:
    token = _issue(tenant, "verify", customer.id, email, VERIFY_LINK_LIFETIME)
    t = translator(lang)
    link = f"{site_url}/account/verify?token={token}" if site_url else token
    _mail(
        tenant,
        email,
        t("Confirm your e-mail address for {store}", store=store_name),
        t(
            "Hello {name},\n\nplease confirm your e-mail address by opening this link (valid for 3 days):"
            "\n{link}\n\nIf you did not ask for an account at {store}, ignore this e-mail.",
            name=customer.name,
            link=link,
            store=store_name,
        ),
        "account_verify",
    )


def verify(tenant: Tenant, token: str) -> tuple[SignedIn, int]:
    """Follow a verification link (once): the address becomes the account's verified one (for an
    e-mail change, the account moves to it), the guest orders placed with it join the account, and the
    browser is signed in. Returns the new session and how many orders joined; Gone for a used,
    expired or unknown link."""
    record = _take(tenant, token, "verify")
    repository = _repository()
    found = repository.get(tenant, record.customer_id)
    if found is None:
        raise Gone(ACCOUNT_GONE)
    customer = found[0]
    now = datetime.now(UTC)
    if record.email == customer.email:
        customer = customer.model_copy(update={"email_verified": True, "verified_at": now, "updated_at": now})
        repository.mark_verified(tenant, customer)
    else:  # an e-mail change
        if customer.pending_email != record.email:
            raise Gone(LINK_UNUSABLE)
        old = customer.email
        customer = customer.model_copy(
            update={
                "email": record.email,
                "pending_email": None,
                "email_verified": True,
                "verified_at": now,
                "updated_at": now,
            }
        )
        try:
            repository.change_email(tenant, customer, old)
        except EmailTaken as exc:
            raise Conflict("Another account of this shop uses this e-mail address already.") from exc
    joined = attach_guest_orders(tenant, customer.email, customer.id)
    logger.info("shopper account verified", extra={"joined_orders": joined})
    return _open(tenant, customer), joined


def open_verified_account(
    tenant: Tenant,
    email: str,
    name: str,
    password: str,
    *,
    lang: str = "en",
    address: AddressForm | None = None,
) -> Customer:
    """An account whose address is known to be the shopper's (the local demo's shopper; an import of
    accounts from another shop): no link to follow. EmailTaken if the address has an account."""
    now = datetime.now(UTC)
    customer = Customer(
        id=new_id(),
        email=normalized_email(email),
        name=name,
        language=lang,
        email_verified=True,
        verified_at=now,
        created_at=now,
        updated_at=now,
    )
    if address is not None:
        saved = Address(id=new_id(), **address.fields())
        customer = customer.model_copy(update={"addresses": (saved,), "default_address_id": saved.id})
    repository = _repository()
    repository.create(tenant, customer, passwords.hash_password(password))
    repository.mark_verified(tenant, customer)
    return customer


def account_of_verified_email(tenant: Tenant, email: str) -> str | None:
    """The id of the store's account whose verified address is ``email`` (a guest order placed with it
    joins that account), else None: one GetItem."""
    found = _repository().by_email(tenant, normalized_email(email))
    return found[0] if found and found[1] else None


# --- sessions ------------------------------------------------------------------------------------------


def sign_in(tenant: Tenant, email: str, password: str, source: str, *, lang: str) -> SignedIn:
    """A new session (never an old one: the id is rotated at every sign-in) for the account ``email``
    if ``password`` is its; 401 with one message for any wrong part, 429 when throttled. Failed
    attempts are counted per account and per source in fixed windows, as for staff."""
    settings = get_settings()
    email = normalized_email(email)
    window = _window()
    store = tenant.require_store()
    subjects = [
        ("shopper-login-account", _digest(f"{store}/{email}")[:40]),
        ("shopper-login-source", _digest(f"{store}/{source}")[:40]),
    ]
    account_failures = attempts_in_window(tenant.platform, *subjects[0], window.key)
    source_failures = attempts_in_window(tenant.platform, *subjects[1], window.key)
    if (
        account_failures >= settings.login_max_failures_per_account
        or source_failures >= settings.login_max_failures_per_source
    ):
        raise TooManyRequests(
            "Too many failed sign-in attempts; try again later.", extra={"retry_after": window.left}
        )
    repository = _repository()
    entry = repository.by_email(tenant, email) if "#" not in email else None
    found = repository.get(tenant, entry[0]) if entry else None
    customer, password_hash = found if found else (None, None)
    if not passwords.verify_password(password_hash, password) or customer is None:
        for scope, subject in subjects:
            count_attempt(tenant.platform, scope, subject, window.key, window.ends)
        raise Unauthorized(BAD_CREDENTIALS)
    if password_hash and passwords.needs_rehash(password_hash):
        repository.set_password(tenant, customer, passwords.hash_password(password))
    if customer.language != lang:
        customer = customer.model_copy(update={"language": lang})
        repository.save(tenant, customer)
    return _open(tenant, customer)


def _open(tenant: Tenant, customer: Customer) -> SignedIn:
    now = datetime.now(UTC)
    session_id, secret, csrf = new_id(), new_token(), new_token(24)
    expires = now + SESSION_LIFETIME
    pk, sk = CustomerRepository.session_key(tenant, session_id)
    _repository().add_session(
        tenant,
        ShopperSessionItem(
            pk,
            sk,
            customer_id=customer.id,
            secret_hash=_digest(secret),
            csrf_token=csrf,
            session_version=customer.session_version,
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
            ttl=expires,
        ),
    )
    session = ShopperSession(
        id=session_id, customer=customer, csrf_token=csrf, created_at=now, expires_at=expires
    )
    return SignedIn(cookie=f"{session_id}.{customer.id}.{secret}", session=session)


def session_keys(tenant: Tenant, cookie: str | None) -> list[tuple[str, str]]:
    """The table keys :func:`resume` reads for ``cookie`` (none for a malformed one), so a page that
    needs other items too can read them all in one request (``orion.data.table.prefetched``)."""
    match = _COOKIE.fullmatch(cookie or "")
    if match is None:
        return []
    return [
        CustomerRepository.session_key(tenant, match["id"]),
        CustomerRepository.key(tenant, match["customer"]),
    ]


def resume(tenant: Tenant, cookie: str | None) -> ShopperSession | None:
    """The live session ``cookie`` names in this store, or None (no cookie, a forged, expired or ended
    session): one BatchGetItem of the session and its account. Gone when the session outlived its
    account (deleted on another device), so the shopper is told rather than silently signed out."""
    match = _COOKIE.fullmatch(cookie or "")
    if match is None:
        return None
    repository = _repository()
    item, found = repository.session_with_account(tenant, match["id"], match["customer"])
    if item is None or item.customer_id != match["customer"]:
        return None
    if not hmac.compare_digest(item.secret_hash, _digest(match["secret"])):
        return None
    if found is None:
        repository.delete_session(tenant, match["id"])
        raise Gone(ACCOUNT_GONE)
    customer = found[0]
    now = datetime.now(UTC)
    if (
        customer.session_version != int(item.session_version or 0)
        or item.expires_at <= now
        or item.last_seen_at + SESSION_IDLE <= now
    ):
        repository.delete_session(tenant, match["id"])
        return None
    if now - item.last_seen_at >= TOUCH_EVERY:
        repository.touch_session(tenant, match["id"], now)
    return ShopperSession(
        id=match["id"],
        customer=customer,
        csrf_token=item.csrf_token,
        created_at=item.created_at,
        expires_at=item.expires_at,
    )


def end_session(tenant: Tenant, cookie: str | None) -> None:
    """End the session ``cookie`` names, if it is one (a browser signing in again leaves none behind)."""
    match = _COOKIE.fullmatch(cookie or "")
    if match is None:
        return
    repository = _repository()
    item, _ = repository.session_with_account(tenant, match["id"], match["customer"])
    if item is not None and hmac.compare_digest(item.secret_hash, _digest(match["secret"])):
        repository.delete_session(tenant, match["id"])


def resend_verification(
    tenant: Tenant, session: ShopperSession, source: str, *, lang: str, site_url: str | None, store_name: str
) -> None:
    """A new verification link for the account's address (nothing if it is verified already)."""
    customer = session.customer
    if customer.email_verified:
        return
    _throttle_mail(tenant, source)
    _send_verification(tenant, customer, customer.email, site_url=site_url, store_name=store_name, lang=lang)


def csrf_matches(session: ShopperSession, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(session.csrf_token, presented or "")


def sign_out(tenant: Tenant, session: ShopperSession) -> None:
    _repository().delete_session(tenant, session.id)


# --- the account ---------------------------------------------------------------------------------------


def account_orders(
    tenant: Tenant, customer: Customer, *, after: str | None = None
) -> tuple[list[OrderSummary], str | None]:
    """The account's orders, newest first (one Query). An unverified account sees only what it
    ordered signed in: guest orders join once the address is verified."""
    return customer_orders(tenant, customer.id, limit=25, after=after)


def account_order(tenant: Tenant, customer: Customer, order_id: str) -> Order:
    return get_customer_order(tenant, customer.id, order_id)


def update_profile(tenant: Tenant, session: ShopperSession, name: str) -> Customer:
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise Invalid(errors=[FieldError("name", "Enter your name (at most 120 characters).")])
    customer = session.customer.model_copy(update={"name": name, "updated_at": datetime.now(UTC)})
    _repository().save(tenant, customer)
    return customer


def add_address(tenant: Tenant, session: ShopperSession, form: AddressForm) -> Customer:
    customer = session.customer
    if len(customer.addresses) >= MAX_ADDRESSES:
        raise Invalid(f"An account keeps at most {MAX_ADDRESSES} addresses; delete one first.")
    address = Address(id=new_id(), **form.fields())
    default = address.id if form.make_default or not customer.addresses else customer.default_address_id
    return _save(tenant, customer, addresses=(*customer.addresses, address), default_address_id=default)


def update_address(tenant: Tenant, session: ShopperSession, address_id: str, form: AddressForm) -> Customer:
    customer = session.customer
    if customer.address(address_id) is None:
        raise NotFound("This address is not in your account.")
    changed = Address(id=address_id, **form.fields())
    addresses = tuple(changed if a.id == address_id else a for a in customer.addresses)
    default = address_id if form.make_default else customer.default_address_id
    return _save(tenant, customer, addresses=addresses, default_address_id=default)


def delete_address(tenant: Tenant, session: ShopperSession, address_id: str) -> Customer:
    customer = session.customer
    if customer.address(address_id) is None:
        return customer  # a double-clicked Delete
    addresses = tuple(a for a in customer.addresses if a.id != address_id)
    default = customer.default_address_id
    if default == address_id:
        default = addresses[0].id if addresses else None
    return _save(tenant, customer, addresses=addresses, default_address_id=default)


def choose_default_address(tenant: Tenant, session: ShopperSession, address_id: str) -> Customer:
    customer = session.customer
    if customer.address(address_id) is None:
        raise NotFound("This address is not in your account.")
    return _save(tenant, customer, addresses=customer.addresses, default_address_id=address_id)


def _save(tenant: Tenant, customer: Customer, **changes: Any) -> Customer:
    updated = customer.model_copy(update={**changes, "updated_at": datetime.now(UTC)})
    _repository().save(tenant, updated)
    return updated


def _check_password(tenant: Tenant, customer: Customer, password: str, source: str) -> None:
    """Invalid on ``current_password`` unless it is the account's (throttled as a sign-in)."""
    try:
        _verify_current(tenant, customer, password)
    except Unauthorized as exc:
        raise Invalid(errors=[FieldError("current_password", "This is not your current password.")]) from exc


def _verify_current(tenant: Tenant, customer: Customer, password: str) -> None:
    """Unauthorized unless ``password`` is the account's; failures count against the account's
    sign-in throttle, so guessing through these forms is no faster than through sign-in."""
    found = _repository().get(tenant, customer.id)
    if found is None:
        raise Gone(ACCOUNT_GONE)
    window = _window()
    subject = _digest(f"{tenant.require_store()}/{customer.email}")[:40]
    if attempts_in_window(tenant.platform, "shopper-login-account", subject, window.key) >= (
        get_settings().login_max_failures_per_account
    ):
        raise TooManyRequests("Too many failed attempts; try again later.")
    if not passwords.verify_password(found[1], password):
        count_attempt(tenant.platform, "shopper-login-account", subject, window.key, window.ends)
        raise Unauthorized(BAD_CREDENTIALS)


def change_password(tenant: Tenant, session: ShopperSession, current: str, new: str, source: str) -> SignedIn:
    """A new password after the current one is checked; every session of the account ends, and this
    browser gets a fresh one."""
    _check_password(tenant, session.customer, current, source)
    customer = session.customer.model_copy(
        update={"session_version": session.customer.session_version + 1, "updated_at": datetime.now(UTC)}
    )
    _repository().set_password(tenant, customer, passwords.hash_password(new))
    return _open(tenant, customer)


def request_email_change(
    tenant: Tenant,
    session: ShopperSession,
    new_email: str,
    current_password: str,
    source: str,
    *,
    lang: str,
    site_url: str | None,
    store_name: str,
) -> Customer:
    """Send a verification link to ``new_email``; the account moves there when it is followed. The
    answer does not say whether another account has that address (the link then says so)."""
    _check_password(tenant, session.customer, current_password, source)
    _throttle_mail(tenant, source)
    email = normalized_email(new_email)
    if email == session.customer.email:
        raise Invalid(errors=[FieldError("new_email", "This is your current address already.")])
    customer = _save(tenant, session.customer, pending_email=email)
    _send_verification(tenant, customer, email, site_url=site_url, store_name=store_name, lang=lang)
    return customer


def request_reset(
    tenant: Tenant, email: str, source: str, *, lang: str, site_url: str | None, store_name: str
) -> None:
    """E-mail a one-time link that sets a new password, if the address has an account (the answer is
    the same for any address)."""
    _throttle_mail(tenant, source)
    email = normalized_email(email)
    entry = _repository().by_email(tenant, email) if "@" in email and "#" not in email else None
    if entry is None:
        return
    token = _issue(tenant, "reset", entry[0], email, RESET_LINK_LIFETIME)
    t = translator(lang)
    link = f"{site_url}/account/reset?token={token}" if site_url else token
    _mail(
        tenant,
        email,
        t("Set a new password for {store}", store=store_name),
        t(
            "Open this link within an hour to set a new password for your account at {store}:\n{link}\n\n"
            "If you did not ask for it, ignore this e-mail: your password stays as it is.",
            store=store_name,
            link=link,
        ),
        "account_reset",
    )


def link_usable(tenant: Tenant, token: str, purpose: str) -> bool:
    """Whether a one-time link (``verify`` or ``reset``) can still be used: its page shows a form only
    then. Looking does not use it up."""
    item = _peek(tenant, token)
    return item is not None and item.purpose == purpose


def reset_password(tenant: Tenant, token: str, new_password: str) -> SignedIn:
    """Set a new password with a reset link (once): every session ends, the address counts as
    verified (the link reached it) and this browser is signed in."""
    record = _take(tenant, token, "reset")
    repository = _repository()
    found = repository.get(tenant, record.customer_id)
    if found is None or found[0].email != record.email:
        raise Gone(LINK_UNUSABLE)
    now = datetime.now(UTC)
    customer = found[0].model_copy(
        update={"session_version": found[0].session_version + 1, "updated_at": now}
    )
    repository.set_password(tenant, customer, passwords.hash_password(new_password))
    if not customer.email_verified:
        customer = customer.model_copy(update={"email_verified": True, "verified_at": now})
        repository.mark_verified(tenant, customer)
        attach_guest_orders(tenant, customer.email, customer.id)
    return _open(tenant, customer)


# --- privacy -------------------------------------------------------------------------------------------


def export_data(tenant: Tenant, customer_id: str) -> dict[str, Any]:
    """Everything the store keeps about the account, as JSON: profile, addresses and orders."""
    found = _repository().get(tenant, customer_id)
    if found is None:
        raise NotFound("There is no such customer.")
    customer = found[0]
    orders: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        summaries, after = customer_orders(tenant, customer.id, limit=100, after=after)
        for summary in summaries:
            order = get_customer_order(tenant, customer.id, summary.id)
            orders.append(order.model_dump(mode="json"))
        if after is None:
            break
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "account": customer.model_dump(mode="json", exclude={"addresses", "session_version"}),
        "addresses": [a.model_dump(mode="json") for a in customer.addresses],
        "orders": orders,
    }


def delete_account(tenant: Tenant, session: ShopperSession, current_password: str, source: str) -> None:
    """The shopper deletes their account, after giving their password (see :func:`erase`)."""
    _check_password(tenant, session.customer, current_password, source)
    erase(tenant, session.customer.id)
    _repository().delete_session(tenant, session.id)


def erase(tenant: Tenant, customer_id: str) -> int:
    """Delete the account for good: its orders are anonymised first (totals, lines and history stay
    for the books; name, address and e-mail go), then the account, its addresses and e-mail entry.
    Its other sessions end with it. How many orders were anonymised."""
    repository = _repository()
    found = repository.get(tenant, customer_id)
    if found is None:
        raise NotFound("There is no such customer.")
    erased = anonymise_customer_orders(tenant, customer_id)
    repository.delete(tenant, found[0])
    logger.info("shopper account erased", extra={"anonymised_orders": erased})
    return erased


# --- staff ---------------------------------------------------------------------------------------------


def list_customers(
    tenant: Tenant, query: str = "", *, limit: int = 50, after: str | None = None
) -> CustomerList:
    """The store's accounts: newest first, or found by the start of their e-mail address (a query
    with ``@``) or of their name. One Query per page (plus one BatchGetItem for e-mail search)."""
    if not 1 <= limit <= 100:
        raise BadRequest("limit must be between 1 and 100")
    text = query.strip()
    if len(text) > 254:
        raise Invalid(errors=[FieldError("q", "enter at most 254 characters")])
    repository = _repository()
    if not text:
        return repository.newest(tenant, limit=limit, after=after)
    if "@" in text:
        return repository.by_email_prefix(tenant, text, limit=limit, after=after)
    return repository.by_name(tenant, text, limit=limit, after=after)


def get_customer(tenant: Tenant, customer_id: str) -> Customer:
    found = _repository().get(tenant, customer_id) if _ID.fullmatch(customer_id) else None
    if found is None:
        raise NotFound("There is no such customer.")
    return found[0]


# --- helpers -------------------------------------------------------------------------------------------


def _issue(tenant: Tenant, purpose: str, customer_id: str, email: str, lifetime: Any) -> str:
    token = new_token()
    expires = datetime.now(UTC) + lifetime
    _repository().add_token(
        tenant,
        _digest(token),
        CustomerTokenItem(
            purpose=purpose, customer_id=customer_id, email=email, expires_at=expires, ttl=expires
        ),
    )
    return token


def _peek(tenant: Tenant, token: str) -> CustomerTokenItem | None:
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,100}", token or ""):
        return None
    item = _repository().token(tenant, _digest(token))
    return item if item is not None and item.expires_at > datetime.now(UTC) else None


def _take(tenant: Tenant, token: str, purpose: str) -> CustomerTokenItem:
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,100}", token or ""):
        raise Gone(LINK_UNUSABLE)
    item = _repository().take_token(tenant, _digest(token))
    if item is None or item.purpose != purpose or item.expires_at <= datetime.now(UTC):
        raise Gone(LINK_UNUSABLE)
    return item


def _throttle_mail(tenant: Tenant, source: str) -> None:
    """At most MAIL_REQUESTS_PER_SOURCE mail-sending requests per source and window."""
    window = _window()
    subject = _digest(f"{tenant.require_store()}/{source}")[:40]
    if attempts_in_window(tenant.platform, "shopper-mail-source", subject, window.key) >= (
        MAIL_REQUESTS_PER_SOURCE
    ):
        raise TooManyRequests("Too many requests from your network; try again later.")
    count_attempt(tenant.platform, "shopper-mail-source", subject, window.key, window.ends)


def _mail(tenant: Tenant, to: str, subject: str, text: str, kind: str) -> None:
    enqueue_email(tenant, to=to, subject=subject, text=text, kind=kind)
