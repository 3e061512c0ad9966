"""WordPress as a destination: a store's products as posts (or WooCommerce products where the site's REST
API has WooCommerce), its CMS pages as pages, their pictures in the media library; through the REST API v2
with an application password (docs/channels.md, WordPress).

Every call goes to ``<site>/?rest_route=<route>``, which WordPress answers whatever its permalinks
(``/wp-json/`` needs pretty permalinks, which a fresh install does not have).

Identity at the destination, so a publish that crashed after WordPress saved the item finds it again:
a product's post (or WooCommerce product) has the slug ``orion-<product id>``; a page has the CMS page's
own slug (a WordPress page already at that address is taken over, as ``orion_site`` replaces the target
store's page); a picture has the slug ``orion-image-<hash of the image's entry>`` in the media library, so
it is uploaded once and found again by every later publish (an uploaded image's entry, ``media:<id>``,
names one picture for good; an address is taken to name one picture too).

Unpublishing moves the post or page to WordPress' trash (``DELETE`` without ``force``); an update that
finds its item in the trash (deleted by hand, or unpublished) raises RemoteMissing, so the service
publishes it anew.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from orion.catalog.images import media_id_of
from orion.catalog.models import Product
from orion.channels import http
from orion.channels.destination import (
    ConnectionCheck,
    Prepared,
    PublicAddresses,
    RemoteChange,
    RemoteItem,
    content_hash,
)
from orion.channels.errors import DestinationError, DestinationUnavailable, RemoteMissing
from orion.channels.models import Integration, ItemKind
from orion.cms.models import Page
from orion.errors import FieldError, Invalid
from orion.rendering.i18n import format_money
from orion.tenancy import stores
from orion.tenant import Tenant

SLUG_PREFIX = "orion-"  # a product's post or WooCommerce product: orion-<product id>
IMAGE_SLUG_PREFIX = "orion-image-"
# In a product's post, the description comes first; what follows this mark is Orion's (price, pictures).
DETAILS_MARK = "<!-- orion:details -->"
WOOCOMMERCE = "wc/v3"
WOOCOMMERCE_ID_PREFIX = "wc:"  # the remote id of a WooCommerce product (a post's or page's is its id)
PAGE_SIZE = 100
MAX_PAGES = 20  # a pull reads at most 2,000 items of a kind, oldest change first
# WordPress filters ``modified_after`` on the site's local time: ask a day earlier, keep the newer ones.
_TIMEZONE_MARGIN = timedelta(days=1)
# The picture formats WordPress' media library takes by default, by their first bytes.
_IMAGE_FORMATS = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)
_NEEDED_CAPABILITIES = {
    "publish_posts": "publish posts",
    "publish_pages": "publish pages",
    "upload_files": "upload files",
}


def product_slug(product_id: str) -> str:
    """``orion-<product id>`` in lower case (WordPress keeps slugs in lower case)."""
    return f"{SLUG_PREFIX}{product_id.lower()}"


def image_slug(entry: str) -> str:
    """The media library slug of a product's image (its ``images`` entry): the same for every publish."""
    return IMAGE_SLUG_PREFIX + hashlib.sha256(entry.encode()).hexdigest()[:32]


