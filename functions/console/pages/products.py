"""Products: the list (search, filters, sort, pages, bulk status), the product form (new and edit,
variants, translations, images), stock adjustments with a reason and the low-stock threshold.

Routes parse the form and call ``orion.catalog`` exactly as the staff API does (same permissions, same
audit actions); a save carries the version the form was loaded from, so a save over a newer one is a
409 page that compares both instead of overwriting it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from functions.common.uploaded_images import uploaded_images
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.catalog import service as catalog
from orion.catalog.images import MEDIA_ID_PATTERN, MEDIA_REF_PREFIX
from orion.catalog.models import (
    MAX_IMAGES,
    MAX_VARIANTS,
    Product,
    ProductInput,
    ProductSort,
    ProductStatus,
    TaxClass,
    Translation,
    Variant,
)
from orion.catalog.products.overrides import BASE_FIELDS, overridable
from orion.errors import Conflict, Invalid, LimitExceeded, NotFound, OrionError
from orion.ids import new_id
from orion.money import parse_amount
from orion.rendering.i18n import format_money
from orion.tenancy import tiers
from orion.tenancy.models import Tier

router = APIRouter()

PAGE = 25
BULK_MAX = 100
OPTION_SLOTS = (1, 2, 3)
EDITABLE_LANGUAGES = ("en", "fr", "de")
PRODUCT_ID = re.compile(r"^[0-9A-Z]{26}$")
_VARIANT_FIELD = re.compile(r"^variants-(\d{1,2})-")
_IMAGE_FIELD = re.compile(r"^images-(\d{1,2})-url$")


def audit(console: Console, action: str, target: str, details: dict[str, Any] | None = None) -> None:
    """The audit record the staff API writes for the same action, by the signed-in member."""
    from orion.audit import service as audit_log

    audit_log.record(
        console.resolved.tenant,
        actor=console.access.user_id,
        action=action,
        target=target,
        request_id=new_id(),
        details=details,
    )


def _product_id(product_id: str) -> str:
    if not PRODUCT_ID.fullmatch(product_id):
        raise NotFound("There is no such product.")
    return product_id


def _store_currency(console: Console) -> str:
    return console.resolved.store.currency if console.resolved.store else "EUR"


def amount_text(minor: int | None) -> str:
    return "" if minor is None else f"{minor // 100}.{minor % 100:02d}"


# --- the list ------------------------------------------------------------------------------------------


@router.get("/admin/products")
def product_list(
    console: SignedIn,
    *,
    q: str = "",
    status: str = "",
    category: str = "",
    sort: str = "newest",
    after: str = "",
) -> HTMLResponse:
    console.need("products.view")
    tenant = console.resolved.tenant
    wanted = ProductStatus(status) if status in {s.value for s in ProductStatus} else None
    order = ProductSort.TITLE if sort == "title" else ProductSort.NEWEST
    query = q.strip()[:100]
    if query:
        items = catalog.search_staff_products(tenant, query, status=wanted, limit=PAGE * 2)
        next_cursor = None
    else:
        page = catalog.list_products(
            tenant,
            sort=order,
            after=after or None,
            limit=PAGE,
            include_unpublished=True,
            status=wanted,
            category=category or None,
        )
        items, next_cursor = page.items, page.next_cursor
    return console.render(
        "products.html",
        items=items,
        next_cursor=next_cursor,
        categories=catalog.list_categories(tenant),
        q=query,
        status_filter=wanted.value if wanted else "",
        category=category,
        sort=order.value,
        after=after,
    )


@router.post("/admin/products/bulk")
def bulk_status(console: Posted) -> Response:
    console.need("products.edit")
    action = console.form.get("action")
    targets = {"activate": ProductStatus.ACTIVE, "archive": ProductStatus.ARCHIVED}
    ids = list(dict.fromkeys(console.form.all("ids")))
    if action not in targets or not ids or len(ids) > BULK_MAX:
        return console.redirect("/admin/products", console._("Choose products and an action."))
    tenant = console.resolved.tenant
    for product_id in ids:
        _product_id(product_id)
    for product_id in ids:
        catalog.set_product_status(tenant, product_id, targets[action])
        audit(console, "product.status", f"product:{product_id}", {"status": targets[action].value})
    done = (
        (
            console._("1 product activated.")
            if len(ids) == 1
            else console._("{n} products activated.", n=len(ids))
        )
        if action == "activate"
        else (
            console._("1 product archived.")
            if len(ids) == 1
            else console._("{n} products archived.", n=len(ids))
        )
    )
    return console.redirect("/admin/products", done)


# --- the product form ----------------------------------------------------------------------------------


def values_of(product: Product) -> tuple[dict[str, str], int, int]:
    """The form's entries for ``product`` (and how many variant and image rows it fills)."""
    values: dict[str, str] = {
        "title": product.title,
        "handle": product.handle,
        "description": product.description,
        "status": product.status.value,
        "tax_class": product.tax_class.value,
        "version": catalog.product_version(product),
    }
    names: list[str] = []
    for variant in product.variants:
        names.extend(name for name in variant.options if name not in names)
    for slot, name in zip(OPTION_SLOTS, names, strict=False):
        values[f"option{slot}"] = name
    for i, variant in enumerate(product.variants):
        values[f"variants-{i}-sku"] = variant.sku
        values[f"variants-{i}-price"] = amount_text(variant.price)
        values[f"variants-{i}-compare_at_price"] = amount_text(variant.compare_at_price)
        values[f"variants-{i}-stock"] = str(variant.stock)
        values[f"variants-{i}-gtin"] = variant.gtin or ""
        for slot, name in zip(OPTION_SLOTS, names, strict=False):
            values[f"variants-{i}-option{slot}"] = variant.options.get(name, "")
    for lang, translation in product.translations.items():
        values[f"translations-{lang}-title"] = translation.title or ""
        values[f"translations-{lang}-description"] = translation.description or ""
    for i, url in enumerate(product.images):
        values[f"images-{i}-url"] = url
        values[f"images-{i}-alt"] = product.image_alts.get(url, "")
        values[f"images-{i}-position"] = str(i + 1)
    return values, len(product.variants), len(product.images)


