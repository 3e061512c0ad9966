"""Key builders and the named access patterns of the single table.

Every tenant-scoped key starts with its tenant: ``P#<platform>`` for platform-wide items and
``P#<platform>#S#<store>`` for a store's items, so an IAM ``dynamodb:LeadingKeys`` condition can confine
a role to one platform or store. Host lookups are the one global family: ``DOMAIN#<host>``.
Codes are validated to ``[a-z0-9-]{2,40}`` before they reach a key, so they never contain ``#``.

Features add their key builders here and register each access pattern in :data:`ACCESS_PATTERNS`,
so the whole table layout can be read (and tested) in one place.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

DELIMITER = "#"
_CODE = re.compile(r"^[a-z0-9-]{2,40}$")


class InvalidKeyPart(ValueError):
    """A key part that would break the layout (a delimiter inside a code, an empty id)."""


def _checked_code(value: str, what: str) -> str:
    if not _CODE.fullmatch(value):
        raise InvalidKeyPart(f"{what} code {value!r} must match [a-z0-9-]{{2,40}}")
    return value


def _checked_part(value: str, what: str) -> str:
    if not value or DELIMITER in value:
        raise InvalidKeyPart(f"{what} {value!r} must be non-empty and free of {DELIMITER!r}")
    return value


def sortable_time(at: datetime) -> str:
    """A UTC time of fixed width (microseconds, ``Z``) whose text order is time order: for sort keys
    that a range condition (``GSI2SK <= <now>``) compares."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- tenant prefixes ---------------------------------------------------------------------------------


def platform_pk(platform: str) -> str:
    """``P#<platform>``: the partition of platform-wide items."""
    return f"P#{_checked_code(platform, 'platform')}"


def store_pk(platform: str, store: str) -> str:
    """``P#<platform>#S#<store>``: the prefix of every key of one store."""
    return f"{platform_pk(platform)}#S#{_checked_code(store, 'store')}"


# --- tenancy -----------------------------------------------------------------------------------------

PLATFORM_SK = "PLATFORM"
STORE_SK = "STORE"
MERCHANT_SK = "MERCHANT"


def domain_pk(host: str) -> str:
    """``DOMAIN#<host>``: the host -> tenant lookup (one GetItem, cached)."""
    return f"DOMAIN#{_checked_part(host, 'host')}"


DOMAIN_SK = "DOMAIN"
# A store's theme settings (``P#<p>#S#<s>``) or its platform's defaults for stores (``P#<p>``); read
# with the profiles, in the same BatchGetItem.
THEME_SK = "THEME"


def theme_settings_key(platform: str, store: str | None) -> tuple[str, str]:
    """``P#<p>#S#<s>`` / ``THEME`` (a store's), or ``P#<p>`` / ``THEME`` (the platform's defaults)."""
    return (store_pk(platform, store) if store else platform_pk(platform)), THEME_SK


def merchant_pk(platform: str, merchant_id: str) -> str:
    return f"{platform_pk(platform)}#M#{_checked_part(merchant_id, 'merchant id')}"


def platform_stores_gsi1pk(platform: str) -> str:
    """GSI1 partition listing a platform's stores (sorted by store code)."""
    return f"{platform_pk(platform)}#STORES"


def platform_merchants_gsi1pk(platform: str) -> str:
    """GSI1 partition listing a platform's merchants (sorted by name)."""
    return f"{platform_pk(platform)}#MERCHANTS"


def domain_claims_pk(platform: str, store: str) -> str:
    """A store's memory of when it first claimed each custom domain (SK = the host)."""
    return f"{store_pk(platform, store)}#DOMAINCLAIMS"


def store_domains_gsi1pk(platform: str, store: str) -> str:
    """GSI1 partition listing a store's custom domains."""
    return f"{store_pk(platform, store)}#DOMAINS"


# --- catalogue, orders, cart, CMS (storefront and checkout) -------------------------------------------
# A product's items share one partition: the product, its variants, and the listing and search
# entries derived from it, so an update can find (and a transaction replace) everything it wrote.
# Listing entries carry GSI1 keys (one partition per listing scope and sort), search entries GSI2 keys.

PRODUCT_SK = "PRODUCT"
VARIANT_SK_PREFIX = "PRODUCT#VARIANT#"
LISTING_SK_PREFIX = "LIST#"
SEARCH_SK_PREFIX = "SEARCH#"
POINTER_SK = "POINTER"
CATEGORY_SK = "CATEGORY"
ORDER_SK = "ORDER"
ORDER_LINE_SK_PREFIX = "ORDER#LINE#"
ORDER_HISTORY_SK_PREFIX = "ORDER#HISTORY#"
CART_SK = "CART"
CHECKOUT_KEY_SK = "CHECKOUT"
SHIPPING_SK = "SHIPPING"
PAGE_SK = "PAGE"
PLATFORM_STORE_DEFAULT_PAGE_SK = "STORE_DEFAULT"


def shipping_settings_key(platform: str, store: str) -> tuple[str, str]:
    """``P#<p>#S#<s>`` / ``SHIPPING``: a store's shipping zones and VAT rates (one item)."""
    return store_pk(platform, store), SHIPPING_SK


def encoded_part(value: str) -> str:
    """A free-form identifier (external id, SKU) made safe for a key: ``%`` and ``#`` escaped."""
    if not value:
        raise InvalidKeyPart("an identifier in a key must be non-empty")
    return value.replace("%", "%25").replace(DELIMITER, "%23")


def product_pk(platform: str, store: str, product_id: str) -> str:
    """``P#<p>#S#<s>#PRODUCT#<id>``: a product, its variants, listing and search entries."""
    return f"{store_pk(platform, store)}#PRODUCT#{_checked_part(product_id, 'product id')}"


def variant_sk(sku: str) -> str:
    return VARIANT_SK_PREFIX + encoded_part(sku)


def product_handle_pk(platform: str, store: str, handle: str) -> str:
    """Pointer from a product's URL handle to its id (unique per store)."""
    return f"{store_pk(platform, store)}#HANDLE#{_checked_part(handle, 'handle')}"


def product_sku_pk(platform: str, store: str, sku: str) -> str:
    """Pointer from a SKU to its product (SKUs are unique per store)."""
    return f"{store_pk(platform, store)}#SKU#{encoded_part(sku)}"