class WordPressAdapter:
    """One WordPress site (``config.site_url``), signed in with ``username`` and ``application_password``.

    ``transport`` is the network (tests give a recording one); pictures are fetched through it too, from
    their public addresses (an uploaded image from the store's own host, ``https://<store>.<platform
    domain>/media/...``), without the credentials. ``store_address`` and ``language`` (of the prices
    shown in posts) are read from the platform and the store when not given."""

    def __init__(
        self,
        tenant: Tenant,
        integration: Integration,
        credentials: Mapping[str, str],
        transport: http.Transport | None = None,
        *,
        store_address: str | None = None,
        language: str | None = None,
    ) -> None:
        username = credentials.get("username", "").strip()
        password = credentials.get("application_password", "").strip()
        if not username or not password:
            raise Invalid(
                "The integration cannot publish without its credentials.",
                errors=[FieldError("credentials", "set the WordPress user name and application password")],
            )
        self.tenant = tenant
        self.integration = integration
        self.site = (integration.config.site_url or "").rstrip("/")
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self._authorization = f"Basic {token}"
        self._transport = transport or http.PublicTransport()
        self._public_address = PublicAddresses(tenant, store_address)
        self._language = language
        self._namespaces: list[str] | None = None
        self._media: dict[str, tuple[int, str]] = {}  # image slug -> (media id, its address there)

    def __repr__(self) -> str:  # never the credentials
        return f"WordPressAdapter({self.site!r})"

    # --- what would be sent ---

    def prepare(self, product: Product) -> Prepared:
        cheapest = min(product.variants, key=lambda v: v.price)
        images: list[dict[str, str]] = []
        for image in product.shown_images:
            address = self._public_address(self._image_address(image, product))
            if address is not None:
                images.append({"entry": image, "address": address, "alt": product.image_alts.get(image, "")})
        content: dict[str, Any] = {
            "title": product.title,
            "slug": product_slug(product.id),
            "description": product.description,
            "price": cheapest.price,
            "compare_at_price": cheapest.compare_at_price,
            "currency": cheapest.currency,
            "price_from": len({v.price for v in product.variants}) > 1,
            "sku": product.variants[0].sku,
            "brand": product.brand,
            "categories": list(product.categories),
            "images": images,
            "language": self._price_language(),
        }
        return Prepared(ItemKind.PRODUCT, product.id, content, content_hash(content))

    def prepare_page(self, page: Page) -> Prepared:
        content = {"title": page.title, "slug": page.slug, "body_html": page.body_html}
        return Prepared(ItemKind.PAGE, page.slug, content, content_hash(content))

    # --- publish, update, unpublish ---

    def publish(self, item: Prepared) -> RemoteItem:
        """Find the item a previous attempt made (by its slug) and update it, or create it."""
        try:
            if item.item_kind is ItemKind.PAGE:
                return self._save_post("pages", None, item)
            if WOOCOMMERCE in self._index_namespaces():
                return self._save_woocommerce(None, item)
            return self._save_post("posts", None, item)
        except RemoteMissing as exc:  # a 404 here is no item gone: the site has no such route
            raise DestinationError(
                f"{self.site} has no WordPress REST API route for this ({exc}): check the site address."
            ) from None

    def update(self, remote_id: str, item: Prepared) -> RemoteItem:
        if item.item_kind is ItemKind.PRODUCT and remote_id.startswith(WOOCOMMERCE_ID_PREFIX):
            return self._save_woocommerce(_number(remote_id.removeprefix(WOOCOMMERCE_ID_PREFIX)), item)
        collection = "pages" if item.item_kind is ItemKind.PAGE else "posts"
        return self._save_post(collection, _number(remote_id), item)

    def unpublish(self, item_kind: ItemKind, remote_id: str) -> None:
        """Move the item to WordPress' trash (deleted for good where the site keeps no trash)."""
        what = f"the {_noun(item_kind)} {remote_id}"
        try:
            if item_kind is ItemKind.PRODUCT and remote_id.startswith(WOOCOMMERCE_ID_PREFIX):
                route = f"/{WOOCOMMERCE}/products/{_number(remote_id.removeprefix(WOOCOMMERCE_ID_PREFIX))}"
            else:
                collection = "pages" if item_kind is ItemKind.PAGE else "posts"
                route = f"/wp/v2/{collection}/{_number(remote_id)}"
            try:
                self._call("DELETE", route, what)
            except _TrashMissing:
                self._call("DELETE", route, what, query={"force": "true"})
        except RemoteMissing:
            return  # already trashed or deleted there

    # --- posts and pages ---

    def _save_post(self, collection: str, post_id: int | None, item: Prepared) -> RemoteItem:
        content = item.content
        noun = _noun(item.item_kind)
        body: dict[str, Any] = {"title": content["title"], "slug": content["slug"]}
        if item.item_kind is ItemKind.PAGE:
            body["content"] = content["body_html"]
        else:
            media = self._media_of(content["images"])
            body["content"] = _post_html(content, media)
            body["featured_media"] = media[0][0] if media else 0
        if post_id is None:
            found = self._find(f"/wp/v2/{collection}", content["slug"], noun)
            route = f"/wp/v2/{collection}" if found is None else f"/wp/v2/{collection}/{found}"
            answer = self._call("POST", route, f"the {noun}", body={**body, "status": "publish"})
        else:
            # (no status: a post the merchant set to draft in WordPress stays a draft)
            answer = self._call("POST", f"/wp/v2/{collection}/{post_id}", f"the {noun} {post_id}", body=body)
        saved = _object(answer, f"the {noun}")
        if saved.get("status") == "trash":  # deleted by hand (or unpublished): published anew
            raise RemoteMissing(f"The {noun} {post_id} is in WordPress' trash.")
        return RemoteItem(str(_number(saved.get("id"))), _text(saved.get("link")) or None)

    def _find(self, route: str, slug: str, noun: str) -> int | None:
        """The id of the item with this slug (any status but trash), if there is one."""
        query = {"slug": slug, "status": "any", "context": "edit", "_fields": "id"}
        found = _list(self._call("GET", route, f"the {noun} {slug}", query=query), f"the {noun} {slug}")
        ids = [_number(entry.get("id")) for entry in found if isinstance(entry, dict)]
        return min(ids) if ids else None

    # --- WooCommerce products ---

    def _save_woocommerce(self, product_id: int | None, item: Prepared) -> RemoteItem:
        content = item.content
        media = self._media_of(content["images"])
        price, compare_at = content["price"], content["compare_at_price"]
        on_sale = compare_at is not None and compare_at > price
        body: dict[str, Any] = {
            "name": content["title"],
            "slug": content["slug"],
            "type": "simple",
            "description": content["description"],
            "sku": content["sku"],
            "regular_price": _decimal(compare_at if on_sale else price),
            "sale_price": _decimal(price) if on_sale else "",
            "images": [{"id": media_id} for media_id, _ in media],
        }
        route = f"/{WOOCOMMERCE}/products"
        if product_id is None:
            found = self._find(route, content["slug"], "product")
            target = route if found is None else f"{route}/{found}"
            method = "POST" if found is None else "PUT"
            answer = self._call(method, target, "the product", body={**body, "status": "publish"})
        else:
            answer = self._call("PUT", f"{route}/{product_id}", f"the product {product_id}", body=body)
        saved = _object(answer, "the product")
        if saved.get("status") == "trash":
            raise RemoteMissing(f"The product {product_id} is in WordPress' trash.")
        remote_id = f"{WOOCOMMERCE_ID_PREFIX}{_number(saved.get('id'))}"
        return RemoteItem(remote_id, _text(saved.get("permalink")) or None)

    # --- pictures ---

    def _media_of(self, images: list[dict[str, str]]) -> list[tuple[int, str]]:
        """Each image's media id and address in the library: found by its slug (one request for all),
        uploaded only when it is not there yet."""
        slugs = {image_slug(image["entry"]): image for image in images}
        unknown = [slug for slug in slugs if slug not in self._media]
        if unknown:
            query = {
                "slug": ",".join(unknown),
                "per_page": str(PAGE_SIZE),
                "context": "edit",
                "_fields": "id,slug,source_url",
            }
            for entry in _list(
                self._call("GET", "/wp/v2/media", "the pictures", query=query), "the pictures"
            ):
                if isinstance(entry, dict) and entry.get("slug") in slugs:
                    self._media[str(entry["slug"])] = (
                        _number(entry.get("id")),
                        _text(entry.get("source_url")),
                    )
        for slug, image in slugs.items():
            if slug not in self._media:
                self._media[slug] = self._upload(slug, image)
        return [self._media[slug] for slug in slugs]

    def _upload(self, slug: str, image: Mapping[str, str]) -> tuple[int, str]:
        data, content_type, extension = self._download(image["address"])
        name = _file_name(image["address"], extension)
        query = {"slug": slug, "title": name.rsplit(".", 1)[0], "alt_text": image.get("alt", "")}
        headers = {"Content-Type": content_type, "Content-Disposition": f'attachment; filename="{name}"'}
        answer = self._call(
            "POST", "/wp/v2/media", f"the picture {name}", query=query, data=data, headers=headers
        )
        saved = _object(answer, f"the picture {name}")
        return _number(saved.get("id")), _text(saved.get("source_url"))

    def _download(self, address: str) -> tuple[bytes, str, str]:
        """The picture's bytes from its public address (never with the credentials) and its format."""
        shown = address if len(address) <= 200 else address[:200] + "…"
        try:
            answer = self._transport.send(http.HttpRequest("GET", address, {"Accept": "image/*"}))
        except DestinationUnavailable as exc:
            raise DestinationUnavailable(
                f"The picture {shown} could not be fetched: {exc}", retry_after=exc.retry_after
            ) from None
        except DestinationError as exc:
            raise DestinationError(f"The picture {shown} could not be fetched: {exc}") from None
        if answer.status == 429 or answer.status >= 500:
            raise DestinationUnavailable(
                f"The picture {shown} could not be fetched now ({answer.status}); it will be retried.",
                retry_after=http.retry_after(answer),
            )
        if answer.status != 200:
            raise DestinationError(f"The picture {shown} answered {answer.status} instead of the picture.")
        for magic, content_type, extension in _IMAGE_FORMATS:
            if answer.body.startswith(magic):
                return answer.body, content_type, extension
        if answer.body[:4] == b"RIFF" and answer.body[8:12] == b"WEBP":
            return answer.body, "image/webp", "webp"
        raise DestinationError(f"The picture {shown} is not a JPEG, PNG, GIF or WebP image.")

    def _image_address(self, image: str, product: Product) -> str | None:
        """An address as it is; an uploaded image's widest JPEG variant (host-relative), none while the
        product has no size for it."""
        media_id = media_id_of(image)
        if media_id is None:
            return image
        found = product.media.get(media_id)
        return found.url(self.tenant, max(found.widths), "jpg") if found else None

    def _price_language(self) -> str:
        if self._language is None:
            profile = stores.store_profile(self.tenant)
            self._language = profile.default_language if profile else "en"
        return self._language

    # --- the pull (two-way sync) ---

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]:
        """Pages, products' posts (slug ``orion-…``) and WooCommerce products changed in WordPress after
        ``since`` (everything when None), in Orion's terms: a page's ``title`` and ``body_html`` (as
        typed, ``context=edit``), a post's ``title``, ``description`` (what precedes Orion's details)
        and ``status``; a WooCommerce product's ``title``, ``description``, ``price``,
        ``compare_at_price`` and ``status``."""
        changes: list[RemoteChange] = []
        for entry, changed_at in self._changed("/wp/v2/pages", "the pages", since):
            changes.append(
                RemoteChange(ItemKind.PAGE, str(_number(entry.get("id"))), _page_fields(entry), changed_at)
            )
        for entry, changed_at in self._changed("/wp/v2/posts", "the posts", since):
            if _text(entry.get("slug")).startswith(SLUG_PREFIX):
                changes.append(
                    RemoteChange(
                        ItemKind.PRODUCT, str(_number(entry.get("id"))), _post_fields(entry), changed_at
                    )
                )
        if WOOCOMMERCE in self._index_namespaces():
            for entry, changed_at in self._changed(
                f"/{WOOCOMMERCE}/products", "the products", since, modified="date_modified_gmt"
            ):
                if _text(entry.get("slug")).startswith(SLUG_PREFIX):
                    remote_id = f"{WOOCOMMERCE_ID_PREFIX}{_number(entry.get('id'))}"
                    changes.append(
                        RemoteChange(ItemKind.PRODUCT, remote_id, _product_fields(entry), changed_at)
                    )
        return changes

    def _changed(
        self, route: str, what: str, since: datetime | None, *, modified: str = "modified_gmt"
    ) -> Iterator[tuple[dict[str, Any], datetime]]:
        query = {"context": "edit", "status": "any", "per_page": str(PAGE_SIZE)}
        if not route.startswith(f"/{WOOCOMMERCE}/"):
            query |= {"orderby": "modified", "order": "asc"}
        if since is not None:
            query["modified_after"] = (since.astimezone(UTC) - _TIMEZONE_MARGIN).strftime("%Y-%m-%dT%H:%M:%S")
        for number in range(1, MAX_PAGES + 1):
            answer = self._call("GET", route, what, query={**query, "page": str(number)})
            entries = _list(answer, what)
            for entry in entries:
                if not isinstance(entry, dict):
                    continue
                changed_at = _gmt(entry.get(modified))
                if changed_at is not None and (since is None or changed_at > since):
                    yield entry, changed_at
            pages = answer.headers.get("x-wp-totalpages", "1")
            if not entries or number >= (int(pages) if pages.isdigit() else 1):
                return

    # --- the connection ---

    def test_connection(self) -> ConnectionCheck:
        """Whether the site answers as WordPress, the credentials sign in, and the user may publish."""
        try:
            namespaces = self._index_namespaces()
        except DestinationUnavailable as exc:
            return ConnectionCheck(False, f"{self.site} could not be reached: {exc}")
        except DestinationError as exc:
            return ConnectionCheck(False, str(exc))
        try:
            answer = self._call("GET", "/wp/v2/users/me", "signing in", query={"context": "edit"})
            me = _object(answer, "signing in")
        except DestinationError as exc:
            return ConnectionCheck(False, str(exc))
        found = me.get("capabilities")
        capabilities: dict[str, Any] = found if isinstance(found, dict) else {}
        lacking = [label for cap, label in _NEEDED_CAPABILITIES.items() if not capabilities.get(cap)]
        name = _text(me.get("name")) or "the user"
        if lacking:
            return ConnectionCheck(
                False,
                f"Signed in to {self.site} as {name}, who may not {', '.join(lacking)}: give the user the "
                "Editor or Administrator role in WordPress.",
            )
        products = "WooCommerce products" if WOOCOMMERCE in namespaces else "posts"
        return ConnectionCheck(
            True, f"Signed in to {self.site} as {name}: products go to {products}, CMS pages to pages."
        )

    def _index_namespaces(self) -> list[str]:
        """The REST API's namespaces (``wp/v2``, ``wc/v3`` ...): read once per adapter."""
        if self._namespaces is None:
            not_wordpress = (
                f"{self.site} does not answer as a WordPress site (no REST API at "
                f"{self.site}/?rest_route=/): check the site address in the integration."
            )
            try:
                answer = self._call("GET", "/", "the site's REST API index")
            except RemoteMissing:
                raise DestinationError(not_wordpress) from None
            try:
                index = json.loads(answer.body)
            except ValueError:
                raise DestinationError(not_wordpress) from None
            if not isinstance(index, dict):
                raise DestinationError(not_wordpress)
            namespaces = index.get("namespaces")
            if not isinstance(namespaces, list) or "wp/v2" not in namespaces:
                raise DestinationError(not_wordpress)
            self._namespaces = [str(n) for n in namespaces]
        return self._namespaces

    # --- HTTP ---

    def _call(
        self,
        method: str,
        route: str,
        what: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> http.HttpAnswer:
        sent = {"Authorization": self._authorization, "Accept": "application/json", **(headers or {})}
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            sent["Content-Type"] = "application/json"
        address = f"{self.site}/?{urlencode({'rest_route': route, **(query or {})}, safe='/,')}"
        answer = self._transport.send(http.HttpRequest(method, address, sent, data))
        _refuse_by_code(answer, what)
        return http.check_answer(answer, what)


class _TrashMissing(DestinationError):
    """The site keeps no trash (``EMPTY_TRASH_DAYS`` is 0): the item is deleted for good instead."""


def _refuse_by_code(answer: http.HttpAnswer, what: str) -> None:
    """The answers whose status says something else than WordPress means: a file it will not take (500),
    a route it does not have (404: not an item gone), a trash it does not keep (501), and the
    credentials and permissions (401, 403) in WordPress' words."""
    status = answer.status
    if status < 400:
        return
    try:
        found = json.loads(answer.body)
    except ValueError:
        found = None
    error = found if isinstance(found, dict) else {}
    code, message = _text(error.get("code")), _text(error.get("message"))[:300]
    said = f": {message}" if message else ""
    if status == 401:
        raise DestinationError(
            f"WordPress refused the user name or application password ({status}{said}) for {what}: check "
            "them in the integration (an application password is made in WordPress under Users, Profile)."
        )
    if status == 403:
        raise DestinationError(
            f"WordPress refused {what} to this user ({status}{said}): it needs the Editor or Administrator "
            "role."
        )
    if code == "rest_no_route":
        raise DestinationError(f"WordPress has no REST route for {what} ({status}{said}).")
    if code == "rest_trash_not_supported":
        raise _TrashMissing(f"WordPress keeps no trash for {what}.")
    if status >= 500 and (code.startswith("rest_upload") or code == "rest_cannot_create"):
        raise DestinationError(f"WordPress refused {what} ({status}{said}).")


def _noun(kind: ItemKind) -> str:
    return "page" if kind is ItemKind.PAGE else "product's post"


def _post_html(content: Mapping[str, Any], media: list[tuple[int, str]]) -> str:
    """A product's post: its description, then Orion's details (price, brand, categories, and the
    pictures after the first, which is the post's featured image)."""
    language = str(content.get("language") or "en")
    price = format_money(int(content["price"]), str(content["currency"]), language)
    shown = f"From {price}" if content.get("price_from") else price
    parts = [f'<p class="orion-price"><strong>{escape(shown)}</strong>']
    compare_at = content.get("compare_at_price")
    if compare_at and compare_at > content["price"]:
        was = format_money(int(compare_at), str(content["currency"]), language)
        parts[0] += f" <del>{escape(was)}</del>"
    parts[0] += "</p>"
    if content.get("brand"):
        parts.append(f'<p class="orion-brand">{escape(str(content["brand"]))}</p>')
    if content.get("categories"):
        parts.append(f'<p class="orion-categories">{escape(", ".join(content["categories"]))}</p>')
    for image, (media_id, address) in list(zip(content["images"], media, strict=True))[1:]:
        parts.append(
            f'<figure class="wp-block-image"><img src="{escape(address)}" alt="{escape(image["alt"])}" '
            f'class="wp-image-{media_id}"/></figure>'
        )
    return f"{content['description']}\n{DETAILS_MARK}\n" + "\n".join(parts)


def _page_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"title": _raw(entry.get("title")), "body_html": _raw(entry.get("content"))}


