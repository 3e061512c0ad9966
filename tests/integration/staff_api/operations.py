"""One succeeding example request per permission-guarded staff operation, with the resources it needs
created first (by the store's Owner, through the services), so a test can run it as any role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from orion.catalog import service as catalog
from orion.catalog.models import CategoryInput, ProductInput, ProductStatus, Translation, Variant
from orion.identity import service as identity
from orion.ids import new_id
from orion.modules.manifest import Role
from orion.orders import service as orders
from orion.orders.models import CustomerDetails, LineRequest
from orion.tenant import Tenant

WIZAMART = Tenant("oms", "wizamart")


@dataclass(frozen=True)
class Example:
    method: str
    template: str  # the OpenAPI path
    prepare: Callable[[], tuple[str, Any]]  # -> (concrete path, JSON body or None)


def _product(
    status: ProductStatus = ProductStatus.ACTIVE, stock: int = 10, *, variants: int = 1
) -> tuple[str, str]:
    """A new product of wizamart: its id and the SKU of its first variant (of ``variants``)."""
    sku = f"SKU-{new_id()[-8:]}"
    product = catalog.create_product(
        WIZAMART,
        ProductInput(
            title=f"Lamp {sku}",
            status=status,
            variants=tuple(
                Variant(sku=f"{sku}/{n}" if n else sku, price=1999, stock=stock) for n in range(variants)
            ),
            translations={"fr": Translation(title=f"Lampe {sku}")},
        ),
    )
    return product.id, sku


def _overridden_product() -> str:
    """A new product of wizamart from a feed whose status staff changed: its id."""
    sku = f"FEED-{new_id()[-8:]}"
    product, _ = catalog.upsert_product_by_external_id(
        WIZAMART, sku, ProductInput(title=f"Lamp {sku}", variants=(Variant(sku=sku, price=1999),))
    )
    catalog.set_product_status(WIZAMART, product.id, ProductStatus.ACTIVE)
    return product.id


def _product_body(title: str = "Desk lamp") -> dict[str, Any]:
    return {"title": title, "variants": [{"sku": f"S-{new_id()[-10:]}", "price": 2500, "stock": 3}]}


def _category() -> str:
    slug = f"cat-{new_id()[-8:].lower()}"
    catalog.create_category(WIZAMART, CategoryInput(slug=slug, name="Lamps", translations={"fr": "Lampes"}))
    return slug


def _media() -> str:
    """A new upload of wizamart, waiting for its file: its id."""
    from orion.media import service as media

    return media.request_upload(WIZAMART, "chair.jpg", "image/jpeg").media.id


def sku_path(product_id: str, sku: str, rest: str = "") -> str:
    """A variant's URL as clients should build it: the SKU percent-encoded ('/' as %2F)."""
    return f"/api/v1/products/{product_id}/variants/{quote(sku, safe='')}{rest}"


def _order() -> str:
    product_id, sku = _product()
    placed = orders.place_order(
        WIZAMART,
        [LineRequest(product_id=product_id, sku=sku, quantity=1)],
        CustomerDetails(email="shopper@example.com", name="Sam Shopper", address="1 Rue X", country="LU"),
        checkout_key=new_id() + "abcdef",
    )
    return placed.order.id


def _paid_order() -> tuple[str, str]:
    """A new invoice order of wizamart, marked paid (refunds need one): its id and its line's SKU."""
    from orion.orders.models import OrderStatus

    order_id = _order()
    order = orders.transition_order(WIZAMART, order_id, OrderStatus.PAID, note="bank transfer", actor="test")
    return order.id, order.lines[0].sku


def _refund() -> tuple[str, dict[str, Any]]:
    order_id, sku = _paid_order()
    return f"/api/v1/orders/{order_id}/refunds", {"lines": [{"sku": sku, "quantity": 1}], "reason": "broken"}


def _customer() -> str:
    """A new verified shopper account of wizamart: its id."""
    from orion.customers.service import open_verified_account

    suffix = new_id()[-8:].lower()
    return open_verified_account(WIZAMART, f"c-{suffix}@example.com", "Carla Customer", "a-long-password").id