def _rows(console: Console, pattern: re.Pattern[str]) -> list[int]:
    return sorted({int(m.group(1)) for name in console.form.names() if (m := pattern.match(name))})


def _images(console: Console, errors: dict[str, str]) -> list[tuple[int, int, str, str]]:
    """The posted image rows as ``(order, row, url, alt)``, in the order asked for."""
    form, _ = console.form, console._
    images: list[tuple[int, int, str, str]] = []
    for i in _rows(console, _IMAGE_FIELD):
        url = form.get(f"images-{i}-url").strip()
        if not url or form.get(f"images-{i}-remove"):
            continue
        # Web addresses, the inline pictures (data:image/...) demo and imported products may carry, and
        # uploaded images (media:<id>, what "Upload an image" adds).
        if not (
            re.fullmatch(r"https?://\S{1,2000}", url)
            or re.fullmatch(r"data:image/[\w.+-]+[;,]\S+", url)
            or re.fullmatch(f"{MEDIA_REF_PREFIX}{MEDIA_ID_PATTERN}", url)
        ):
            errors[f"images-{i}-url"] = _("Enter an image address starting with https://.")
        position = form.get(f"images-{i}-position").strip()
        rank = int(position) if position.isdigit() else i + 1
        images.append((rank, i, url, form.get(f"images-{i}-alt").strip()))
    images.sort()
    if len(images) > MAX_IMAGES:
        errors[f"images-{images[MAX_IMAGES][1]}-url"] = _("At most {n} images.", n=MAX_IMAGES)
    return images