def _post_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    body = _raw(entry.get("content"))
    description, marked, _ = body.partition(f"\n{DETAILS_MARK}")
    if not marked:
        description = body.partition(DETAILS_MARK)[0]
    return {"title": _raw(entry.get("title")), "description": description, "status": _status(entry)}


def _product_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    regular, sale = _minor(entry.get("regular_price")), _minor(entry.get("sale_price"))
    fields: dict[str, Any] = {
        "title": _text(entry.get("name")),
        "description": _text(entry.get("description")),
        "status": _status(entry),
    }
    if sale is not None and regular is not None:
        fields |= {"price": sale, "compare_at_price": regular}
    elif regular is not None:
        fields |= {"price": regular, "compare_at_price": None}
    return fields


def _status(entry: Mapping[str, Any]) -> str:
    return "active" if entry.get("status") == "publish" else "draft"


def _raw(field: object) -> str:
    """A title's or content's text as typed (``raw``, with ``context=edit``), else as shown."""
    if isinstance(field, dict):
        return _text(field.get("raw", field.get("rendered")))
    return _text(field)


def _minor(value: object) -> int | None:
    text = _text(value).strip()
    if not text:
        return None
    whole, _, cents = text.partition(".")
    if not whole.isdigit() or not (cents == "" or cents.isdigit()):
        return None
    return int(whole) * 100 + int((cents + "00")[:2])