def product_external_id_pk(platform: str, store: str, external_id: str) -> str:
    """Pointer from an import's external id to the product (unique per store)."""
    return f"{store_pk(platform, store)}#EXTID#{encoded_part(external_id)}"


def products_gsi1pk(platform: str, store: str) -> str:
    """GSI1 partition of every product item of a store, any status (staff listing, newest first)."""
    return f"{store_pk(platform, store)}#PRODUCTS"


def products_by_title_gsi2pk(platform: str, store: str) -> str:
    """GSI2 partition of every product item of a store, any status (staff listing by title)."""
    return f"{store_pk(platform, store)}#PRODUCTS#TITLE"


def listing_gsi1pk(platform: str, store: str, scope: str, order: str) -> str:
    """GSI1 partition of one storefront listing: ``scope`` is ``ALL``, ``FEATURED`` or ``CAT#<slug>``,
    ``order`` one of ``PRICE``, ``NEWEST``, ``TITLE`` (descending orders read it backwards)."""
    return f"{store_pk(platform, store)}#LIST#{scope}#{order}"


def listing_sk(scope: str, order: str) -> str:
    return f"{LISTING_SK_PREFIX}{scope}#{order}"


def search_gsi2pk(platform: str, store: str) -> str:
    """GSI2 partition of a store's search tokens (``GSI2SK=<token>#<product id>``)."""
    return f"{store_pk(platform, store)}#SEARCH"


def search_sk(token: str) -> str:
    return SEARCH_SK_PREFIX + token


def low_stock_gsi1pk(platform: str, store: str) -> str:
    """Sparse GSI1 partition of a store's variants at or below its low-stock threshold (out of stock
    first, then by SKU); a variant is in it exactly while its stock state is ``low`` or ``out``."""
    return f"{store_pk(platform, store)}#LOWSTOCK"


def store_skus_gsi2pk(platform: str, store: str) -> str:
    """GSI2 partition of a store's SKU pointers (one per variant, by SKU): a threshold change walks it
    to recount the store's variants."""
    return f"{store_pk(platform, store)}#SKUS"


def category_pk(platform: str, store: str, slug: str) -> str:
    return f"{store_pk(platform, store)}#CATEGORY#{_checked_part(slug, 'category slug')}"


def categories_gsi1pk(platform: str, store: str) -> str:
    """GSI1 partition of a store's categories, by position then slug."""
    return f"{store_pk(platform, store)}#CATEGORIES"


def order_pk(platform: str, store: str, order_id: str) -> str:
    """An order, its lines and its status history."""
    return f"{store_pk(platform, store)}#ORDER#{_checked_part(order_id, 'order id')}"


def order_line_sk(position: int) -> str:
    return f"{ORDER_LINE_SK_PREFIX}{position:03d}"


def order_history_sk(at: str, position: int) -> str:
    return f"{ORDER_HISTORY_SK_PREFIX}{at}#{position:03d}"


def orders_gsi1pk(platform: str, store: str) -> str:
    """GSI1 partition of a store's orders by creation time."""
    return f"{store_pk(platform, store)}#ORDERS"


def orders_by_status_gsi2pk(platform: str, store: str, status: str) -> str:
    """GSI2 partition of a store's orders in one status, by creation time."""
    return f"{store_pk(platform, store)}#ORDERS#{status}"


def orders_by_email_pk(platform: str, store: str, email_digest: str) -> str:
    """A store's orders placed with one e-mail address (``SK=<created>#<id>``, written with the order):
    staff find a shopper's orders in one Query. The address is kept as a digest of its lowercase form."""
    return f"{store_pk(platform, store)}#ORDERS-BY-EMAIL#{_checked_part(email_digest, 'e-mail digest')}"


def checkout_key_pk(platform: str, store: str, key: str) -> str:
    """The idempotency record of one checkout submission (written in the order's transaction)."""
    return f"{store_pk(platform, store)}#CHECKOUT#{_checked_part(key, 'idempotency key')}"


def payment_event_pk(platform: str, store: str, event_id: str) -> str:
    """A payment provider's webhook event already processed for the store (orion.payments; kept a while
    with a ttl so a replayed or repeated event is recognised)."""
    return f"{store_pk(platform, store)}#PAYEVENT#{_checked_part(event_id, 'event id')}"


PAYMENT_EVENT_SK = "EVENT"


def cart_pk(platform: str, store: str, cart_id: str) -> str:
    return f"{store_pk(platform, store)}#CART#{_checked_part(cart_id, 'cart id')}"


def store_page_pk(platform: str, store: str, slug: str) -> str:
    """A store's own CMS page (an override of a platform default, or a custom page)."""
    return f"{store_pk(platform, store)}#PAGE#{_checked_part(slug, 'page slug')}"


def platform_page_pk(platform: str, slug: str) -> str:
    """A platform's pages of one slug: ``SK=STORE_DEFAULT`` (default for stores) or ``MARKETING``."""
    return f"{platform_pk(platform)}#PAGE#{_checked_part(slug, 'page slug')}"


def store_pages_gsi1pk(platform: str, store: str) -> str:
    return f"{store_pk(platform, store)}#PAGES"


def platform_pages_gsi1pk(platform: str, kind: str) -> str:
    """GSI1 partition of a platform's pages of one kind (``STORE_DEFAULT`` or ``MARKETING``)."""
    return f"{platform_pk(platform)}#PAGES#{kind}"


# --- metrics counters (platform admin and modules) ---------------------------------------------------

COUNTER_DAY_SK_PREFIX = "DAY#"
COUNTER_TOTAL_SK = "TOTAL"


def counters_pk(tenant_prefix: str) -> str:
    """``P#<p>#COUNTERS`` or ``P#<p>#S#<s>#COUNTERS``: a platform's or a store's counter items
    (``tenant_prefix`` is :func:`platform_pk` or :func:`store_pk`)."""
    if not tenant_prefix.startswith("P#"):
        raise InvalidKeyPart(f"counters belong to a tenant, not {tenant_prefix!r}")
    return f"{tenant_prefix}#COUNTERS"


_COUNTER_GROUP = re.compile(r"^[E-S][A-Z]{1,20}$")


def counter_group_sk(name: str) -> str:
    """A module's own totals item in a tenant's counters partition (``STOCK``): it sorts between the
    ``DAY#`` items and ``TOTAL``, so the one Query a dashboard makes reads it too, and transactions that
    move its counters leave the shared ``TOTAL`` item alone."""
    if not _COUNTER_GROUP.fullmatch(name):
        raise InvalidKeyPart(f"counter group {name!r} must match [E-S][A-Z]{{1,20}}")
    return name


