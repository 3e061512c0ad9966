"""Theme settings without code: a store's logo, favicon, colours, font, home layout and footer links
(its staff, ``/api/v1/theme/settings`` and the console), and the platform's defaults that its stores
inherit field by field (its admins, ``/api/v1/admin/theme/settings`` and the platform console).

The model and how the layers merge are in :mod:`orion.rendering.theme_settings`; the settings are read
for shoppers with the tenant's profiles (one BatchGetItem, cached, :mod:`orion.tenancy.directory`), so
a page costs no request for them. A change shows at once in the function that made it and within the
tenant cache's TTL (60 s) elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from orion import runtime
from orion.rendering.theme_settings import (
    FONT_STACKS,
    FooterLink,
    Hero,
    Look,
    ThemeSettings,
    contrast_warnings,
    resolve,
)
from orion.tenancy.directory import tenant_directory
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant


@dataclass(frozen=True)
class ThemeView:
    """A tenant's own settings, what it inherits, and what its pages use."""

    settings: ThemeSettings  # what the tenant set itself (fields left out are inherited)
    inherited: ThemeSettings  # a store's platform defaults; for a platform, nothing (the default theme)
    look: Look

    @property
    def warnings(self) -> list[str]:
        return contrast_warnings(self.look)

    def out(self) -> ThemeSettingsOut:
        look = self.look
        return ThemeSettingsOut(
            settings=self.settings,
            inherited=self.inherited,
            effective=EffectiveTheme(
                logo=look.logo,
                favicon=look.favicon,
                colors=dict(look.colors),
                font=look.font,
                font_stack=look.font_stack,
                home_layout=look.home_layout,
                hero=look.hero,
                footer_links=list(look.footer_links),
                css=look.css,
            ),
            warnings=self.warnings,
            fonts=dict(FONT_STACKS),
        )


class EffectiveTheme(BaseModel):
    """Every setting as the pages use it (from the tenant, else inherited, else the default theme)."""

    logo: str | None
    favicon: str | None
    colors: dict[str, str]
    font: str
    font_stack: str = Field(description="the CSS font-family the font stands for")
    home_layout: str
    hero: Hero | None
    footer_links: list[FooterLink]
    css: str = Field(description="the :root rule the pages carry (--accent, --text, ..., --font)")


class ThemeSettingsOut(BaseModel):
    """The settings a tenant set itself (what ``PUT`` takes; null fields are inherited), what it
    inherits (a store: its platform's defaults), the result, and colour pairs hard to read."""

    settings: ThemeSettings
    inherited: ThemeSettings
    effective: EffectiveTheme
    warnings: list[str] = Field(description="colour pairs below WCAG AA contrast (4.5:1)")
    fonts: dict[str, str] = Field(description="the font names font may take, and their stacks")


def store_theme(tenant: Tenant) -> ThemeView:
    """The store's theme settings and its platform's defaults: one BatchGetItem."""
    store = tenant.require_store()
    defaults, own = runtime.repository(TenancyRepository).theme_layers(tenant.platform, store)
    own = own or ThemeSettings()
    return ThemeView(own, defaults, resolve(own, defaults))


def preview_store_theme(tenant: Tenant, draft: ThemeSettings) -> ThemeView:
    """What the store's pages would use with ``draft`` as its settings (nothing is stored)."""
    defaults, _ = runtime.repository(TenancyRepository).theme_layers(tenant.platform, tenant.require_store())
    return ThemeView(draft, defaults, resolve(draft, defaults))


def save_store_theme(tenant: Tenant, settings: ThemeSettings) -> ThemeView:
    """Replace the store's settings with ``settings`` (what it leaves out, it inherits)."""
    runtime.repository(TenancyRepository).put_theme_settings(
        tenant.platform, tenant.require_store(), settings
    )
    tenant_directory().forget()
    return store_theme(tenant)


def reset_store_theme(tenant: Tenant) -> ThemeView:
    """Back to the platform's defaults in every field."""
    return save_store_theme(tenant, ThemeSettings())


def platform_theme(tenant: Tenant) -> ThemeView:
    """The platform's defaults for its stores (and its own site)."""
    defaults, _ = runtime.repository(TenancyRepository).theme_layers(tenant.require_platform_only(), None)
    return ThemeView(defaults, ThemeSettings(), resolve(defaults))


def preview_platform_theme(tenant: Tenant, draft: ThemeSettings) -> ThemeView:
    tenant.require_platform_only()
    return ThemeView(draft, ThemeSettings(), resolve(draft))


def save_platform_theme(tenant: Tenant, settings: ThemeSettings) -> ThemeView:
    """Replace the platform's defaults: every store inherits each field it does not set itself."""
    platform = tenant.require_platform_only()
    runtime.repository(TenancyRepository).put_theme_settings(platform, None, settings)
    tenant_directory().forget()
    return platform_theme(tenant)