def parse_product(console: Console, currency: str) -> tuple[ProductInput | None, dict[str, str]]:
    """The posted form as a ProductInput, or the messages per form field that keep it from being one."""
    form, _ = console.form, console._
    errors: dict[str, str] = {}
    variants: list[dict[str, Any]] = []
    variant_rows: list[int] = []
    for i in _rows(console, _VARIANT_FIELD):
        name = f"variants-{i}-"
        cells = {k: form.get(name + k).strip() for k in ("sku", "price", "compare_at_price", "stock", "gtin")}
        options = {
            form.get(f"option{slot}").strip(): form.get(f"{name}option{slot}").strip()
            for slot in OPTION_SLOTS
            if form.get(f"option{slot}").strip() and form.get(f"{name}option{slot}").strip()
        }
        if form.get(name + "remove") or not any(cells.values()):
            continue
        row: dict[str, Any] = {"sku": cells["sku"], "options": options, "currency": currency}
        try:
            row["price"] = parse_amount(cells["price"])
        except ValueError:
            errors[name + "price"] = _("Enter a price like 12.50.")
        if cells["compare_at_price"]:
            try:
                row["compare_at_price"] = parse_amount(cells["compare_at_price"])
            except ValueError:
                errors[name + "compare_at_price"] = _("Enter a price like 12.50, or leave it empty.")
        if cells["stock"]:
            if re.fullmatch(r"\d{1,7}", cells["stock"]):
                row["stock"] = int(cells["stock"])
            else:
                errors[name + "stock"] = _("Enter a whole number of 0 or more.")
        row["gtin"] = cells["gtin"] or None
        variants.append(row)
        variant_rows.append(i)
    if not variants and not errors:
        errors["variants-0-sku"] = _("A product needs at least one variant with a SKU and a price.")
    images = _images(console, errors)
    translations: dict[str, Translation] = {}
    for lang in EDITABLE_LANGUAGES:
        title = form.get(f"translations-{lang}-title").strip()
        description = form.get(f"translations-{lang}-description").strip()
        if title or description:
            translations[lang] = Translation(title=title or None, description=description or None)
    if errors:
        return None, errors
    image_rows = [i for _, i, _, _ in images]
    data = {
        "title": form.get("title").strip(),
        "handle": form.get("handle").strip() or None,
        "description": form.get("description").strip(),
        "status": form.get("status") or ProductStatus.DRAFT.value,
        "tax_class": form.get("tax_class") or TaxClass.STANDARD.value,
        "categories": tuple(dict.fromkeys(form.all("categories"))),
        "translations": translations,
        "images": tuple(url for _, _, url, _ in images),
        "image_alts": {url: alt for _, _, url, alt in images if alt},
        "variants": tuple(variants),
    }
    try:
        return ProductInput.model_validate(data), {}
    except ValidationError as exc:
        return None, _form_errors(console, exc, variant_rows, image_rows)


def _form_errors(
    console: Console, exc: ValidationError, variant_rows: list[int], image_rows: list[int]
) -> dict[str, str]:
    """Pydantic's errors under the form's field names."""
    first_sku = f"variants-{variant_rows[0] if variant_rows else 0}-sku"
    found: dict[str, str] = {}
    for error in exc.errors():
        loc, message = error["loc"], console._(str(error["msg"]).removeprefix("Value error, "))
        name = _field_name(loc, variant_rows, image_rows, first_sku, message)
        found.setdefault(name, message)
    return found


def _field_name(
    loc: tuple[Any, ...], variant_rows: list[int], image_rows: list[int], first_sku: str, message: str
) -> str:
    head = loc[0] if loc else ""
    if head == "variants" and len(loc) >= 3 and isinstance(loc[1], int) and loc[1] < len(variant_rows):
        column = "option1" if loc[2] == "options" else loc[2]
        return f"variants-{variant_rows[loc[1]]}-{column}"
    if head == "variants" or (not loc and "SKU" in message):
        return first_sku
    if head == "translations" and len(loc) >= 3:
        return f"translations-{loc[1]}-{loc[2]}"
    if head == "images" and len(loc) >= 2 and isinstance(loc[1], int) and loc[1] < len(image_rows):
        return f"images-{image_rows[loc[1]]}-url"
    if head in ("image_alts", "images"):
        return f"images-{image_rows[0] if image_rows else 0}-url"
    if not loc:
        return "categories" if "categor" in message else first_sku
    return str(head)