def _decimal(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"


def _gmt(value: object) -> datetime | None:
    try:
        found = datetime.fromisoformat(_text(value))
    except ValueError:
        return None
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def _file_name(address: str, extension: str) -> str:
    """A file name for the media library: the address's last part (letters, digits, '-', '_'), with the
    picture's real extension."""
    base = posixpath.basename(unquote(urlsplit(address).path)).rsplit(".", 1)[0]
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in base).strip("-")
    return f"{cleaned[:80] or 'picture'}.{extension}"


def _number(value: object) -> int:
    """A WordPress id (a record or an answer carrying anything else is an item gone: published anew)."""
    text = str(value)
    if not text.isdigit() or len(text) > 20:
        raise RemoteMissing(f"{text[:40]!r} is not a WordPress id.")
    return int(text)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _object(answer: http.HttpAnswer, what: str) -> dict[str, Any]:
    found = _json(answer, what)
    if not isinstance(found, dict):
        raise DestinationError(f"WordPress answered {what} with something else than an object.")
    return found


def _list(answer: http.HttpAnswer, what: str) -> list[Any]:
    found = _json(answer, what)
    if not isinstance(found, list):
        raise DestinationError(f"WordPress answered {what} with something else than a list.")
    return found


def _json(answer: http.HttpAnswer, what: str) -> Any:
    try:
        return json.loads(answer.body)
    except ValueError:
        raise DestinationError(
            f"WordPress answered {what} ({answer.status}) with something other than JSON: is the site "
            "address right, and its REST API on?"
        ) from None