def platform_audit_pk(platform: str) -> str:
    """``P#<p>#AUDIT``: audit entries about the platform itself (platform admins' changes)."""
    return f"{platform_pk(platform)}#AUDIT"


def platform_audit_gsi1pk(platform: str) -> str:
    """GSI1 partition of every audit entry of a platform (its stores' and its own), by time."""
    return f"{platform_pk(platform)}#AUDIT#ALL"


def pending_domains_gsi2pk(platform: str) -> str:
    """Sparse GSI2 partition of a platform's store domains waiting for verification."""
    return f"{platform_pk(platform)}#DOMAINS#PENDING"


PLATFORMS_GSI1PK = "PLATFORMS"
"""GSI1 partition listing every platform (scheduled tasks run per platform); the one global listing,
as ``DOMAIN#`` is the one global lookup. It holds a handful of items."""


def counter_day_sk(day: date) -> str:
    """One UTC day's counters (``DAY#2026-11-23``); sorts before ``TOTAL``."""
    return f"{COUNTER_DAY_SK_PREFIX}{day.isoformat()}"


# --- identity, team, audit, outbox (staff API) -----------------------------------------------------
# Staff users belong to a platform (a token's audience is its platform); memberships and invitations
# live under their store, so team changes stay inside the store's key space.

USER_SK = "USER"
EMAIL_SK = "EMAIL"
MEMBER_SK_PREFIX = "MEMBER#"
TEAM_SK = "TEAM"
REFRESH_SK = "FAMILY"
SIGN_IN_LINK_SK = "SIGNIN"
CONSOLE_SESSION_SK = "SESSION"
SIGNUP_SK = "SIGNUP"
WELCOME_SK = "WELCOME"


def user_pk(platform: str, user_id: str) -> str:
    """``P#<p>#USER#<id>``: a staff user's profile and password hash."""
    return f"{platform_pk(platform)}#USER#{_checked_part(user_id, 'user id')}"


def platform_users_gsi1pk(platform: str) -> str:
    """GSI1 partition listing a platform's staff users, sorted by e-mail (GSI1SK ``<email>#<id>``)."""
    return f"{platform_pk(platform)}#USERS"


def user_email_pk(platform: str, email: str) -> str:
    """``P#<p>#EMAIL#<email>``: the unique e-mail -> user id lookup (lower-cased e-mail)."""
    return f"{platform_pk(platform)}#EMAIL#{_checked_part(email, 'e-mail')}"


def store_members_pk(platform: str, store: str) -> str:
    """``P#<p>#S#<s>#TEAM``: a store's memberships (SK ``MEMBER#<user>``) and its team counters."""
    return f"{store_pk(platform, store)}#TEAM"


def member_sk(user_id: str) -> str:
    return f"{MEMBER_SK_PREFIX}{_checked_part(user_id, 'user id')}"


def user_memberships_gsi1pk(platform: str, user_id: str) -> str:
    """GSI1 partition listing a user's memberships on a platform (sorted by store code)."""
    return f"{user_pk(platform, user_id)}#STORES"


def invitations_pk(platform: str, store: str) -> str:
    """``P#<p>#S#<s>#INVITE``: a store's invitations, SK = invitation id."""
    return f"{store_pk(platform, store)}#INVITE"


def refresh_family_pk(platform: str, family_id: str) -> str:
    """``P#<p>#REFRESH#<family>``: one refresh-token family (current hash, used hashes, revoked)."""
    return f"{platform_pk(platform)}#REFRESH#{_checked_part(family_id, 'family id')}"


def sign_in_link_pk(platform: str, link_id: str) -> str:
    """``P#<p>#SIGNIN#<link>``: a one-time sign-in link of a platform admin (its token's hash, expiry,
    whether it was used), expired by ttl."""
    return f"{platform_pk(platform)}#SIGNIN#{_checked_part(link_id, 'link id')}"


def console_session_pk(platform: str, store: str | None, session_id: str) -> str:
    """``P#<p>#S#<s>#SESSION#<id>``: one staff console session, bound to its store's key space (a
    session of one store is no session on another), expired by ttl; ``P#<p>#SESSION#<id>`` (no store):
    a platform admin's session of the platform console."""
    owner = store_pk(platform, store) if store is not None else platform_pk(platform)
    return f"{owner}#SESSION#{_checked_part(session_id, 'session id')}"


def signup_pk(platform: str, signup_id: str) -> str:
    """``P#<p>#SIGNUP#<id>``: a merchant's pending self-service sign-up (its token's hash, the entries
    and the owner's password hash; never the password), expired by ttl after 48 hours."""
    return f"{platform_pk(platform)}#SIGNUP#{_checked_part(signup_id, 'sign-up id')}"


def welcome_pk(platform: str, store: str, welcome_id: str) -> str:
    """``P#<p>#S#<s>#WELCOME#<id>``: a one-time, short-lived token that opens a console session on the
    store's own host for a merchant who just signed up (the cookie must be set on that host)."""
    return f"{store_pk(platform, store)}#WELCOME#{_checked_part(welcome_id, 'welcome id')}"


def rate_limit_pk(platform: str, scope: str, subject: str) -> str:
    """``P#<p>#RATE#<scope>#<subject>``: a counter per window (SK = window start), expired by ttl."""
    return f"{platform_pk(platform)}#RATE#{_checked_part(scope, 'scope')}#{_checked_part(subject, 'subject')}"


def audit_pk(platform: str, store: str) -> str:
    """``P#<p>#S#<s>#AUDIT``: a store's audit log, SK = ``<time>#<id>`` (newest last)."""
    return f"{store_pk(platform, store)}#AUDIT"


def outbox_pk(platform: str) -> str:
    """``P#<p>#OUTBOX``: e-mails waiting to be sent for a platform's stores, SK = message id."""
    return f"{platform_pk(platform)}#OUTBOX"


def outbox_due_gsi2pk(platform: str) -> str:
    """Sparse GSI2 partition of a platform's undelivered e-mails, by when the next attempt is due
    (``GSI2SK=<due>#<id>``); an e-mail leaves it when it is sent or given up."""
    return f"{platform_pk(platform)}#OUTBOX#DUE"


def outbox_failed_gsi2pk(platform: str) -> str:
    """Sparse GSI2 partition of a platform's e-mails given up after their last attempt (by time)."""
    return f"{platform_pk(platform)}#OUTBOX#FAILED"