def _service_errors(error: OrionError, variant_rows: int) -> dict[str, str]:
    """An error of the service under the form's field names (``variants.0.sku`` -> ``variants-0-sku``)."""
    found = {name.replace(".", "-"): text for name, text in field_errors(error).items()}
    named = error.extra.get("field")
    if isinstance(named, str):
        found.setdefault("variants-0-sku" if named == "variants" else named, str(error))
    return found


@dataclass
class Shown:
    """What the product form shows: the product (None: a new one), the entries, and how many rows."""

    product: Product | None
    values: dict[str, str]
    variant_rows: int
    image_rows: int


def _form_page(
    console: Console,
    status: int,
    shown: Shown,
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    upgrade: str | None = None,
) -> HTMLResponse:
    product = shown.product
    posted = bool(console.form.pairs)
    # A small preview of each uploaded image the product shows (the form names it media:<id>).
    thumbnails = (
        {
            f"{MEDIA_REF_PREFIX}{media_id}": image.url(console.resolved.tenant, image.widths[0], "jpg")
            for media_id, image in product.media.items()
        }
        if product
        else {}
    )
    chosen = console.form.all("categories") if posted else list(product.categories if product else ())
    languages = [lang for lang in EDITABLE_LANGUAGES if lang != _default_language(console)]
    changed = feed_values(console, product) if product else {}
    # The markers sit next to their fields; one the form has no field for (a translation into the
    # store's default language) shows in the feed notice.
    inline = {*BASE_FIELDS, *(f"{name}.{lang}" for name in ("title", "description") for lang in languages)}
    return console.render(
        "product_form.html",
        status,
        product=product,
        values=shown.values,
        variant_rows=range(max(1, min(shown.variant_rows, MAX_VARIANTS + 1))),
        image_rows=range(max(1, min(shown.image_rows, MAX_IMAGES))),
        chosen=chosen,
        categories=catalog.list_categories(console.resolved.tenant),
        languages=languages,
        statuses=[s.value for s in ProductStatus],
        option_slots=OPTION_SLOTS,
        errors=errors or {},
        message=message,
        upgrade=upgrade,
        amount=amount_text,
        thumbnails=thumbnails,
        feed_values=changed,
        feed_elsewhere=[value for field, value in changed.items() if field not in inline],
    )


def _default_language(console: Console) -> str:
    return console.resolved.store.default_language if console.resolved.store else "en"


def _posted_rows(console: Console) -> tuple[int, int]:
    """How many variant and image rows the posted form had, plus one when it asked for another."""
    variants = _rows(console, _VARIANT_FIELD)
    images = _rows(console, _IMAGE_FIELD)
    extra_variant = 1 if console.form.get("add_variant") else 0
    extra_image = 1 if console.form.get("add_image") else 0
    return (max(variants, default=-1) + 1 + extra_variant, max(images, default=-1) + 1 + extra_image)


@router.get("/admin/products/new")
def new_product(console: SignedIn) -> HTMLResponse:
    console.need("products.create")
    values = {"status": ProductStatus.DRAFT.value}
    return _form_page(console, 200, Shown(None, values, 1, 1))


def _tier_message(console: Console, error: LimitExceeded) -> tuple[str, str | None]:
    extra = error.extra
    tier = Tier(extra["tier"]) if extra.get("tier") in {t.value for t in Tier} else None
    plan = tiers.plan_of(tier).name if tier else ""
    message = console._(
        "{current} of {max} products on {plan}.",
        current=extra.get("current"),
        max=extra.get("max"),
        plan=plan,
    )
    above = tiers.next_plan(tier) if tier else None
    upgrade = (
        console._("Ask your platform to move the store to {plan} to add more.", plan=above.name)
        if above
        else console._("Remove products you no longer sell to add new ones.")
    )
    return message, upgrade


