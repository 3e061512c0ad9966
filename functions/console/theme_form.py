"""The theme settings form, shared by the store console (``/admin/theme/settings``) and the platform
console (``/admin/theme``, the platform's defaults): its fields as the page shows them, a posted form
as :class:`~orion.rendering.theme_settings.ThemeSettings` input, and pydantic's complaints as
messages beside the fields they are about. The rules are orion's (the staff API's); an empty field
means "inherited"."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from functions.console.web import Console, Form, humane
from orion.rendering.theme_settings import (
    COLOR_FIELDS,
    FONT_STACKS,
    HOME_LAYOUTS,
    MAX_FOOTER_LINKS,
    ThemeSettings,
)
from orion.tenancy.theme_settings import ThemeView

COLOR_LABELS = {
    "accent": "Accent: links and buttons",
    "accent_text": "Text on buttons",
    "text": "Text",
    "muted": "Secondary text",
    "background": "Page background",
    "surface": "Header, cards and tables",
    "border": "Lines",
}
FONT_LABELS = {
    "system": "System sans-serif",
    "humanist": "Humanist sans-serif",
    "geometric": "Geometric sans-serif",
    "classical": "Classical sans-serif",
    "transitional": "Transitional serif",
    "old-style": "Old-style serif",
    "slab": "Slab serif",
    "rounded": "Rounded sans-serif",
    "monospace": "Monospace",
}
LAYOUT_LABELS = {
    "hero": "Hero: a large image, a heading and a text, then the featured products",
    "grid": "Grid of the featured products",
    "list": "List of the featured products",
}
CUSTOM_FONT = "custom"
MESSAGES = {
    "color": "Use a colour like #2b5fd9: # and six digits or letters a-f.",
    "image": "Use an https:// address or a /media/... path.",
    "url": "Use an https:// address, a path of your shop such as /pages/shipping, mailto: or tel:.",
    "font_custom": (
        "Use font names separated by commas: letters, digits, spaces and hyphens, "
        'a name in "double quotes" if you like.'
    ),
    "choice": "Choose from the list.",
}


def values_of(settings: ThemeSettings, languages: list[str]) -> dict[str, Any]:
    """The form's fields showing ``settings`` (empty: inherited)."""
    values: dict[str, Any] = {"logo": settings.logo or "", "favicon": settings.favicon or ""}
    for name in COLOR_FIELDS:
        values[f"color_{name}"] = (getattr(settings.colors, name) if settings.colors else None) or ""
    font = settings.font or ""
    values["font"] = font if font in FONT_STACKS or not font else CUSTOM_FONT
    values["font_custom"] = font if values["font"] == CUSTOM_FONT else ""
    values["home_layout"] = settings.home_layout or ""
    hero = settings.hero
    values["hero_heading"] = hero.heading if hero else ""
    values["hero_text"] = hero.text if hero else ""
    values["hero_image"] = (hero.image or "") if hero else ""
    values["hero_image_alt"] = hero.image_alt if hero else ""
    for lang in languages:
        translated = {str(k): v for k, v in hero.translations.items()}.get(lang) if hero else None
        values[f"hero_heading_{lang}"] = translated.heading if translated else ""
        values[f"hero_text_{lang}"] = translated.text if translated else ""
    values["links_inherit"] = settings.footer_links is None
    for index in range(MAX_FOOTER_LINKS):
        link = (
            settings.footer_links[index]
            if settings.footer_links and index < len(settings.footer_links)
            else None
        )
        values[f"link_label_{index}"] = link.label if link else ""
        values[f"link_url_{index}"] = link.url if link else ""
        for lang in languages:
            label = {str(k): v for k, v in link.labels.items()}.get(lang) if link else None
            values[f"link_label_{index}_{lang}"] = label or ""
    return values


def parse(form: Form, languages: list[str], *, can_inherit_links: bool = True) -> dict[str, Any]:
    """A posted form as the input of ``ThemeSettings`` (empty fields: left out, so inherited), and
    the values to show again."""

    def text(name: str) -> str:
        return form.get(name).replace("\r\n", "\n").strip()

    raw: dict[str, Any] = {}
    for name in ("logo", "favicon"):
        if text(name):
            raw[name] = text(name)
    colors = {name: text(f"color_{name}") for name in COLOR_FIELDS if text(f"color_{name}")}
    if colors:
        raw["colors"] = colors
    font = text("font")
    if font == CUSTOM_FONT:
        raw["font"] = text("font_custom")
    elif font:
        raw["font"] = font
    if text("home_layout"):
        raw["home_layout"] = text("home_layout")
    if any(text(f"hero_{part}") for part in ("heading", "text", "image")):
        hero: dict[str, Any] = {"heading": text("hero_heading"), "text": text("hero_text")}
        if text("hero_image"):
            hero["image"] = text("hero_image")
            hero["image_alt"] = text("hero_image_alt")
        translations = {
            lang: {"heading": text(f"hero_heading_{lang}"), "text": text(f"hero_text_{lang}")}
            for lang in languages
            if text(f"hero_heading_{lang}") or text(f"hero_text_{lang}")
        }
        if translations:
            hero["translations"] = translations
        raw["hero"] = hero
    if not (can_inherit_links and form.get("links_inherit")):
        links = []
        for index in range(MAX_FOOTER_LINKS):
            label, url = text(f"link_label_{index}"), text(f"link_url_{index}")
            if not (label or url):
                continue
            labels = {lang: text(f"link_label_{index}_{lang}") for lang in languages}
            links.append({"label": label, "url": url, "labels": {k: v for k, v in labels.items() if v}})
        raw["footer_links"] = links
    return raw


