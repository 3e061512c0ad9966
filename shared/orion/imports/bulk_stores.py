"""Platform admins' bulk store import: one CSV row -> a merchant, a store, its owner and, optionally,
a catalogue import of the store's Letzshop feed.

Header (docs/imports.md, Bulk store import): ``vendor_name, subdomain, owner_name, owner_email,
owner_phone, business_address, business_city, business_postal_code, business_country, letzshop_csv_url,
initial_password``.
Rows are independent: each gets its own result, and a bad row never stops the others.

Feeds are fetched only from ``https://`` URLs on allow-listed hosts (``ORION_IMPORT_FETCH_ALLOWED_HOSTS``,
subdomains included) whose addresses are all public, or from ``s3://<uploads bucket>/<key>``; the
download is size-capped and redirects are not followed, so a row can never make Orion read an
internal address.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import socket
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError

from orion.data.clients import aws_client
from orion.errors import Invalid, OrionError
from orion.identity.models import Principal, StaffAccess
from orion.identity.service import create_staff_user, invite
from orion.imports.errors import FeedRefused
from orion.imports.service import request_upload
from orion.imports.sources import messages
from orion.modules.manifest import Role
from orion.rendering.phrases import phrase
from orion.settings import get_settings
from orion.tenancy.merchants import create_merchant
from orion.tenancy.stores import create_store
from orion.tenant import CODE_PATTERN, Tenant

BULK_HEADER = (
    "vendor_name",
    "subdomain",
    "owner_name",
    "owner_email",
    "owner_phone",
    "business_address",
    "business_city",
    "business_postal_code",
    "business_country",
    "letzshop_csv_url",
    "initial_password",
)
MAX_ROWS = 500


class BulkStoreRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    vendor_name: str = Field(min_length=1, max_length=200)
    subdomain: str = Field(pattern=CODE_PATTERN.pattern)
    owner_name: str = Field(min_length=1, max_length=120)
    owner_email: EmailStr
    owner_phone: str = Field(default="", max_length=40)
    business_address: str = Field(default="", max_length=300)
    business_city: str = Field(default="", max_length=120)
    business_postal_code: str = Field(default="", max_length=20)
    business_country: str = Field(default="", max_length=60)
    letzshop_csv_url: str = Field(default="", max_length=2000)
    initial_password: str = Field(default="", max_length=256)

    def postal_address(self) -> str | None:
        """The business's address as one block, a line per part: street, postal code and city,
        country (the parts the row has); None when it has none."""
        town = " ".join(part for part in (self.business_postal_code, self.business_city) if part)
        lines = [part for part in (self.business_address, town, self.business_country) if part]
        return "\n".join(lines) or None


@dataclass
class BulkRowResult:
    row: int
    subdomain: str
    status: str  # "created" or "failed"
    message: str = ""
    store: str | None = None
    owner: str | None = None  # "created" (password set) or "invited"
    import_job_id: str | None = None


Fetch = Callable[[str, int], bytes]


def bulk_import_stores(
    tenant: Tenant, content: bytes, *, accept_url: str, admin_id: str, fetch: Fetch | None = None
) -> list[BulkRowResult]:
    """Create the stores of a bulk CSV on ``tenant``'s platform; one result per data row.

    ``accept_url`` is where an invited owner accepts, with ``{store}`` for the new store's code (the
    invitation is accepted on the store's own host)."""
    if tenant.store is not None:
        raise ValueError("bulk store import works on a platform")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [
        c
        for c in ("vendor_name", "subdomain", "owner_name", "owner_email")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise Invalid(f"The header must be: {', '.join(BULK_HEADER)} (missing {', '.join(missing)}).")
    results: list[BulkRowResult] = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise Invalid(f"At most {MAX_ROWS} stores per file.")
        results.append(
            _import_row(
                tenant, number, raw, accept_url=accept_url, admin_id=admin_id, fetch=fetch or fetch_feed
            )
        )
    return results


def _import_row(
    tenant: Tenant, number: int, raw: dict[str, str], *, accept_url: str, admin_id: str, fetch: Fetch
) -> BulkRowResult:
    subdomain = (raw.get("subdomain") or "").strip()
    try:
        row = BulkStoreRow.model_validate(raw)
    except ValidationError as exc:
        problem = exc.errors()[0]
        return BulkRowResult(number, subdomain, "failed", f"{problem['loc'][0]}: {problem['msg']}")
    if row.letzshop_csv_url:
        try:
            check_feed_url(row.letzshop_csv_url, platform=tenant.platform)
        except FeedRefused as exc:
            return BulkRowResult(number, subdomain, "failed", str(exc))
    try:
        merchant = create_merchant(tenant, row.vendor_name, str(row.owner_email))
        create_store(
            tenant,
            row.subdomain,
            row.vendor_name,
            merchant.id,
            languages=("fr", "de", "en"),
            default_language="fr",
            contact_email=str(row.owner_email),
            business_address=row.postal_address(),
            phone=row.owner_phone or None,
        )
        store = Tenant(tenant.platform, row.subdomain)
        if row.initial_password:
            create_staff_user(store, str(row.owner_email), row.owner_name, row.initial_password, Role.OWNER)
            owner = "created"
        else:
            acting = StaffAccess(
                tenant=store,
                principal=Principal(user_id=admin_id, platform=tenant.platform, token_id="bulk-import"),
                role=Role.OWNER,
                permissions=frozenset(),
            )
            invite(acting, str(row.owner_email), Role.OWNER, accept_url.format(store=row.subdomain))
            owner = "invited"
    except (OrionError, ValueError) as exc:
        return BulkRowResult(number, row.subdomain, "failed", str(exc))
    result = BulkRowResult(number, row.subdomain, "created", store=row.subdomain, owner=owner)
    if row.letzshop_csv_url:
        try:
            result.import_job_id = _start_feed_import(store, row.letzshop_csv_url, fetch)
        except (FeedRefused, OSError, OrionError) as exc:
            result.message = f"The store was created, but its feed could not be imported: {exc}"
    return result


def check_feed_url(url: str, *, platform: str | None = None) -> None:
    """Refuse any feed URL but https on an allow-listed host, or s3:// in the uploads bucket; with
    ``platform``, an s3:// feed must be that platform's own (``bulk/<platform>/`` for files an operator
    staged, ``uploads/<platform>/`` for its stores' uploads), so an admin never imports another
    platform's files."""
    parts = urlsplit(url)
    if parts.scheme == "s3":
        key = parts.path.lstrip("/")
        if parts.netloc != get_settings().uploads_bucket or not key.strip("/"):
            raise FeedRefused(phrase(messages.S3_OUTSIDE_UPLOADS))
        own = (f"bulk/{platform}/", f"uploads/{platform}/")
        if platform is not None and (not key.startswith(own) or ".." in key.split("/")):
            raise FeedRefused(phrase(messages.S3_OTHER_PLATFORM, platform=platform))
        return
    if parts.scheme != "https":
        raise FeedRefused(phrase(messages.HTTPS_ONLY))
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or parts.port not in (None, 443):
        raise FeedRefused(phrase(messages.NO_CREDENTIALS_OR_PORT))
    allowed = get_settings().import_fetch_allowed_hosts
    if not any(host == name or host.endswith("." + name) for name in allowed):
        raise FeedRefused(phrase(messages.HOST_NOT_ALLOWED, hosts=", ".join(allowed)))


def _public_addresses_only(host: str) -> None:
    for info in socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FeedRefused(phrase(messages.NOT_PUBLIC_ADDRESS))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        raise FeedRefused(phrase(messages.NO_REDIRECTS))


def fetch_feed(url: str, max_bytes: int) -> bytes:
    """The feed's bytes: https (checked host, public addresses, no redirects) or s3://, size-capped."""
    check_feed_url(url)
    parts = urlsplit(url)
    if parts.scheme == "s3":
        response = aws_client("s3").get_object(Bucket=parts.netloc, Key=parts.path.lstrip("/"))
        if int(response.get("ContentLength", 0)) > max_bytes:
            raise FeedRefused(phrase(messages.TOO_LARGE, mb=max_bytes // (1024 * 1024)))
        return bytes(response["Body"].read())
    _public_addresses_only(parts.hostname or "")
    opener = urllib.request.build_opener(_NoRedirects)
    with opener.open(urllib.request.Request(url, method="GET"), timeout=20) as response:  # noqa: S310 - https checked
        body = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise FeedRefused(phrase(messages.TOO_LARGE, mb=max_bytes // (1024 * 1024)))
    return bytes(body)


def _start_feed_import(store: Tenant, url: str, fetch: Fetch) -> str:
    content = fetch(url, get_settings().import_fetch_max_bytes)
    name = urlsplit(url).path.rsplit("/", 1)[-1] or "letzshop.csv"
    ticket = request_upload(store, name)
    # Writing the object is what starts the import, exactly as a merchant's own upload does.
    aws_client("s3").put_object(
        Bucket=get_settings().uploads_bucket,
        Key=ticket.job.upload_key,
        Body=content,
        ContentType=ticket.content_type,
    )
    return ticket.job.id


# --- the results of a run, kept for the console to show again and download -----------------------------

RESULTS_HEADER = ("row", "subdomain", "status", "message", "store", "owner", "import_job_id")


def results_csv(results: list[BulkRowResult]) -> bytes:
    """A run's results as CSV, a row per store (what operators download)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(RESULTS_HEADER)
    for result in results:
        writer.writerow(
            ["" if (value := getattr(result, name)) is None else value for name in RESULTS_HEADER]
        )
    return out.getvalue().encode("utf-8")


def _results_key(platform: str, run_id: str) -> str:
    return f"bulk-stores/{platform}/{run_id}.csv"


def save_results(platform: str, results: list[BulkRowResult]) -> str:
    """Keep a run's results in the reports bucket (its expiry applies); the run's id."""
    from orion.ids import new_id

    run_id = new_id()
    aws_client("s3").put_object(
        Bucket=get_settings().reports_bucket,
        Key=_results_key(platform, run_id),
        Body=results_csv(results),
        ContentType="text/csv; charset=utf-8",
    )
    return run_id


def load_results(platform: str, run_id: str) -> list[BulkRowResult]:
    """A kept run's results (404 for an unknown run or another platform's)."""
    from orion.errors import NotFound

    s3 = aws_client("s3")
    if not (run_id.isalnum() and len(run_id) == 26):
        raise NotFound("No such bulk import.")
    try:
        body = s3.get_object(Bucket=get_settings().reports_bucket, Key=_results_key(platform, run_id))["Body"]
    except s3.exceptions.NoSuchKey as exc:
        raise NotFound("No such bulk import.") from exc
    rows = csv.DictReader(io.StringIO(body.read().decode("utf-8"), newline=""))
    return [
        BulkRowResult(
            row=int(raw["row"]),
            subdomain=raw["subdomain"],
            status=raw["status"],
            message=raw["message"],
            store=raw["store"] or None,
            owner=raw["owner"] or None,
            import_job_id=raw["import_job_id"] or None,
        )
        for raw in rows
    ]