@router.post("/admin/products")
def create_product(console: Posted) -> Response:
    console.need("products.create")
    rows, image_rows = _posted_rows(console)
    values = console.form.as_dict()
    again = Shown(None, values, rows, image_rows)
    if console.form.get("add_variant") or console.form.get("add_image"):
        return _form_page(console, 200, again)
    data, errors = parse_product(console, _store_currency(console))
    if data is None:
        return _form_page(
            console, 422, again, errors=errors, message=console._("Please correct the fields marked below.")
        )
    try:
        media = uploaded_images(console.resolved, data.images)
        product = catalog.create_product(console.resolved.tenant, data, media=media)
    except LimitExceeded as error:
        if error.extra.get("limit") != tiers.Limit.PRODUCTS.value:
            raise
        message, upgrade = _tier_message(console, error)
        return _form_page(console, error.status, again, message=message, upgrade=upgrade)
    except (Invalid, Conflict) as error:
        return _form_page(
            console,
            error.status,
            again,
            errors=_service_errors(error, rows),
            message=console.error_message(error),
        )
    audit(console, "product.create", f"product:{product.id}", {"handle": product.handle})
    return console.redirect(f"/admin/products/{product.id}", console._("Product created."))


@router.get("/admin/products/{product_id}")
def edit_product(console: SignedIn, product_id: str) -> HTMLResponse:
    console.need("products.view")
    product = catalog.get_product(console.resolved.tenant, _product_id(product_id))
    values, rows, images = values_of(product)
    return _form_page(console, 200, Shown(product, values, rows + 1, images + 1))


@router.post("/admin/products/{product_id}")
def save_product(console: Posted, product_id: str) -> Response:
    console.need("products.edit")
    tenant = console.resolved.tenant
    current = catalog.get_product(tenant, _product_id(product_id))
    rows, image_rows = _posted_rows(console)
    values = console.form.as_dict()
    again = Shown(current, values, rows, image_rows)
    if console.form.get("add_variant") or console.form.get("add_image"):
        return _form_page(console, 200, again)
    data, errors = parse_product(console, current.currency)
    if data is None:
        return _form_page(
            console, 422, again, errors=errors, message=console._("Please correct the fields marked below.")
        )
    version = console.form.get("version")
    try:
        if version != catalog.product_version(current):
            raise catalog.StaleProduct(current)
        media = uploaded_images(console.resolved, data.images)
        catalog.update_product(tenant, product_id, data, expected_version=version, media=media)
    except catalog.StaleProduct as error:
        return _conflict_page(console, data, error.current)
    except (Invalid, Conflict) as error:
        if isinstance(error, Conflict) and not error.extra.get("field"):
            return _conflict_page(console, data, catalog.get_product(tenant, product_id))
        return _form_page(
            console,
            error.status,
            again,
            errors=_service_errors(error, rows),
            message=console.error_message(error),
        )
    audit(console, "product.update", f"product:{product_id}")
    return console.redirect(f"/admin/products/{product_id}", console._("Saved."))


def differences(console: Console, yours: ProductInput, current: Product) -> list[tuple[str, str, str]]:
    """Field by field, what the posted form says and what the product says now (only where they differ)."""
    _ = console._
    rows: list[tuple[str, str, str]] = []

    def compare(label: str, mine: object, theirs: object) -> None:
        left, right = _shown(mine), _shown(theirs)
        if left != right:
            rows.append((label, left, right))

    compare(_("Title"), yours.title, current.title)
    if yours.handle:
        compare(_("Handle"), yours.handle, current.handle)
    compare(_("Description"), yours.description, current.description)
    compare(_("Status"), _(yours.status.value), _(current.status.value))
    compare(_("Categories"), ", ".join(yours.categories), ", ".join(current.categories))
    compare(_("Images"), ", ".join(yours.images), ", ".join(current.images))
    compare(_("Image descriptions"), yours.image_alts, current.image_alts)
    for lang in sorted(set(yours.translations) | set(current.translations)):
        mine, theirs = yours.translations.get(lang), current.translations.get(lang)
        compare(f"{_('Title')} ({lang})", mine.title if mine else "", theirs.title if theirs else "")
        compare(
            f"{_('Description')} ({lang})",
            mine.description if mine else "",
            theirs.description if theirs else "",
        )
    held = {v.sku: v for v in current.variants}
    for variant in yours.variants:
        other: Variant | None = held.pop(variant.sku, None)
        if other is None:
            rows.append((_("Variant {sku}", sku=variant.sku), _variant_text(variant), _("(none)")))
            continue
        label = _("Variant {sku}", sku=variant.sku)
        compare(f"{label}: {_('Price')}", amount_text(variant.price), amount_text(other.price))
        compare(
            f"{label}: {_('Compare-at price')}",
            amount_text(variant.compare_at_price),
            amount_text(other.compare_at_price),
        )
        compare(f"{label}: {_('Options')}", variant.label, other.label)
        compare(f"{label}: GTIN", variant.gtin or "", other.gtin or "")
    for sku, other in held.items():
        rows.append((_("Variant {sku}", sku=sku), _("(none)"), _variant_text(other)))
    return rows


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    return "" if value is None else str(value)