def field_of(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
    """The form field a pydantic error location is about."""
    parts = [str(part) for part in loc if part != "[key]"]
    head = parts[0] if parts else "logo"
    if head == "colors" and len(parts) > 1:
        return f"color_{parts[1]}"
    if head == "font":
        return "font_custom" if raw.get("font") not in FONT_STACKS else "font"
    if head == "hero":
        if len(parts) >= 3 and parts[1] == "translations":
            return f"hero_{parts[3] if len(parts) > 3 else 'heading'}_{parts[2]}"
        return (
            f"hero_{parts[1]}"
            if len(parts) > 1 and parts[1] in ("image", "image_alt", "text")
            else "hero_heading"
        )
    if head == "footer_links":
        if len(parts) >= 3:
            index, part = parts[1], parts[2]
            if part == "labels" and len(parts) > 3:
                return f"link_label_{index}_{parts[3]}"
            return f"link_{'url' if part == 'url' else 'label'}_{index}"
        return "link_label_0"
    return head


def errors_of(console: Console, error: ValidationError, raw: dict[str, Any]) -> dict[str, str]:
    """``{form field: message in the member's language}``, the first message per field."""
    found: dict[str, str] = {}
    for problem in error.errors():
        name = field_of(tuple(problem["loc"]), raw)
        if name.startswith("color_"):
            message = MESSAGES["color"]
        elif name in ("logo", "favicon", "hero_image"):
            message = MESSAGES["image"]
        elif name.startswith("link_url_"):
            message = MESSAGES["url"]
        elif name == "font_custom":
            message = MESSAGES["font_custom"]
        elif name in ("font", "home_layout"):
            message = MESSAGES["choice"]
        else:
            sentence, values = humane(str(problem["msg"]))
            found.setdefault(name, console._(sentence, **values))
            continue
        found.setdefault(name, console._(message))
    return found


def page_context(
    console: Console,
    view: ThemeView,
    values: dict[str, Any],
    languages: list[str],
    *,
    can_inherit_links: bool,
) -> dict[str, Any]:
    """What ``_theme_settings.html`` shows besides the values: choices, what is inherited, warnings."""
    inherited = values_of(view.inherited, languages)
    return {
        "values": values,
        "languages": languages,
        "color_fields": [(name, console._(COLOR_LABELS[name])) for name in COLOR_FIELDS],
        "inherited_colors": {
            name: inherited[f"color_{name}"] or _default_color(name) for name in COLOR_FIELDS
        },
        "effective_colors": dict(view.look.colors),
        "fonts": [(name, console._(FONT_LABELS[name])) for name in FONT_STACKS],
        "inherited_font": view.inherited.font or "system",
        "layouts": [(name, console._(LAYOUT_LABELS[name])) for name in HOME_LAYOUTS],
        "inherited_layout": view.inherited.home_layout or "grid",
        "inherited_links": [link.label for link in view.inherited.footer_links or ()],
        "can_inherit_links": can_inherit_links,
        "link_rows": range(MAX_FOOTER_LINKS),
        "warnings": [_warning(console, text) for text in view.warnings],
    }


def _default_color(name: str) -> str:
    from orion.rendering.theme_settings import DEFAULT_COLORS

    return DEFAULT_COLORS[name]


def _warning(console: Console, text: str) -> str:
    """``colors.a on colors.b: contrast 2.1:1 is below 4.5:1`` as people read it."""
    pair, _, rest = text.partition(":")
    fore, _, back = pair.partition(" on ")
    ratio = rest.strip().split(" ")[1] if rest.strip() else ""
    return console._(
        "{fore} on {back}: contrast {ratio} is hard to read (at least 4.5:1 is advised).",
        fore=console._(COLOR_LABELS[fore.removeprefix("colors.")]),
        back=console._(COLOR_LABELS[back.removeprefix("colors.")]),
        ratio=ratio,
    )


def render_page(
    console: Console,
    template: str,
    view: ThemeView,
    values: dict[str, Any],
    languages: list[str],
    *,
    can_inherit_links: bool,
    status: int = 200,
    errors: dict[str, str] | None = None,
    preview: str | None = None,
) -> HTMLResponse:
    """A theme settings page (a store's or the platform's defaults): the form, its errors, a preview."""
    return console.render(
        template,
        status,
        errors=errors or {},
        message=console._("Please correct the fields marked below.") if errors else None,
        preview=preview,
        **page_context(console, view, values, languages, can_inherit_links=can_inherit_links),
    )
