"""Channels ``/admin/channels``: the store's integrations (another store of the same merchant, WordPress,
Shopify), each one's settings and publishing rules, testing, publishing and pulling, and its publishing
records with a retry per item and the two-way sync conflicts to settle.

The same ``orion.channels`` services, permissions (``channels.view`` / ``channels.manage``) and audit
records (``channels.create``, ``.update``, ``.delete``, ``.publish``, ``.pull``, ``.resolve_conflict``)
as the staff API's ``/api/v1/channels``. Credentials are write-only: never put back in a form, shown
only as the masked hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from functions.console import auditing
from functions.console.web import Console, Posted, SignedIn, humane
from orion.catalog import service as catalog
from orion.channels import jobs, sync
from orion.channels import service as channels
from orion.channels.errors import ChannelUnavailable
from orion.channels.models import (
    CREDENTIAL_FIELDS,
    OPTIONAL_CREDENTIAL_FIELDS,
    SYNCABLE_FIELDS,
    ChannelPlatform,
    ConflictChoice,
    FieldConflict,
    Integration,
    IntegrationChanges,
    IntegrationInput,
    ItemKind,
    JobStatus,
    ProductSelection,
    PublishingRules,
    PublishRecord,
    PublishRequest,
    RecordStatus,
)
from orion.cms import service as cms
from orion.cms.models import Page, PageSource
from orion.errors import BadRequest, Conflict, Invalid, NotFound
from orion.ids import ID_PATTERN

router = APIRouter()

BASE = "/admin/channels"
IntegrationId = Annotated[str, Path(max_length=40)]
ItemId = Annotated[str, Path(max_length=100)]
_ITEM_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
_ID_SEPARATORS = re.compile(r"[\s,;]+")
MAX_CHOSEN = 500  # ProductRule.product_ids' limit

# Platforms in the order the form offers them, and what the console calls them.
PLATFORMS = (ChannelPlatform.ORION_SITE, ChannelPlatform.WORDPRESS, ChannelPlatform.SHOPIFY)
PLATFORM_LABELS = {
    ChannelPlatform.ORION_SITE: "Another store of yours",
    ChannelPlatform.WORDPRESS: "WordPress",
    ChannelPlatform.SHOPIFY: "Shopify",
}
# The config each platform takes (ChannelConfig's fields), and every field's label and hint.
CONFIG_FIELDS: dict[ChannelPlatform, tuple[str, ...]] = {
    ChannelPlatform.ORION_SITE: ("store",),
    ChannelPlatform.WORDPRESS: ("site_url",),
    ChannelPlatform.SHOPIFY: ("shop_domain", "api_version"),
}
FIELD_LABELS = {
    "store": "Target store code",
    "site_url": "Site address",
    "shop_domain": "Shop domain",
    "api_version": "API version",
    "username": "User name",
    "application_password": "Application password",
    "access_token": "Admin API access token",
    "webhook_secret": "Webhook signing secret (optional)",
}
FIELD_HINTS = {
    "store": "The code of another store of the same merchant on this platform, e.g. wizamart-outlet.",
    "site_url": "The site's https:// address, e.g. https://blog.example.com.",
    "shop_domain": "e.g. my-shop.myshopify.com",
    "api_version": "Leave empty for 2025-01.",
    "application_password": "Made in WordPress under Users, Profile, Application passwords.",
    "access_token": "The Admin API access token of the shop's custom app.",
    "webhook_secret": "The custom app's client secret, which signs the products/update webhook.",
}
SECRET_FIELDS = frozenset({"application_password", "access_token", "webhook_secret"})  # password inputs
# The credentials each platform's form asks for: the required ones, then the optional ones (Shopify's
# webhook secret, for two-way sync by webhook).
FORM_CREDENTIALS = {p: CREDENTIAL_FIELDS[p] + OPTIONAL_CREDENTIAL_FIELDS.get(p, ()) for p in ChannelPlatform}
SYNC_STATUS_LABELS = {"pending": "Not published yet", "success": "OK", "failed": "Failed"}
RECORD_STATUS_LABELS = {
    RecordStatus.PENDING: "Pending",
    RecordStatus.SYNCED: "Published",
    RecordStatus.FAILED: "Failed",
    RecordStatus.OUTDATED: "Outdated",
    RecordStatus.REMOVED: "Taken back",
}
RETRYABLE = frozenset({RecordStatus.FAILED, RecordStatus.OUTDATED})
# Syncable fields in the order the ownership table lists them, with their labels.
OWNED_FIELDS = (
    ("title", "Title"),
    ("description", "Description"),
    ("price", "Price"),
    ("compare_at_price", "Compare-at price"),
    ("images", "Images"),
    ("brand", "Brand"),
    ("status", "Status"),
    ("body_html", "Page text"),
)
assert {name for name, _ in OWNED_FIELDS} == SYNCABLE_FIELDS
CONFLICT_REASONS = {
    "both_changed": "Changed in Orion and at the destination since the last publish.",
    "orion_owns": "Changed at the destination, but Orion owns this field: the next publish replaces it.",
}
# The services' field messages as the console words them (translated like every console string).
MESSAGES = {
    "required": "This field is required.",
    "must not be empty": "This field is required.",
    "must be the site's https:// address (no credentials)": (
        "Enter the site's https:// address, without a user name or password."
    ),
    "must be the site's address, without ? or #": "Enter the site's address without ? or #.",
    "must be the shop's <name>.myshopify.com domain": "Enter the shop's domain, like my-shop.myshopify.com.",
    "must be a Shopify API version such as 2025-01": "Enter a Shopify API version such as 2025-01.",
    "name the target store by its code": "Enter the code of another store of yours.",
    "name another store than this one": "Choose another store than this one.",
    "the target store belongs to another merchant": "This store belongs to another merchant.",
    "the target store is closed": "This store is closed.",
    "name at least one category to publish by category": "Choose at least one category.",
    "choose at least one product to publish chosen products": "Enter at least one product id.",
}
CORRECT = "Please correct the fields marked below."
ADDED = "Integration added: choose what it publishes, then publish."
RULES_SAVED = "Publishing rules saved."
DELETED = "Integration deleted; what it published stays where it is."
# Sentences of the services that a page shows as they come (translated when the catalogue has them).
SERVICE_SENTENCES = (
    "The target store cannot be published to.",
    "Check the integration's settings.",
    "Check the credentials.",
    f"A store has at most {channels.MAX_INTEGRATIONS} integrations.",
    f"The rules select more than {channels.MAX_PUBLISH_ALL} products: publish them by ids or by category "
    "for now (larger publishes need the background worker, not built yet).",
)
NO_SUCH_STORE = "There is no store with this code on this platform."
NOT_AN_ID = "Enter product ids as the product pages show them."
CHOOSE_A_VALUE = "Choose which value to keep: Orion's or the destination's."
# Every other sentence the pages show through a name (the translation tests check them too).
OTHER_TEXTS = (
    ADDED,
    RULES_SAVED,
    DELETED,
    NO_SUCH_STORE,
    NOT_AN_ID,
    CHOOSE_A_VALUE,
    "Settings saved.",
    *SERVICE_SENTENCES,
)


# --- the list and adding ----------------------------------------------------------------------------------


def _list(
    console: Console,
    status: int = 200,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
) -> HTMLResponse:
    console.need("channels.view")
    return console.render(
        "channels.html",
        status,
        integrations=channels.list_integrations(console.resolved.tenant),
        platforms=[(p.value, PLATFORM_LABELS[p]) for p in PLATFORMS],
        platform_labels={p.value: label for p, label in PLATFORM_LABELS.items()},
        config_fields={p.value: CONFIG_FIELDS[p] for p in PLATFORMS},
        credential_fields={p.value: FORM_CREDENTIALS[p] for p in PLATFORMS},
        labels=FIELD_LABELS,
        hints=FIELD_HINTS,
        secret_fields=SECRET_FIELDS,
        sync_labels=SYNC_STATUS_LABELS,
        values=values or {"platform": ChannelPlatform.ORION_SITE.value},
        errors=errors or {},
        message=message,
    )


@router.get(BASE)
def list_integrations(console: SignedIn) -> HTMLResponse:
    return _list(console)


@router.post(BASE)
def add(console: Posted) -> Response:
    access = console.need("channels.manage")
    form = console.form
    # Kept for the form shown again: everything but the credentials.
    secret = {name for names in FORM_CREDENTIALS.values() for name in names}
    values = {name: value for name, value in form.as_dict().items() if name not in secret | {"csrf_token"}}
    try:
        platform = ChannelPlatform(form.get("platform"))
    except ValueError:
        errors = {"platform": console._("Choose where to publish.")}
        return _list(console, 422, values=values, errors=errors, message=console._(CORRECT))
    raw: dict[str, Any] = {
        "platform": platform,
        "name": form.get("name").strip(),
        "config": _config_of(console, platform),
    }
    credentials = _credentials_of(console, platform)
    if credentials:
        raw["credentials"] = credentials
    try:
        integration = channels.create_integration(access.tenant, IntegrationInput.model_validate(raw))
    except (ValidationError, Invalid) as exc:
        errors = _errors(exc, _form_field)
        for name in CREDENTIAL_FIELDS[platform]:  # named with the config's mistakes, not after them
            if name not in credentials:
                errors.setdefault(name, MESSAGES["required"])
        message = console._(CORRECT) if errors else console.error_message(exc)
        return _list(console, 422, values=values, errors=errors, message=message)
    auditing.record(
        console, "channels.create", _target(integration.id), {"platform": integration.platform.value}
    )
    return console.redirect(f"{BASE}/{integration.id}", ADDED)


def _config_of(console: Console, platform: ChannelPlatform) -> dict[str, str]:
    """The posted config fields the platform takes (the other platforms' fields are ignored)."""
    return {name: text for name in CONFIG_FIELDS[platform] if (text := console.form.get(name).strip())}


def _credentials_of(console: Console, platform: ChannelPlatform) -> dict[str, str]:
    """The posted credentials the platform takes, blank ones left out (the service names them)."""
    return {name: text for name in FORM_CREDENTIALS[platform] if (text := console.form.get(name)).strip()}


def _form_field(path: str) -> str:
    """A service's field (``config.site_url``, ``credentials.access_token``) as the form's (``site_url``)."""
    parts = path.split(".")
    if parts[0] in ("config", "credentials") and len(parts) > 1:
        return parts[1]
    return parts[0]


def _errors(exc: ValidationError | Invalid, field_of: Callable[[str], str]) -> dict[str, str]:
    """``{form field: English sentence}`` (the page translates them) of a pydantic or service error."""
    problems: Iterable[tuple[str, str]]
    if isinstance(exc, ValidationError):
        problems = (
            (".".join(str(part) for part in problem["loc"]), str(problem["msg"])) for problem in exc.errors()
        )
    else:
        problems = ((item.field, item.message) for item in exc.errors)
    found: dict[str, str] = {}
    for path, text in problems:
        found.setdefault(field_of(path), _message(text))
    return found


def _message(text: str) -> str:
    text = text.removeprefix("Value error, ").strip()
    if text.startswith("no store "):
        return NO_SUCH_STORE
    if text.endswith(" is not a product id"):
        return NOT_AN_ID
    return MESSAGES.get(text) or text  # pydantic's own wording: the page words it for people (humane)


def _said(console: Console, text: str) -> str:
    """An English sentence of :func:`_message` in the member's language (pydantic's worded for people)."""
    sentence, values = humane(text)
    return console._(sentence, **values)


def _refusal(console: Console, exc: Invalid) -> str:
    """A refused publish as one sentence: the service's reason and its first field's message."""
    text = console._(MESSAGES.get(str(exc), str(exc)))
    found = _errors(exc, _form_field)
    return " ".join([text, *(_said(console, message) for message in list(found.values())[:1])])


def _target(integration_id: str) -> str:
    return f"channel:{integration_id}"


# --- one integration ---------------------------------------------------------------------------------------


def _settings_values(integration: Integration) -> dict[str, str]:
    values = {
        "name": integration.name,
        "is_active": "on" if integration.is_active else "",
        "sync_enabled": "on" if integration.sync_enabled else "",
    }
    for name in CONFIG_FIELDS[integration.platform]:
        values[name] = getattr(integration.config, name) or ""
    return values


def _rules_values(rules: PublishingRules) -> dict[str, Any]:
    pages = "all" if rules.pages.all else ("chosen" if rules.pages.slugs else "none")
    return {
        "products": rules.products.selection.value,
        "categories": list(rules.products.categories),
        "product_ids": "\n".join(rules.products.product_ids),
        "pages": pages,
        "page_slugs": list(rules.pages.slugs),
        **{f"own-{name}": rules.field_ownership.get(name, "orion") for name, _ in OWNED_FIELDS},
    }


def _detail(
    console: Console,
    integration: Integration,
    status: int = 200,
    *,
    settings: dict[str, str] | None = None,
    rules: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
) -> HTMLResponse:
    tenant = console.resolved.tenant
    rule_values = rules or _rules_values(integration.rules)
    chosen_ids = [i for i in _ids(str(rule_values.get("product_ids", ""))) if ID_PATTERN.fullmatch(i)]
    chosen = catalog.product_summaries(tenant, chosen_ids[:100]) if chosen_ids else {}
    return console.render(
        "channel.html",
        status,
        integration=integration,
        platform_label=PLATFORM_LABELS[integration.platform],
        config_fields=CONFIG_FIELDS[integration.platform],
        credential_fields=FORM_CREDENTIALS[integration.platform],
        labels=FIELD_LABELS,
        hints=FIELD_HINTS,
        secret_fields=SECRET_FIELDS,
        sync_labels=SYNC_STATUS_LABELS,
        values=settings or _settings_values(integration),
        rules=rule_values,
        categories=catalog.list_categories(tenant),
        pages=cms.list_store_pages(tenant),
        chosen_products=[chosen[i] for i in chosen_ids if i in chosen],
        owned_fields=OWNED_FIELDS,
        errors=errors or {},
        message=message,
    )


@router.get(BASE + "/{integration_id}")
def integration_page(integration_id: IntegrationId, console: SignedIn) -> HTMLResponse:
    console.need("channels.view")
    return _detail(console, channels.get_integration(console.resolved.tenant, integration_id))


@router.post(BASE + "/{integration_id}")
def save_settings(integration_id: IntegrationId, console: Posted) -> Response:
    access = console.need("channels.manage")
    integration = channels.get_integration(access.tenant, integration_id)
    form = console.form
    platform = integration.platform
    settings = {name: form.get(name).strip() for name in ("name", *CONFIG_FIELDS[platform])}
    settings.update(is_active=form.get("is_active"), sync_enabled=form.get("sync_enabled"))
    raw: dict[str, Any] = {
        "name": settings["name"],
        "config": _config_of(console, platform),
        "is_active": form.get("is_active") == "on",
        "sync_enabled": form.get("sync_enabled") == "on",
    }
    credentials = _credentials_of(console, platform)
    if credentials:  # blank: the stored credentials are kept
        raw["credentials"] = credentials
    try:
        changes = IntegrationChanges.model_validate(raw)
        saved = channels.update_integration(access.tenant, integration.id, changes)
    except (ValidationError, Invalid) as exc:
        errors = _errors(exc, _form_field)
        message = console._(CORRECT) if errors else console.error_message(exc)
        return _detail(console, integration, 422, settings=settings, errors=errors, message=message)
    changed = sorted(raw)
    auditing.record(console, "channels.update", _target(saved.id), {"fields": changed})
    return console.redirect(f"{BASE}/{saved.id}", "Settings saved.")


def _ids(text: str) -> list[str]:
    return list(dict.fromkeys(part for part in _ID_SEPARATORS.split(text.strip()) if part))


@router.post(BASE + "/{integration_id}/rules")
def save_rules(integration_id: IntegrationId, console: Posted) -> Response:
    access = console.need("channels.manage")
    integration = channels.get_integration(access.tenant, integration_id)
    form = console.form
    values: dict[str, Any] = {
        "products": form.get("products", ProductSelection.ALL_ACTIVE.value),
        "categories": form.all("categories"),
        "product_ids": form.get("product_ids"),
        "pages": form.get("pages", "none"),
        "page_slugs": form.all("page_slugs"),
        **{f"own-{name}": form.get(f"own-{name}", "orion") for name, _ in OWNED_FIELDS},
    }
    errors: dict[str, str] = {}
    selection = values["products"]
    ids = _ids(values["product_ids"])
    if selection == ProductSelection.CHOSEN.value:
        unknown = [i for i in ids if not ID_PATTERN.fullmatch(i)]
        if len(ids) > MAX_CHOSEN:
            errors["product_ids"] = console._("Choose at most {n}.", n=MAX_CHOSEN)
        elif not unknown and ids:
            found: set[str] = set()
            for start in range(0, len(ids), 100):
                found |= set(catalog.product_summaries(access.tenant, ids[start : start + 100]))
            unknown = [i for i in ids if i not in found]
        if unknown and "product_ids" not in errors:
            errors["product_ids"] = console._(
                "No product of this store has the id {ids}.", ids=", ".join(unknown[:5])
            )
    if values["pages"] == "chosen" and not values["page_slugs"]:
        errors["page_slugs"] = console._("Choose at least one page.")
    raw = {
        "products": {
            "selection": selection,
            "categories": values["categories"] if selection == ProductSelection.CATEGORIES.value else [],
            "product_ids": ids if selection == ProductSelection.CHOSEN.value else [],
        },
        "pages": {
            "all": values["pages"] == "all",
            "slugs": values["page_slugs"] if values["pages"] == "chosen" else [],
        },
        "field_ownership": {name: "remote" for name, _ in OWNED_FIELDS if values[f"own-{name}"] == "remote"},
    }
    rules: PublishingRules | None = None
    try:
        rules = PublishingRules.model_validate(raw)
    except ValidationError as exc:
        for name, text in _errors(exc, lambda path: _rules_field(path, selection)).items():
            errors.setdefault(name, text)
    if errors or rules is None:
        message = console._(CORRECT)
        return _detail(console, integration, 422, rules=values, errors=errors, message=message)
    saved = channels.update_integration(access.tenant, integration.id, IntegrationChanges(rules=rules))
    auditing.record(console, "channels.update", _target(saved.id), {"fields": ["rules"]})
    return console.redirect(f"{BASE}/{saved.id}", RULES_SAVED)


def _rules_field(path: str, selection: str) -> str:
    parts = path.split(".")
    if parts[0] == "products":
        if len(parts) > 1 and parts[1] in ("categories", "product_ids", "selection"):
            return "products" if parts[1] == "selection" else parts[1]
        return "categories" if selection == ProductSelection.CATEGORIES.value else "product_ids"
    if parts[0] == "pages":
        return "page_slugs"
    return "products"


def _unavailable(console: Console, integration: Integration) -> HTMLResponse:
    """A paused integration, or a platform Orion cannot publish to yet: 409 with what to do."""
    if not integration.is_active:
        message = console._("This integration is paused: tick Active and save the settings to use it again.")
    else:
        name = console._(PLATFORM_LABELS[integration.platform])
        message = " ".join(
            (
                console._("Publishing to {platform} is not available yet.", platform=name),
                console._("The integration and its settings are kept until Orion supports it."),
            )
        )
    return _detail(console, integration, 409, message=message)


@router.post(BASE + "/{integration_id}/test")
def test_connection(integration_id: IntegrationId, console: Posted) -> Response:
    access = console.need("channels.manage")
    integration = channels.get_integration(access.tenant, integration_id)
    try:
        check = channels.check_connection(access.tenant, integration.id)
    except ChannelUnavailable:
        return _unavailable(console, integration)
    if not check.ok:
        message = console._("The connection does not work: {detail}", detail=check.detail)
        return _detail(console, integration, 200, message=message)
    notice = console._("The connection works: {detail}", detail=check.detail)
    return console.redirect(f"{BASE}/{integration.id}", notice)


@router.post(BASE + "/{integration_id}/publish")
def publish(integration_id: IntegrationId, console: Posted) -> Response:
    access = console.need("channels.manage")
    integration = channels.get_integration(access.tenant, integration_id)
    try:
        # (more than 200 products: a background job the channel worker runs, orion.channels.jobs)
        job, _ = jobs.publish(access.tenant, integration.id, PublishRequest(all=True))
    except ChannelUnavailable:
        return _unavailable(console, integration)
    except Invalid as exc:  # a target store that changed hands
        current = channels.get_integration(access.tenant, integration.id)
        return _detail(console, current, 422, message=_refusal(console, exc))
    details: dict[str, Any] = {"job": job.id, "requested": job.requested, "failed": job.failed}
    auditing.record(console, "channels.publish", _target(integration.id), details)
    if job.status is JobStatus.QUEUED:
        queued = console._("Publishing in the background: the records follow as it goes.")
        return console.redirect(f"{BASE}/{integration.id}/records", queued)
    notice = console._(
        "Published: {new} created, {changed} updated, {same} unchanged, {gone} taken back, {failed} failed.",
        new=job.created,
        changed=job.updated,
        same=job.unchanged,
        gone=job.removed,
        failed=job.failed,
    )
    if job.failed:
        return console.redirect(f"{BASE}/{integration.id}/records?status=failed", notice)
    return console.redirect(f"{BASE}/{integration.id}", notice)


@router.post(BASE + "/{integration_id}/pull")
def pull(integration_id: IntegrationId, console: Posted) -> Response:
    access = console.need("channels.manage")
    integration = channels.get_integration(access.tenant, integration_id)
    if not integration.sync_enabled:
        message = console._("Two-way sync is off for this integration: turn it on in the settings to pull.")
        return _detail(console, integration, 409, message=message)
    try:
        report = sync.pull(access.tenant, integration.id)
    except ChannelUnavailable:
        return _unavailable(console, integration)
    except Conflict:  # paused meanwhile
        return _unavailable(console, channels.get_integration(access.tenant, integration.id))
    auditing.record(console, "channels.pull", _target(integration.id), report.public())
    notice = console._(
        "Pulled: {applied} brought back, {conflicts} conflicts, {unchanged} unchanged, {unknown} ignored.",
        applied=report.applied,
        conflicts=report.conflicts,
        unchanged=report.unchanged,
        unknown=report.unknown,
    )
    if report.failed:
        notice += " " + console._(
            "{n} could not be brought back: {reason}", n=len(report.failed), reason=report.failed[0]
        )
    if report.conflicts:
        return console.redirect(f"{BASE}/{integration.id}/records", notice)
    return console.redirect(f"{BASE}/{integration.id}", notice)


@router.get(BASE + "/{integration_id}/delete")
def confirm_delete(integration_id: IntegrationId, console: SignedIn) -> HTMLResponse:
    access = console.need("channels.manage")
    integration = channels.get_integration(access.tenant, integration_id)
    return console.render(
        "channel_delete.html", integration=integration, platform_label=PLATFORM_LABELS[integration.platform]
    )


@router.post(BASE + "/{integration_id}/delete")
def delete(integration_id: IntegrationId, console: Posted) -> Response:
    access = console.need("channels.manage")
    integration = channels.get_integration(access.tenant, integration_id)
    channels.delete_integration(access.tenant, integration.id)
    auditing.record(console, "channels.delete", _target(integration.id))
    return console.redirect(BASE, DELETED)


# --- records ------------------------------------------------------------------------------------------


def _records_query(status: str = "", after: str = "") -> str:
    query = urlencode({name: value for name, value in (("status", status), ("after", after)) if value})
    return f"?{query}" if query else ""


@router.get(BASE + "/{integration_id}/records")
def records_page(
    integration_id: IntegrationId, console: SignedIn, status: str = "", after: str = ""
) -> HTMLResponse:
    console.need("channels.view")
    tenant = console.resolved.tenant
    integration = channels.get_integration(tenant, integration_id)
    errors: dict[str, str] = {}
    message: str | None = None
    chosen: RecordStatus | None = None
    if status:
        try:
            chosen = RecordStatus(status)
        except ValueError:
            errors["status"] = console._("Choose a status from the list.")
    records: list[PublishRecord] = []
    cursor: str | None = None
    code = 422 if errors else 200
    if not errors:
        try:
            records, cursor = channels.list_records(
                tenant, integration.id, status=chosen, after=after[:500] or None
            )
        except BadRequest:
            message, code = console._("This page link is out of date; start again from the first page."), 400
    return console.render(
        "channel_records.html",
        code,
        integration=integration,
        rows=_rows(console, records),
        statuses=[(s.value, RECORD_STATUS_LABELS[s]) for s in RecordStatus],
        chosen_status=status if chosen else "",
        after=after,
        next_query=_records_query(status if chosen else "", cursor or "") if cursor else None,
        first_query=_records_query(status if chosen else ""),
        reasons=CONFLICT_REASONS,
        owned_labels=dict(OWNED_FIELDS),
        errors=errors,
        message=message or (console._(CORRECT) if errors else None),
        values={"status": status},
    )


def _rows(console: Console, records: list[PublishRecord]) -> list[dict[str, Any]]:
    """Each record with its item's title and the console page that edits it (one BatchGetItem for the
    products, one read of the store's pages when pages are among them)."""
    tenant = console.resolved.tenant
    product_ids = [r.item_id for r in records if r.item_kind is ItemKind.PRODUCT]
    products = catalog.product_summaries(tenant, product_ids) if product_ids else {}
    pages: dict[str, Page] = {}
    if any(r.item_kind is ItemKind.PAGE for r in records):
        pages = {p.slug: p for p in cms.list_store_pages(tenant)}
    store = console.resolved.store
    currency = store.currency if store is not None else "EUR"
    rows: list[dict[str, Any]] = []
    for record in records:
        title: str | None
        if record.item_kind is ItemKind.PRODUCT:
            summary = products.get(record.item_id)
            title = summary.title_in(console.lang) if summary else None
            link = f"/admin/products/{record.item_id}" if summary else None
        else:
            page = pages.get(record.item_id)
            title = page.title_in(console.lang) if page else None
            link = None
            if page is not None:
                default = page.source is PageSource.PLATFORM_DEFAULT
                link = f"/admin/pages/{page.slug}" + ("/default" if default else "")
        rows.append(
            {
                "record": record,
                "title": title,
                "link": link,
                "remote_link": _web_address(record.remote_url),
                "status_label": RECORD_STATUS_LABELS[record.status],
                "retry": record.status in RETRYABLE,
                "conflicts": [_conflict(c, currency, console.lang) for c in record.conflicts],
            }
        )
    return rows


def _web_address(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


def _conflict(conflict: FieldConflict, currency: str, lang: str) -> dict[str, Any]:
    return {
        "field": conflict.field,
        "reason": conflict.reason.value,
        "orion": _shown(conflict.field, conflict.orion_value, currency, lang),
        "remote": _shown(conflict.field, conflict.remote_value, currency, lang),
    }


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
SHOWN_LENGTH = 300


def _shown(field: str, value: Any, currency: str, lang: str) -> str:
    """A field's value as text to compare (prices as money, HTML as its words, at most 300 characters)."""
    from orion.rendering.i18n import format_money

    if value is None or value == "":
        return "—"
    if field in ("price", "compare_at_price") and isinstance(value, int):
        return format_money(value, currency, lang)
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    text = _SPACE.sub(" ", _TAG.sub(" ", str(value))).strip()
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _item(kind: str, item_id: str) -> tuple[ItemKind, str]:
    try:
        item_kind = ItemKind(kind)
    except ValueError:
        raise NotFound("There is no such page in the console.") from None
    if not _ITEM_ID.fullmatch(item_id):
        raise NotFound("There is no such page in the console.")
    return item_kind, item_id


def _back_to_records(console: Console, integration_id: str, notice: str) -> Response:
    status = console.form.get("status")
    status = status if status in {s.value for s in RecordStatus} else ""
    after = console.form.get("after")[:500]
    return console.redirect(f"{BASE}/{integration_id}/records{_records_query(status, after)}", notice)


def _item_name(console: Console, kind: ItemKind, item_id: str) -> str:
    if kind is ItemKind.PRODUCT:
        summary = catalog.product_summaries(console.resolved.tenant, [item_id]).get(item_id)
        return summary.title_in(console.lang) if summary else item_id
    return f"/{item_id}"


@router.post(BASE + "/{integration_id}/records/{kind}/{item_id}/retry")
def retry(integration_id: IntegrationId, kind: str, item_id: ItemId, console: Posted) -> Response:
    access = console.need("channels.manage")
    item_kind, item_id = _item(kind, item_id)
    integration = channels.get_integration(access.tenant, integration_id)
    channels.get_record(access.tenant, integration.id, item_kind, item_id)  # 404 for no such record
    try:
        request = (
            PublishRequest(product_ids=(item_id,))
            if item_kind is ItemKind.PRODUCT
            else PublishRequest(page_slugs=(item_id,))
        )
    except ValidationError:
        raise NotFound("There is no such page in the console.") from None
    try:
        job, results = channels.publish(access.tenant, integration.id, request)
    except ChannelUnavailable:
        return _unavailable(console, integration)
    except Invalid as exc:
        return _detail(console, integration, 422, message=_refusal(console, exc))
    details: dict[str, Any] = {"job": job.id, "requested": job.requested, "failed": job.failed}
    auditing.record(console, "channels.publish", _target(integration.id), details)
    name = _item_name(console, item_kind, item_id)
    if job.failed:
        reason = next((r.last_error for r in results if r.item_id == item_id and r.last_error), "")
        notice = console._("{item} failed again: {reason}", item=name, reason=reason)
    elif job.created or job.updated:
        notice = console._("{item} was sent: it is published at the destination.", item=name)
    elif job.removed:
        notice = console._("{item} was taken back: the publishing rules no longer select it.", item=name)
    elif job.unchanged:
        notice = console._("{item} is up to date at the destination: nothing to send.", item=name)
    else:
        notice = console._("{item} was not sent: the publishing rules do not select it.", item=name)
    return _back_to_records(console, integration.id, notice)


@router.post(BASE + "/{integration_id}/records/{kind}/{item_id}/conflicts/{field}")
def settle(
    integration_id: IntegrationId,
    kind: str,
    item_id: ItemId,
    field: Annotated[str, Path(max_length=40)],
    console: Posted,
) -> Response:
    access = console.need("channels.manage")
    item = _item(kind, item_id)
    try:
        choice = ConflictChoice.model_validate({"keep": console.form.get("keep")})
    except ValidationError:
        raise Invalid(CHOOSE_A_VALUE) from None
    keep = choice.keep
    integration = channels.get_integration(access.tenant, integration_id)
    try:
        sync.resolve_conflict(access.tenant, integration.id, item, field, choice)
    except (Invalid, ValidationError) as exc:  # the destination's value does not fit (a price out of range)
        text = next(iter(_errors(exc, _form_field).values()), "This value is not valid.")
        notice = console._("The destination's value could not be kept: {reason}", reason=_said(console, text))
        return _back_to_records(console, integration.id, notice)
    details: dict[str, Any] = {"item": f"{item[0].value}:{item[1]}", "field": field, "keep": keep}
    auditing.record(console, "channels.resolve_conflict", _target(integration.id), details)
    label = dict(OWNED_FIELDS).get(field, field)
    if keep == "orion":
        notice = console._(
            "Orion's {field} is kept: the next publish sends it to the destination.", field=console._(label)
        )
    else:
        notice = console._("The destination's {field} is now Orion's.", field=console._(label))
    return _back_to_records(console, integration.id, notice)