def mail_suppression_pk(platform: str) -> str:
    """``P#<p>#MAILSUPPRESSED``: addresses the platform no longer sends to (a hard bounce or a
    complaint), SK = :func:`mail_suppression_sk` of the address; one GetItem before each send."""
    return f"{platform_pk(platform)}#MAILSUPPRESSED"


def mail_suppression_sk(address: str) -> str:
    """An e-mail address as a sort key: lower-cased (mailbox providers treat case as one address)."""
    return encoded_part(address.strip().lower())


# --- imports -----------------------------------------------------------------------------------------

IMPORT_JOB_SK = "JOB"


def import_job_pk(platform: str, store: str, job_id: str) -> str:
    """``P#<p>#S#<s>#IMPORT#<job>``: one import job, its chunk results and its staged rows."""
    return f"{store_pk(platform, store)}#IMPORT#{_checked_part(job_id, 'job id')}"


def import_jobs_gsi1pk(platform: str, store: str) -> str:
    """GSI1 partition listing a store's import jobs (sorted by creation time)."""
    return f"{store_pk(platform, store)}#IMPORTS"


def open_imports_gsi2pk(platform: str) -> str:
    """Sparse GSI2 partition of a platform's unfinished import jobs (PENDING, RUNNING), by the time the
    watchdog should look at them (``GSI2SK=<deadline>#<store>#<job>``); a final status removes it."""
    return f"{platform_pk(platform)}#IMPORTS#OPEN"


def finished_imports_gsi2pk(platform: str, status: str) -> str:
    """GSI2 partition of a platform's import jobs that ended with ``status`` (FAILED, COMPLETED,
    COMPLETED_WITH_ERRORS), by creation time: a job moves here from the open-jobs partition when it
    ends (the admin API's imports across stores)."""
    if status == "OPEN":
        raise ValueError("OPEN is the unfinished jobs' partition")
    return f"{platform_pk(platform)}#IMPORTS#{_checked_part(status, 'import status')}"


def import_chunk_sk(index: int) -> str:
    return f"CHUNK#{index:06d}"


IMPORT_CHUNK_PREFIX = "CHUNK#"
STAGED_ROW_PREFIX = "ROW#"


def staged_row_sk(language: str, external_id: str) -> str:
    """``ROW#<lang>#<external id>``: the id comes last, so a ``#`` inside it cannot shift the layout."""
    if not external_id:
        raise InvalidKeyPart("external id must be non-empty")
    return f"{STAGED_ROW_PREFIX}{_checked_code(language, 'language')}#{external_id}"


def staged_rows_prefix(language: str) -> str:
    """``ROW#<lang>#``: the staged rows of one language, in external id order."""
    return f"{STAGED_ROW_PREFIX}{_checked_code(language, 'language')}#"


# --- media (uploaded images) -------------------------------------------------------------------------

MEDIA_SK = "MEDIA"


def media_pk(platform: str, store: str, media_id: str) -> str:
    """``P#<p>#S#<s>#MEDIA#<id>``: one uploaded image's record."""
    return f"{store_pk(platform, store)}#MEDIA#{_checked_part(media_id, 'media id')}"


def media_gsi1pk(platform: str, store: str) -> str:
    """GSI1 partition listing a store's uploaded images (``GSI1SK=<created at>#<id>``)."""
    return f"{store_pk(platform, store)}#MEDIA"


MEDIA_SOURCE_SK = "MEDIASRC"
MEDIA_CONTENT_SK = "MEDIAHASH"


def media_source_pk(platform: str, store: str, address_hash: str) -> str:
    """``P#<p>#S#<s>#MEDIASRC#<sha-256 of the address>``: the image fetched from one address (imports)."""
    return f"{store_pk(platform, store)}#MEDIASRC#{_checked_part(address_hash, 'address hash')}"


def media_content_pk(platform: str, store: str, content_hash: str) -> str:
    """``P#<p>#S#<s>#MEDIAHASH#<sha-256 of the bytes>``: the one image a store keeps of those bytes."""
    return f"{store_pk(platform, store)}#MEDIAHASH#{_checked_part(content_hash, 'content hash')}"


# --- channels (publishing to other destinations) -------------------------------------------------------

INTEGRATION_SK_PREFIX = "INTEGRATION#"
RECORD_SK_PREFIX = "RECORD#"
CHANNEL_JOB_SK_PREFIX = "JOB#"


def integrations_pk(platform: str, store: str) -> str:
    """``P#<p>#S#<s>#CHANNELS``: a store's integrations (a handful), ``SK=INTEGRATION#<id>``."""
    return f"{store_pk(platform, store)}#CHANNELS"


def integration_sk(integration_id: str) -> str:
    return f"{INTEGRATION_SK_PREFIX}{_checked_part(integration_id, 'integration id')}"


def channel_pk(platform: str, store: str, integration_id: str) -> str:
    """``P#<p>#S#<s>#CHANNEL#<integration>``: one integration's publishing records and jobs."""
    return f"{store_pk(platform, store)}#CHANNEL#{_checked_part(integration_id, 'integration id')}"


def channel_record_sk(item_kind: str, item_id: str) -> str:
    """``RECORD#<kind>#<item id>``: one item's record at one destination (kind: product or page)."""
    return f"{RECORD_SK_PREFIX}{_checked_part(item_kind, 'item kind')}#{_checked_part(item_id, 'item id')}"


def channel_records_by_status_gsi1pk(platform: str, store: str, integration_id: str, status: str) -> str:
    """GSI1 partition of one integration's records of one status (``GSI1SK=<kind>#<item id>``)."""
    return f"{channel_pk(platform, store, integration_id)}#STATUS#{_checked_part(status, 'status')}"


def item_channels_gsi2pk(platform: str, store: str, item_kind: str, item_id: str) -> str:
    """GSI2 partition of one item's records across the store's integrations (``GSI2SK=<integration>``)."""
    kind, item = _checked_part(item_kind, "item kind"), _checked_part(item_id, "item id")
    return f"{store_pk(platform, store)}#CHANNELITEM#{kind}#{item}"


def channel_job_sk(job_id: str) -> str:
    return f"{CHANNEL_JOB_SK_PREFIX}{_checked_part(job_id, 'job id')}"


CHANNEL_REMOTE_SK_PREFIX = "REMOTE#"


