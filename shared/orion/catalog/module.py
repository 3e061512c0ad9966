"""Manifest of the catalogue module: the permissions it owns and the roles that hold them by default."""

from orion.modules.manifest import DashboardWidget, MenuEntry, ModuleManifest, Permission, Role, at_least

MANIFEST = ModuleManifest(
    code="catalog",
    name="Catalogue",
    permissions=(
        Permission("products.view", "see products and categories", at_least(Role.VIEWER)),
        Permission("products.create", "create products, variants and categories", at_least(Role.EDITOR)),
        Permission("products.edit", "edit products, variants, categories and stock", at_least(Role.EDITOR)),
        Permission("products.delete", "delete products and categories", at_least(Role.OWNER)),
    ),
    menu=(MenuEntry("Products", "/products", "products.view"),),
    metrics_provider="orion.catalog.metrics:provider",
    metrics_permission="products.view",
    widgets=(
        DashboardWidget("catalogue", "Catalogue", ("products",)),
        DashboardWidget("low_stock", "Low stock", ("low_stock",)),
    ),
)