def _variant_text(variant: Variant) -> str:
    return " · ".join(p for p in (variant.label, amount_text(variant.price), f"stock {variant.stock}") if p)


def _conflict_page(console: Console, yours: ProductInput, current: Product) -> HTMLResponse:
    return console.render(
        "product_conflict.html",
        409,
        product=current,
        changes=differences(console, yours, current),
    )


# --- lasting overrides: a product from a feed ------------------------------------------------------------


@dataclass(frozen=True)
class FeedValue:
    """An overridden field of a product from a feed: its name for people and the feed's value as text."""

    field: str
    label: str
    shown: str


_FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "price": "Price",
    "compare_at_price": "Compare-at price",
    "images": "Images",
    "status": "Status",
}


def field_label(console: Console, field: str) -> str:
    """``title`` -> Title, ``title.fr`` -> Title (fr), in the member's language."""
    name, _, lang = field.partition(".")
    label = console._(_FIELD_LABELS.get(name, name))
    return f"{label} ({lang})" if lang else label


def _feed_text(console: Console, product: Product, field: str) -> str:
    """The feed's last value of ``field`` as the form would show it (money, a count, a status label)."""
    _ = console._
    value = product.source.get(field)
    name = field.partition(".")[0]
    if name in ("price", "compare_at_price"):
        prices: dict[str, int | None] = value if isinstance(value, dict) else {}
        shown = {
            sku: _("(none)") if minor is None else format_money(minor, product.currency, console.lang)
            for sku, minor in prices.items()
        }
        if len(shown) == 1:
            return next(iter(shown.values()))
        return "; ".join(f"{sku}: {text}" for sku, text in shown.items()) or _("(none)")
    if name == "images":
        count = len(value) if isinstance(value, list) else 0
        if count == 0:
            return _("no images")
        return _("1 image") if count == 1 else _("{n} images", n=count)
    if name == "status" and isinstance(value, str):
        return _(value)
    text = re.sub(r"<[^>]*>", " ", value) if isinstance(value, str) else ""
    text = " ".join(text.split())
    if not text:
        return _("(none)")
    return text if len(text) <= 300 else text[:299] + "…"


def feed_values(console: Console, product: Product) -> dict[str, FeedValue]:
    """The product's overridden fields (a product from a feed), in the form's order."""
    if not product.source:
        return {}
    return {
        field: FeedValue(field, field_label(console, field), _feed_text(console, product, field))
        for field in product.overrides
    }


@router.post("/admin/products/{product_id}/overrides/{field}/reset")
def reset_override(console: Posted, product_id: str, field: str) -> Response:
    """Give one overridden field back the feed's last value, as ``DELETE /api/v1/products/{id}/overrides/
    {field}`` does (same permission, same audit action)."""
    console.need("products.edit")
    tenant, _ = console.resolved.tenant, console._
    product = catalog.get_product(tenant, _product_id(product_id))
    path = f"/admin/products/{product_id}"
    if not overridable(field):
        raise NotFound("There is no such field to give back the feed's value.")
    label = field_label(console, field)
    if field not in product.overrides:
        return console.redirect(path, _("{field} already has the feed's value.", field=label))
    try:
        catalog.reset_override(tenant, product_id, field)
    except NotFound:  # reset meanwhile (another tab, a double click)
        return console.redirect(path, _("{field} already has the feed's value.", field=label))
    audit(console, "product.override.reset", f"product:{product_id}", {"field": field})
    return console.redirect(path, _("{field} has the feed's value again.", field=label))