def channel_remote_sk(remote_id: str) -> str:
    """``REMOTE#<sha-256 of the remote id>``: which item a destination's id stands for (two-way sync
    looks up the items the destination reports by their remote ids; a remote id may be any text, a
    Shopify GID say, so it is hashed)."""
    return CHANNEL_REMOTE_SK_PREFIX + hashlib.sha256(remote_id.encode()).hexdigest()


def channel_webhook_sk(webhook_id: str) -> str:
    """``WEBHOOK#<delivery id>``: a destination's webhook delivery to the integration, acted on once."""
    return f"WEBHOOK#{_checked_part(webhook_id, 'webhook id')}"


# --- the registry --------------------------------------------------------------------------------------

Operation = Literal[
    "GetItem",
    "BatchGetItem",
    "Query",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "TransactWriteItems",
    "BatchWriteItem",
]


# --- customers (shopper accounts) ------------------------------------------------------------------

CUSTOMER_SK = "PROFILE"
CUSTOMER_ORDER_PREFIX = "ORDER#"
SHOPPER_SESSION_SK = "SESSION"
CUSTOMER_TOKEN_SK = "TOKEN"


def customer_pk(platform: str, store: str, customer_id: str) -> str:
    """A shopper account's partition: its profile (SK ``PROFILE``) and one summary per order
    (SK ``ORDER#<created>#<order id>``), so the account page is one Query after the session read."""
    return f"{store_pk(platform, store)}#CUSTOMER#{_checked_part(customer_id, 'customer id')}"


def customer_order_sk(created_at: datetime, order_id: str) -> str:
    created = created_at.astimezone(UTC).isoformat()
    return f"{CUSTOMER_ORDER_PREFIX}{created}#{_checked_part(order_id, 'order id')}"


def customer_emails_pk(platform: str, store: str) -> str:
    """The store's e-mail -> account index (SK: the lower-case address): unique addresses by a
    conditional put, sign-in by GetItem, staff search by prefix."""
    return f"{store_pk(platform, store)}#CUSTOMER_EMAILS"


def customers_gsi1pk(platform: str, store: str) -> str:
    """GSI1 partition of a store's accounts, newest first (GSI1SK ``<created>#<id>``)."""
    return f"{store_pk(platform, store)}#CUSTOMERS"


def customers_by_name_gsi2pk(platform: str, store: str) -> str:
    """GSI2 partition of a store's accounts by folded name (GSI2SK ``<name>#<id>``), for prefix search."""
    return f"{store_pk(platform, store)}#CUSTOMERS#NAME"


def shopper_session_pk(platform: str, store: str, session_id: str) -> str:
    return f"{store_pk(platform, store)}#SHOPPER_SESSION#{_checked_part(session_id, 'session id')}"


def customer_token_pk(platform: str, store: str, token_digest: str) -> str:
    """A one-time link of a shopper account (verify e-mail, reset password), by its secret's digest."""
    return f"{store_pk(platform, store)}#CUSTOMER_TOKEN#{_checked_part(token_digest, 'token digest')}"


@dataclass(frozen=True)
class AccessPattern:
    """One way the application reads or writes the table; ``key`` shows the key it uses."""

    name: str
    operation: Operation
    key: str
    index: str | None = None
    requests: int = 1