def _member(role: Role = Role.VIEWER) -> str:
    user = identity.create_staff_user(
        WIZAMART, f"m-{new_id()[-8:].lower()}@example.com", "Some Member", "a-long-password", role
    )
    return user.id


def _invitation_id(owner_token: str) -> str:
    from tests.staff import call

    created = call(
        "POST",
        "/api/v1/team/invitations",
        body={"email": f"i-{new_id()[-8:].lower()}@example.com", "role": "viewer"},
        token=owner_token,
    )
    return str(created.json()["id"])


def _domain(owner_token: str) -> str:
    from tests.staff import call

    host = f"shop-{new_id()[-8:].lower()}.example.com"
    call("POST", "/api/v1/domains", body={"host": host}, token=owner_token)
    return host


def examples(owner_token: str) -> list[Example]:
    def fixed(path: str, body: Any = None) -> Callable[[], tuple[str, Any]]:
        return lambda: (path, body)

    settings_body = {
        "name": "Wizamart",
        "languages": ["en", "fr", "de"],
        "default_language": "en",
        "currency": "EUR",
        "contact_email": "shop@wizamart.lu",
    }
    return [
        Example("GET", "/api/v1/team", fixed("/api/v1/team")),
        Example("GET", "/api/v1/team/invitations", fixed("/api/v1/team/invitations")),
        Example(
            "POST",
            "/api/v1/team/invitations",
            lambda: (
                "/api/v1/team/invitations",
                {"email": f"x-{new_id()[-6:].lower()}@ex.com", "role": "viewer"},
            ),
        ),
        Example(
            "DELETE",
            "/api/v1/team/invitations/{invitation_id}",
            lambda: (f"/api/v1/team/invitations/{_invitation_id(owner_token)}", None),
        ),
        Example(
            "PATCH",
            "/api/v1/team/members/{user_id}",
            lambda: (f"/api/v1/team/members/{_member()}", {"role": "editor"}),
        ),
        Example(
            "DELETE", "/api/v1/team/members/{user_id}", lambda: (f"/api/v1/team/members/{_member()}", None)
        ),
        Example("GET", "/api/v1/audit", fixed("/api/v1/audit")),
        Example("GET", "/api/v1/products", fixed("/api/v1/products?status=active&limit=5")),
        Example("POST", "/api/v1/products", lambda: ("/api/v1/products", _product_body())),
        Example("GET", "/api/v1/products/{product_id}", lambda: (f"/api/v1/products/{_product()[0]}", None)),
        Example(
            "PUT",
            "/api/v1/products/{product_id}",
            lambda: (f"/api/v1/products/{_product()[0]}", _product_body("Renamed lamp")),
        ),
        Example(
            "PUT",
            "/api/v1/products/{product_id}/status",
            lambda: (f"/api/v1/products/{_product()[0]}/status", {"status": "archived"}),
        ),
        Example("POST", "/api/v1/products/{product_id}/stock", _stock_example),
        Example(
            "GET",
            "/api/v1/products/{product_id}/variants",
            lambda: (f"/api/v1/products/{_product()[0]}/variants", None),
        ),
        Example(
            "POST",
            "/api/v1/products/{product_id}/variants",
            lambda: (
                f"/api/v1/products/{_product()[0]}/variants",
                {"sku": f"V-{new_id()[-8:]}", "price": 2100, "options": {"Colour": "Red"}, "stock": 2},
            ),
        ),
        Example("GET", "/api/v1/products/{product_id}/variants/{sku}", lambda: (sku_path(*_product()), None)),
        Example(
            "PATCH",
            "/api/v1/products/{product_id}/variants/{sku}",
            lambda: (sku_path(*_product()), {"price": 1799, "compare_at_price": 1999}),
        ),
        Example(
            "DELETE",
            "/api/v1/products/{product_id}/variants/{sku}",
            lambda: (sku_path(*_product(variants=2)), None),
        ),
        Example(
            "POST",
            "/api/v1/products/{product_id}/variants/{sku}/stock",
            lambda: (sku_path(*_product(), "/stock"), {"delta": 5, "reason": "delivery"}),
        ),
        Example(
            "GET",
            "/api/v1/products/{product_id}/translations",
            lambda: (f"/api/v1/products/{_product()[0]}/translations", None),
        ),
        Example(
            "PUT",
            "/api/v1/products/{product_id}/translations/{lang}",
            lambda: (f"/api/v1/products/{_product()[0]}/translations/de", {"title": "Lampe"}),
        ),
        Example(
            "DELETE",
            "/api/v1/products/{product_id}/translations/{lang}",
            lambda: (f"/api/v1/products/{_product()[0]}/translations/fr", None),
        ),
        Example(
            "DELETE",
            "/api/v1/products/{product_id}/overrides/{field}",
            lambda: (f"/api/v1/products/{_overridden_product()}/overrides/status", None),
        ),
        Example(
            "DELETE", "/api/v1/products/{product_id}", lambda: (f"/api/v1/products/{_product()[0]}", None)
        ),
        Example("GET", "/api/v1/categories", fixed("/api/v1/categories")),
        Example(
            "POST",
            "/api/v1/categories",
            lambda: ("/api/v1/categories", {"slug": f"c-{new_id()[-6:].lower()}", "name": "Chairs"}),
        ),
        Example("GET", "/api/v1/categories/{slug}", lambda: (f"/api/v1/categories/{_category()}", None)),
        Example("PUT", "/api/v1/categories/{slug}", _category_update),
        Example(
            "GET",
            "/api/v1/categories/{slug}/translations",
            lambda: (f"/api/v1/categories/{_category()}/translations", None),
        ),
        Example(
            "PUT",
            "/api/v1/categories/{slug}/translations/{lang}",
            lambda: (f"/api/v1/categories/{_category()}/translations/de", {"name": "Lampen"}),
        ),
        Example(
            "DELETE",
            "/api/v1/categories/{slug}/translations/{lang}",
            lambda: (f"/api/v1/categories/{_category()}/translations/fr", None),
        ),
        Example("DELETE", "/api/v1/categories/{slug}", lambda: (f"/api/v1/categories/{_category()}", None)),
        Example("GET", "/api/v1/orders", fixed("/api/v1/orders?status=pending")),
        Example("GET", "/api/v1/orders/{order_id}", lambda: (f"/api/v1/orders/{_order()}", None)),
        Example(
            "POST",
            "/api/v1/orders/{order_id}/transitions",
            lambda: (f"/api/v1/orders/{_order()}/transitions", {"status": "paid", "note": "bank transfer"}),
        ),
        Example(
            "POST",
            "/api/v1/orders/{order_id}/notes",
            lambda: (f"/api/v1/orders/{_order()}/notes", {"note": "customer called"}),
        ),
        Example("POST", "/api/v1/orders/{order_id}/refunds", _refund),
        Example("GET", "/api/v1/customers", fixed("/api/v1/customers?q=carla&limit=5")),
        Example("GET", "/api/v1/customers/{customer_id}", lambda: (f"/api/v1/customers/{_customer()}", None)),
        Example(
            "GET",
            "/api/v1/customers/{customer_id}/export",
            lambda: (f"/api/v1/customers/{_customer()}/export", None),
        ),
        Example(
            "DELETE", "/api/v1/customers/{customer_id}", lambda: (f"/api/v1/customers/{_customer()}", None)
        ),
        Example("GET", "/api/v1/media", fixed("/api/v1/media?limit=5")),
        Example(
            "POST",
            "/api/v1/media",
            fixed("/api/v1/media", {"file_name": "a.jpg", "content_type": "image/jpeg"}),
        ),
        Example("GET", "/api/v1/media/{media_id}", lambda: (f"/api/v1/media/{_media()}", None)),
        Example("GET", "/api/v1/pages", fixed("/api/v1/pages")),
        Example("GET", "/api/v1/pages/{slug}", lambda: _page_example(owner_token)),
        Example(
            "PUT",
            "/api/v1/pages/{slug}",
            lambda: (f"/api/v1/pages/p-{new_id()[-6:].lower()}", {"title": "Hi"}),
        ),
        Example("DELETE", "/api/v1/pages/{slug}", lambda: _page_example(owner_token)),
        Example("GET", "/api/v1/theme/templates", fixed("/api/v1/theme/templates")),
        Example(
            "PUT",
            "/api/v1/theme/templates/{name}",
            fixed("/api/v1/theme/templates/partials/banner.html", {"source": "<p>{{ store_name }}</p>"}),
        ),
        Example("DELETE", "/api/v1/theme/templates/{name}", lambda: _template_example(owner_token)),
        Example(
            "POST", "/api/v1/theme/preview", fixed("/api/v1/theme/preview", {"source": "<b>{{ 1 + 1 }}</b>"})
        ),
        Example("GET", "/api/v1/theme/settings", fixed("/api/v1/theme/settings")),
        Example(
            "PUT",
            "/api/v1/theme/settings",
            fixed("/api/v1/theme/settings", {"colors": {"accent": "#AA3300"}}),
        ),
        Example("DELETE", "/api/v1/theme/settings", fixed("/api/v1/theme/settings")),
        Example(
            "POST",
            "/api/v1/theme/settings/preview",
            fixed("/api/v1/theme/settings/preview", {"home_layout": "list"}),
        ),
        Example("GET", "/api/v1/dashboard/low-stock", fixed("/api/v1/dashboard/low-stock?limit=5")),
        Example("GET", "/api/v1/analytics", fixed("/api/v1/analytics?days=7")),
        Example("GET", "/api/v1/settings", fixed("/api/v1/settings")),
        Example("PUT", "/api/v1/settings", fixed("/api/v1/settings", settings_body)),
        Example("GET", "/api/v1/settings/shipping", fixed("/api/v1/settings/shipping")),
        Example(
            "PUT",
            "/api/v1/settings/shipping",
            fixed(
                "/api/v1/settings/shipping",
                {"zones": [{"name": "Luxembourg", "countries": ["LU"], "rate": 490, "free_from": 5000}]},
            ),
        ),
        Example("GET", "/api/v1/domains", fixed("/api/v1/domains")),
        Example(
            "POST",
            "/api/v1/domains",
            lambda: ("/api/v1/domains", {"host": f"d-{new_id()[-6:].lower()}.example.com"}),
        ),
        Example(
            "POST",
            "/api/v1/domains/{host}/verify",
            lambda: (f"/api/v1/domains/{_domain(owner_token)}/verify", None),
        ),
        Example(
            "DELETE", "/api/v1/domains/{host}", lambda: (f"/api/v1/domains/{_domain(owner_token)}", None)
        ),
    ]


def _stock_example() -> tuple[str, Any]:
    product_id, sku = _product()
    return f"/api/v1/products/{product_id}/stock", {"sku": sku, "delta": -2, "reason": "breakage"}


def _category_update() -> tuple[str, Any]:
    slug = _category()
    return f"/api/v1/categories/{slug}", {"slug": slug, "name": "Renamed"}


def _page_example(owner_token: str) -> tuple[str, Any]:
    from tests.staff import call

    slug = f"p-{new_id()[-6:].lower()}"
    call("PUT", f"/api/v1/pages/{slug}", body={"title": "About"}, token=owner_token)
    return f"/api/v1/pages/{slug}", None


def _template_example(owner_token: str) -> tuple[str, Any]:
    from tests.staff import call

    name = f"t-{new_id()[-6:].lower()}.html"
    call("PUT", f"/api/v1/theme/templates/{name}", body={"source": "<p>x</p>"}, token=owner_token)
    return f"/api/v1/theme/templates/{name}", None