# --- stock ------------------------------------------------------------------------------------------------


@router.post("/admin/products/{product_id}/stock")
def adjust_stock(console: Posted, product_id: str) -> Response:
    console.need("products.edit")
    tenant = console.resolved.tenant
    product = catalog.get_product(tenant, _product_id(product_id))
    form, _ = console.form, console._
    sku, delta_text, reason = form.get("sku").strip(), form.get("delta").strip(), form.get("reason").strip()
    errors: dict[str, str] = {}
    if product.variant(sku) is None:
        errors["sku"] = _("Choose one of this product's variants.")
    if not re.fullmatch(r"[+-]?\d{1,7}", delta_text) or int(delta_text) == 0:
        errors["delta"] = _("Enter a whole number to add, or a negative one to remove (e.g. -3).")
    if not reason:
        errors["reason"] = _("Say why the stock changes (e.g. stock count, damaged goods).")
    elif len(reason) > 200:
        errors["reason"] = _("At most 200 characters.")
    values, rows, images = values_of(product)
    kept = {"stock_sku": sku, "stock_delta": delta_text, "stock_reason": reason}
    page = Shown(product, {**values, **kept}, rows + 1, images + 1)
    if errors:
        return _stock_errors(console, 422, page, errors)
    delta = int(delta_text)
    try:
        stock = catalog.adjust_variant_stock(tenant, product_id, sku, delta)
    except Conflict as error:
        return _stock_errors(console, error.status, page, {"delta": _(str(error))})
    audit(console, "product.stock", f"product:{product_id}", {"sku": sku, "delta": delta, "reason": reason})
    return console.redirect(
        f"/admin/products/{product_id}", _("Stock of {sku} is now {stock}.", sku=sku, stock=stock)
    )


def _stock_errors(console: Console, status: int, page: Shown, errors: dict[str, str]) -> HTMLResponse:
    console.form = type(console.form)()  # the product form shows the product, not this post
    return _form_page(
        console,
        status,
        page,
        errors={f"stock_{k}": v for k, v in errors.items()},
        message=console._("The stock was not changed."),
    )


@router.get("/admin/stock")
def stock_page(console: SignedIn, after: str = "") -> HTMLResponse:
    console.need("products.view")
    return _stock_page(console, 200, after=after)


def _stock_page(console: Console, status: int, *, after: str = "", **context: Any) -> HTMLResponse:
    page = catalog.list_low_stock(console.resolved.tenant, limit=50, after=after or None)
    values = context.pop("values", {"threshold": str(page.threshold)})
    return console.render("stock.html", status, page=page, values=values, **context)


@router.post("/admin/stock/threshold")
def set_threshold(console: Posted) -> Response:
    console.need("settings.edit")
    text = console.form.get("threshold").strip()
    limit = catalog.MAX_LOW_STOCK_THRESHOLD
    message = console._("Enter a whole number from 0 to {max}.", max=limit)
    if not re.fullmatch(r"\d{1,7}", text) or int(text) > limit:
        return _stock_page(console, 422, values={"threshold": text}, errors={"threshold": message})
    threshold = int(text)
    try:
        recount = catalog.set_low_stock_threshold(console.resolved.tenant, threshold)
    except Invalid:
        return _stock_page(console, 422, values={"threshold": text}, errors={"threshold": message})
    details = {"low_stock_threshold": threshold, "variants_recounted": recount.changed} if recount else None
    store = console.resolved.tenant.require_store()
    audit(console, "settings.update", f"store:{store}", details)
    return console.redirect("/admin/stock", console._("The low-stock threshold is now {n}.", n=threshold))