ACCESS_PATTERNS: tuple[AccessPattern, ...] = (
    AccessPattern(
        "resolve host to tenant",
        "BatchGetItem",
        "PK=DOMAIN#<host> and DOMAIN#<parent host>, SK=DOMAIN",
    ),
    AccessPattern(
        "load store and platform profile, with their theme settings",
        "BatchGetItem",
        "PK=P#<p>#S#<s> SK=STORE|THEME; PK=P#<p> SK=PLATFORM|THEME",
    ),
    AccessPattern("get platform", "GetItem", "PK=P#<p>, SK=PLATFORM"),
    AccessPattern("get store", "GetItem", "PK=P#<p>#S#<s>, SK=STORE"),
    AccessPattern(
        "theme settings of a store and its platform's defaults (staff, admin)",
        "BatchGetItem",
        "PK=P#<p>#S#<s> SK=THEME; PK=P#<p> SK=THEME",
    ),
    AccessPattern("save theme settings", "PutItem", "PK=P#<p>#S#<s> or P#<p>, SK=THEME"),
    AccessPattern("reset theme settings", "DeleteItem", "PK=P#<p>#S#<s> or P#<p>, SK=THEME"),
    AccessPattern("get merchant", "GetItem", "PK=P#<p>#M#<id>, SK=MERCHANT"),
    AccessPattern("list stores of a platform", "Query", "GSI1PK=P#<p>#STORES, GSI1SK=<store>", "GSI1"),
    AccessPattern("list merchants of a platform", "Query", "GSI1PK=P#<p>#MERCHANTS, GSI1SK=<name>", "GSI1"),
    AccessPattern(
        "list custom domains of a store", "Query", "GSI1PK=P#<p>#S#<s>#DOMAINS, GSI1SK=<host>", "GSI1"
    ),
    # --- catalogue, orders, cart, CMS ---
    AccessPattern(
        "product page by handle",
        "GetItem",
        "PK=P#<p>#S#<s>#HANDLE#<handle>, SK=POINTER; then Query PK=P#<p>#S#<s>#PRODUCT#<id>, "
        "SK begins_with PRODUCT",
        requests=2,
    ),
    AccessPattern("get product", "Query", "PK=P#<p>#S#<s>#PRODUCT#<id>, SK begins_with PRODUCT"),
    AccessPattern("variant by SKU", "GetItem", "PK=P#<p>#S#<s>#SKU#<sku>, SK=POINTER", requests=2),
    AccessPattern("product by external id", "GetItem", "PK=P#<p>#S#<s>#EXTID#<external id>, SK=POINTER"),
    AccessPattern(
        "storefront listing (all, featured or one category; by price, newest or title)",
        "Query",
        "GSI1PK=P#<p>#S#<s>#LIST#<ALL|FEATURED|CAT#<slug>>#<PRICE|NEWEST|TITLE>, GSI1SK=<value>#<id>",
        "GSI1",
    ),
    AccessPattern("staff product listing", "Query", "GSI1PK=P#<p>#S#<s>#PRODUCTS, GSI1SK=<created>", "GSI1"),
    AccessPattern(
        "staff product listing by title", "Query", "GSI2PK=P#<p>#S#<s>#PRODUCTS#TITLE, GSI2SK=<title>", "GSI2"
    ),
    AccessPattern(
        "search by title/brand word prefix",
        "Query",
        "GSI2PK=P#<p>#S#<s>#SEARCH, GSI2SK begins_with <token>",
        "GSI2",
    ),
    AccessPattern(
        "write a product",
        "TransactWriteItems",
        "PK=P#<p>#S#<s>#PRODUCT#<id> (product, variants, listing and search entries) "
        "+ PK=P#<p>#S#<s>#<HANDLE|SKU|EXTID>#<value> pointers",
    ),
    AccessPattern(
        "low-stock variants of a store (sparse)",
        "Query",
        "GSI1PK=P#<p>#S#<s>#LOWSTOCK, GSI1SK=<0 out|1 low>#<sku>",
        "GSI1",
    ),
    AccessPattern(
        "variants of a store by SKU (recount after a threshold change)",
        "Query",
        "GSI2PK=P#<p>#S#<s>#SKUS, GSI2SK=<sku>; then BatchGetItem PK=P#<p>#S#<s>#PRODUCT#<id>, "
        "SK=PRODUCT#VARIANT#<sku>",
        "GSI2",
    ),
    AccessPattern(
        "change a variant's stock (staff adjustment; a threshold crossing moves the STOCK counters "
        "in the same transaction)",
        "UpdateItem",
        "PK=P#<p>#S#<s>#PRODUCT#<id>, SK=PRODUCT#VARIANT#<sku> (conditional on its stock band)",
    ),
    AccessPattern("get category", "GetItem", "PK=P#<p>#S#<s>#CATEGORY#<slug>, SK=CATEGORY"),
    AccessPattern(
        "list categories", "Query", "GSI1PK=P#<p>#S#<s>#CATEGORIES, GSI1SK=<position>#<slug>", "GSI1"
    ),
    AccessPattern("store shipping zones and VAT rates", "GetItem", "PK=P#<p>#S#<s>, SK=SHIPPING"),
    AccessPattern("get cart", "GetItem", "PK=P#<p>#S#<s>#CART#<cart id>, SK=CART"),
    AccessPattern(
        "place order",
        "TransactWriteItems",
        "PK=P#<p>#S#<s>#PRODUCT#<id> stock update per line; PK=P#<p>#S#<s>#ORDER#<id> order, lines, "
        "history; PK=P#<p>#S#<s>#ORDERS-BY-EMAIL#<digest>; PK=P#<p>#S#<s>#CHECKOUT#<key>; "
        "PK=P#<p>#S#<s>#CART#<id> deleted",
    ),
    AccessPattern("get order", "Query", "PK=P#<p>#S#<s>#ORDER#<id>"),
    AccessPattern("list orders", "Query", "GSI1PK=P#<p>#S#<s>#ORDERS, GSI1SK=<created>#<id>", "GSI1"),
    AccessPattern(
        "list orders by status", "Query", "GSI2PK=P#<p>#S#<s>#ORDERS#<status>, GSI2SK=<created>#<id>", "GSI2"
    ),
    AccessPattern(
        "orders of one shopper's e-mail (staff search; then BatchGetItem of the orders)",
        "Query",
        "PK=P#<p>#S#<s>#ORDERS-BY-EMAIL#<digest>, SK=<created>#<id>",
    ),
    AccessPattern("order by checkout key", "GetItem", "PK=P#<p>#S#<s>#CHECKOUT#<key>, SK=CHECKOUT"),
    AccessPattern(
        "payment webhook event processed once", "PutItem", "PK=P#<p>#S#<s>#PAYEVENT#<event id>, SK=EVENT"
    ),
    AccessPattern(
        "CMS page, three tiers",
        "BatchGetItem",
        "PK=P#<p>#S#<s>#PAGE#<slug> SK=PAGE; PK=P#<p>#PAGE#<slug> SK=STORE_DEFAULT",
    ),
    AccessPattern("platform marketing page", "GetItem", "PK=P#<p>#PAGE#<slug>, SK=MARKETING"),
    AccessPattern("list store pages", "Query", "GSI1PK=P#<p>#S#<s>#PAGES, GSI1SK=<slug>", "GSI1"),
    AccessPattern(
        "list platform pages", "Query", "GSI1PK=P#<p>#PAGES#<STORE_DEFAULT|MARKETING>, GSI1SK=<slug>", "GSI1"
    ),
    # --- metrics counters (platform admin and modules) ---
    AccessPattern(
        "add to a tenant's counters (atomic ADD, optionally bounded)",
        "UpdateItem",
        "PK=P#<p>[#S#<s>]#COUNTERS, SK=DAY#<yyyy-mm-dd> or TOTAL",
    ),
    AccessPattern(
        "move a module's counters inside its own transaction (low stock: checkout, restock, saves)",
        "TransactWriteItems",
        "PK=P#<p>#S#<s>#COUNTERS, SK=<group> (e.g. STOCK; conditional on the group's settings)",
    ),
    AccessPattern(
        "list store domains waiting for verification (sparse)",
        "Query",
        "GSI2PK=P#<p>#DOMAINS#PENDING, GSI2SK=<host>",
        "GSI2",
    ),
    AccessPattern(
        "audit log across a platform's stores", "Query", "GSI1PK=P#<p>#AUDIT#ALL, GSI1SK=<time>#<id>", "GSI1"
    ),
    AccessPattern("list platforms (scheduled tasks)", "Query", "GSI1PK=PLATFORMS, GSI1SK=<platform>", "GSI1"),
    AccessPattern(
        "read a tenant's last 30 days of counters and totals",
        "Query",
        "PK=P#<p>[#S#<s>]#COUNTERS, SK BETWEEN DAY#<first day> AND TOTAL (groups like STOCK included)",
    ),
    # identity, team, audit, outbox (staff API)
    AccessPattern("get staff user", "GetItem", "PK=P#<p>#USER#<id>, SK=USER"),
    AccessPattern("find staff user by e-mail", "GetItem", "PK=P#<p>#EMAIL#<email>, SK=EMAIL"),
    AccessPattern(
        "list a platform's staff users by e-mail (prefix search)",
        "Query",
        "GSI1PK=P#<p>#USERS, GSI1SK begins_with <email prefix> (<email>#<id>)",
        "GSI1",
    ),
    AccessPattern("get membership of a user in a store", "GetItem", "PK=P#<p>#S#<s>#TEAM, SK=MEMBER#<user>"),
    AccessPattern("list members of a store", "Query", "PK=P#<p>#S#<s>#TEAM, SK begins_with MEMBER#"),
    AccessPattern(
        "list memberships of a user", "Query", "GSI1PK=P#<p>#USER#<id>#STORES, GSI1SK=<store>", "GSI1"
    ),
    AccessPattern(
        "change membership (last-owner guard)",
        "TransactWriteItems",
        "PK=P#<p>#S#<s>#TEAM, SK=MEMBER#<user> and SK=TEAM (owner count, conditional)",
    ),
    AccessPattern("get invitation", "GetItem", "PK=P#<p>#S#<s>#INVITE, SK=<id>"),
    AccessPattern("list invitations of a store", "Query", "PK=P#<p>#S#<s>#INVITE"),
    AccessPattern(
        "accept invitation",
        "TransactWriteItems",
        "PK=P#<p>#S#<s>#INVITE (spent once), PK=P#<p>#USER#<id>, PK=P#<p>#EMAIL#<email>, PK=P#<p>#S#<s>#TEAM",
    ),
    AccessPattern("rotate refresh token", "UpdateItem", "PK=P#<p>#REFRESH#<family>, SK=FAMILY (conditional)"),
    AccessPattern("read login counters", "BatchGetItem", "PK=P#<p>#RATE#<scope>#<subject>, SK=<window>"),
    AccessPattern("count failed login", "UpdateItem", "PK=P#<p>#RATE#<scope>#<subject>, SK=<window> (ADD)"),
    AccessPattern("append audit entry", "PutItem", "PK=P#<p>#S#<s>#AUDIT, SK=<time>#<id>"),
    AccessPattern("list audit entries (newest first)", "Query", "PK=P#<p>#S#<s>#AUDIT, descending"),
    AccessPattern("enqueue e-mail", "PutItem", "PK=P#<p>#OUTBOX, SK=<id>"),
    AccessPattern(
        "undelivered e-mails due for another attempt (sparse)",
        "Query",
        "GSI2PK=P#<p>#OUTBOX#DUE, GSI2SK <= <now>",
        "GSI2",
    ),
    AccessPattern(
        "e-mails given up after their last attempt (sparse)",
        "Query",
        "GSI2PK=P#<p>#OUTBOX#FAILED, GSI2SK=<failed at>#<id>",
        "GSI2",
    ),
    AccessPattern(
        "suppress an address after a hard bounce or complaint",
        "PutItem",
        "PK=P#<p>#MAILSUPPRESSED, SK=<address>",
    ),
    AccessPattern(
        "is an address suppressed (before each send)", "GetItem", "PK=P#<p>#MAILSUPPRESSED, SK=<address>"
    ),
    # media
    AccessPattern("create an upload's media record", "PutItem", "PK=P#<p>#S#<s>#MEDIA#<id>, SK=MEDIA"),
    AccessPattern("get a media record", "GetItem", "PK=P#<p>#S#<s>#MEDIA#<id>, SK=MEDIA"),
    AccessPattern(
        "media records a product's images name (product writes)",
        "BatchGetItem",
        "PK=P#<p>#S#<s>#MEDIA#<id>, SK=MEDIA",
    ),
    AccessPattern(
        "list a store's uploaded images (newest first)",
        "Query",
        "GSI1PK=P#<p>#S#<s>#MEDIA, GSI1SK=<created at>#<id>",
        "GSI1",
    ),
    AccessPattern(
        "claim and finish the processing of an upload",
        "UpdateItem",
        "PK=P#<p>#S#<s>#MEDIA#<id>, SK=MEDIA (conditional on pending and the claim's lease)",
    ),
    AccessPattern(
        "the images already fetched from a page of products' addresses (import publish)",
        "BatchGetItem",
        "PK=P#<p>#S#<s>#MEDIASRC#<sha-256 of the address>, SK=MEDIASRC",
    ),
    AccessPattern(
        "start fetching an address once (a new record and its address's item)",
        "TransactWriteItems",
        "PK=P#<p>#S#<s>#MEDIASRC#<sha-256 of the address>, SK=MEDIASRC (conditional on absent or failed)",
    ),
    AccessPattern(
        "add products waiting for an address being fetched; point it at the image kept",
        "UpdateItem",
        "PK=P#<p>#S#<s>#MEDIASRC#<sha-256 of the address>, SK=MEDIASRC",
    ),
    AccessPattern(
        "the image a store already keeps of the same bytes (fetches)",
        "PutItem",
        "PK=P#<p>#S#<s>#MEDIAHASH#<sha-256 of the bytes>, SK=MEDIAHASH (conditional on absent)",
    ),
    # channels
    AccessPattern("get integration", "GetItem", "PK=P#<p>#S#<s>#CHANNELS, SK=INTEGRATION#<id>"),
    AccessPattern(
        "list a store's integrations", "Query", "PK=P#<p>#S#<s>#CHANNELS, SK begins_with INTEGRATION#"
    ),
    AccessPattern("save or delete an integration", "PutItem", "PK=P#<p>#S#<s>#CHANNELS, SK=INTEGRATION#<id>"),
    AccessPattern(
        "publishing records of an item at one integration (a publish run)",
        "BatchGetItem",
        "PK=P#<p>#S#<s>#CHANNEL#<integration>, SK=RECORD#<kind>#<item id>",
    ),
    AccessPattern(
        "save a publishing record", "PutItem", "PK=P#<p>#S#<s>#CHANNEL#<integration>, SK=RECORD#<kind>#<id>"
    ),
    AccessPattern(
        "list an integration's publishing records",
        "Query",
        "PK=P#<p>#S#<s>#CHANNEL#<integration>, SK begins_with RECORD#",
    ),
    AccessPattern(
        "list an integration's publishing records of one status",
        "Query",
        "GSI1PK=P#<p>#S#<s>#CHANNEL#<integration>#STATUS#<status>, GSI1SK=<kind>#<item id>",
        "GSI1",
    ),
    AccessPattern(
        "an item's publishing records across integrations",
        "Query",
        "GSI2PK=P#<p>#S#<s>#CHANNELITEM#<kind>#<item id>, GSI2SK=<integration>",
        "GSI2",
    ),
    AccessPattern(
        "one item's publishing records at the store's integrations (the channel worker, consistent)",
        "BatchGetItem",
        "PK=P#<p>#S#<s>#CHANNEL#<integration>, SK=RECORD#<kind>#<item id>",
    ),
    AccessPattern(
        "mark a changed item's synced record outdated (conditional on it being as read)",
        "PutItem",
        "PK=P#<p>#S#<s>#CHANNEL#<integration>, SK=RECORD#<kind>#<item id>",
    ),
    AccessPattern(
        "save or get a publish job", "PutItem", "PK=P#<p>#S#<s>#CHANNEL#<integration>, SK=JOB#<id>"
    ),
    AccessPattern(
        "a destination's webhook delivery acted on once (Shopify)",
        "PutItem",
        "PK=P#<p>#S#<s>#CHANNEL#<integration>, SK=WEBHOOK#<delivery id> (conditional on absent)",
    ),
    AccessPattern(
        "delete an integration's records and jobs",
        "BatchWriteItem",
        "PK=P#<p>#S#<s>#CHANNEL#<integration>, every SK",
    ),
    # imports
    AccessPattern("get import job", "GetItem", "PK=P#<p>#S#<s>#IMPORT#<job>, SK=JOB"),
    AccessPattern(
        "list import jobs of a store (newest first)",
        "Query",
        "GSI1PK=P#<p>#S#<s>#IMPORTS, GSI1SK=<created at>#<job>",
        "GSI1",
    ),
    AccessPattern(
        "unfinished import jobs past their deadline (sparse; the watchdog)",
        "Query",
        "GSI2PK=P#<p>#IMPORTS#OPEN, GSI2SK <= <now>",
        "GSI2",
    ),
    AccessPattern(
        "unfinished import jobs of a platform's stores (the admin API: stuck ones first)",
        "Query",
        "GSI2PK=P#<p>#IMPORTS#OPEN",
        "GSI2",
    ),
    AccessPattern(
        "finished import jobs of a platform's stores by final status, newest first, created before",
        "Query",
        "GSI2PK=P#<p>#IMPORTS#<status>, GSI2SK < <created at>",
        "GSI2",
    ),
    AccessPattern(
        "a store's import jobs of one status, newest first (the admin API with a store)",
        "Query",
        "GSI1PK=P#<p>#S#<s>#IMPORTS, GSI1SK < <created at>, filter status",
        "GSI1",
    ),
    AccessPattern(
        "chunk results of an import job", "Query", "PK=P#<p>#S#<s>#IMPORT#<job>, SK begins_with CHUNK#"
    ),
    AccessPattern(
        "staged rows of an import job", "Query", "PK=P#<p>#S#<s>#IMPORT#<job>, SK begins_with ROW#"
    ),
    AccessPattern(
        "a page of one language's staged rows after an external id (publishing all)",
        "Query",
        "PK=P#<p>#S#<s>#IMPORT#<job>, SK begins_with ROW#<lang>#, from ROW#<lang>#<external id>",
    ),
    AccessPattern(
        "staged rows of chosen external ids (publishing a selection)",
        "BatchGetItem",
        "PK=P#<p>#S#<s>#IMPORT#<job>, SK=ROW#<lang>#<external id>",
    ),
    AccessPattern(
        "claim and record a publish of an import job",
        "UpdateItem",
        "PK=P#<p>#S#<s>#IMPORT#<job>, SK=JOB (conditional on the running publish)",
    ),
    AccessPattern(
        "write staged rows (batches of 25)",
        "BatchWriteItem",
        "PK=P#<p>#S#<s>#IMPORT#<job>, SK=ROW#<lang>#<external id>",
    ),
    AccessPattern(
        "a shopper's session with their account (every signed-in page)",
        "BatchGetItem",
        "PK=P#<p>#S#<s>#SHOPPER_SESSION#<id>, SK=SESSION and PK=P#<p>#S#<s>#CUSTOMER#<id>, SK=PROFILE",
    ),
    AccessPattern(
        "a shopper account's orders, newest first",
        "Query",
        "PK=P#<p>#S#<s>#CUSTOMER#<id>, SK begins_with ORDER#",
    ),
    AccessPattern(
        "the account of an e-mail address (sign-in, sign-up, checkout), staff search by prefix",
        "GetItem",
        "PK=P#<p>#S#<s>#CUSTOMER_EMAILS, SK=<e-mail>",
    ),
    AccessPattern(
        "a store's shopper accounts, newest first",
        "Query",
        "GSI1PK=P#<p>#S#<s>#CUSTOMERS, GSI1SK=<created>#<id>",
        "GSI1",
    ),
    AccessPattern(
        "a store's shopper accounts by name prefix",
        "Query",
        "GSI2PK=P#<p>#S#<s>#CUSTOMERS#NAME, GSI2SK begins_with <folded name>",
        "GSI2",
    ),
    AccessPattern(
        "use a shopper account's one-time link",
        "DeleteItem",
        "PK=P#<p>#S#<s>#CUSTOMER_TOKEN#<digest>, SK=TOKEN (conditional: once)",
    ),
)


# --- saved import sources (orion.imports.sources) ---------------------------------------------------

IMPORT_SOURCE_SK_PREFIX = "SOURCE#"
IMPORT_SOURCE_RUN_SK_PREFIX = "RUN#"


def import_sources_pk(platform: str, store: str) -> str:
    """``P#<p>#S#<s>#IMPORTSOURCES``: a store's saved sources (``SK=SOURCE#<id>``)."""
    return f"{store_pk(platform, store)}#IMPORTSOURCES"


def import_source_runs_pk(platform: str, store: str, source_id: str) -> str:
    """``P#<p>#S#<s>#IMPORTSOURCE#<id>``: one source's runs (``SK=RUN#<run id>``, ids sort by time)."""
    return f"{store_pk(platform, store)}#IMPORTSOURCE#{_checked_part(source_id, 'source id')}"


def open_import_source_runs_gsi2pk(platform: str) -> str:
    """Sparse GSI2 partition of a platform's queued and running source runs, by their deadline
    (``GSI2SK=<deadline>#<store>#<source>#<run>``): the imports watchdog fails those past it."""
    return f"{platform_pk(platform)}#IMPORTSOURCERUNS#OPEN"


def due_import_sources_gsi2pk(platform: str) -> str:
    """Sparse GSI2 partition of a platform's scheduled sources, by their next run
    (``GSI2SK=<next run>#<store>#<source>``); manual and paused sources are not in it."""
    return f"{platform_pk(platform)}#IMPORTSOURCES#DUE"
