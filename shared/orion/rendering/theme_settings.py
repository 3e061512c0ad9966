"""Theme settings: what a store chooses about its shop's look without writing a template (logo,
favicon, colours, font stack, the home page's layout, the footer's links), and the platform's defaults
that its stores inherit field by field.

A :class:`ThemeSettings` is partial: a field left out (``None``) is inherited, a store's from its
platform's defaults and the platform's from the packaged default theme (:data:`DEFAULT_COLORS`,
``system`` font, ``grid`` layout, no logo, no footer links). :func:`resolve` merges the layers into a
:class:`Look`, which the layout renders as CSS custom properties (``:root{--accent:#2b5fd9;...}``, each
value written as the settings hold it) and template variables (``theme``).

Every value that reaches CSS is checked here to be unable to leave its declaration: colours are
``#rrggbb``, a font stack is one of :data:`FONT_STACKS` or family names of letters, digits, spaces and
hyphens (quoted or not) separated by commas; images and links are ``https://`` addresses or paths on the
shop's own host, never ``javascript:`` or ``data:``. Anything else is refused with the field named
(a 422 from the APIs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# The languages a store may offer (orion.tenancy.models.LANGUAGES; the kernel imports no feature, a
# test keeps the two equal).
Language = Literal["en", "fr", "de", "lb"]
HomeLayout = Literal["hero", "grid", "list"]
HOME_LAYOUTS: tuple[str, ...] = ("hero", "grid", "list")
MAX_FOOTER_LINKS = 8
MAX_URL = 500

# Safe system font stacks: fonts already on people's devices (nothing downloaded), each ending in its
# generic family.
FONT_STACKS: dict[str, str] = {
    "system": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    "humanist": 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", sans-serif',
    "geometric": 'Avenir, "Avenir Next", Montserrat, Corbel, "URW Gothic", sans-serif',
    "classical": 'Optima, Candara, "Noto Sans", sans-serif',
    "transitional": 'Charter, "Bitstream Charter", "Sitka Text", Cambria, serif',
    "old-style": '"Iowan Old Style", "Palatino Linotype", "URW Palladio L", P052, serif',
    "slab": 'Rockwell, "Rockwell Nova", "Roboto Slab", "DejaVu Serif", serif',
    "rounded": 'ui-rounded, "Hiragino Maru Gothic ProN", Quicksand, Comfortaa, sans-serif',
    "monospace": 'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, Consolas, monospace',
}
DEFAULT_FONT = "system"

# One family: a quoted name or an unquoted one (letters, digits, spaces, hyphens; no quote, semicolon,
# brace, angle bracket, backslash or parenthesis can appear, so the value cannot end its declaration).
_FAMILY = r'(?:"[A-Za-z0-9][A-Za-z0-9 -]{0,59}"|[A-Za-z][A-Za-z0-9 -]{0,59})'
_CUSTOM_STACK = re.compile(rf"{_FAMILY}(?: *, *{_FAMILY}){{0,7}}")
_HEX = r"^#[0-9A-Fa-f]{6}$"

# The colours a theme sets, as CSS custom properties (``--<name with hyphens>``), and the default
# theme's values (templates/default/theme.css declares the same, for templates that skip the block).
COLOR_FIELDS: tuple[str, ...] = ("accent", "accent_text", "text", "muted", "background", "surface", "border")
DEFAULT_COLORS: dict[str, str] = {
    "accent": "#2b5fd9",
    "accent_text": "#ffffff",
    "text": "#1d2330",
    "muted": "#5b6475",
    "background": "#fafbfc",
    "surface": "#ffffff",
    "border": "#e3e7ee",
}


def _media(value: str) -> str:
    """An image: ``https://`` with a host, or a path under ``/media/`` on the shop's host."""
    if value.startswith("/"):
        if not re.fullmatch(r"/media/[A-Za-z0-9._~%/-]+", value) or ".." in value.split("/"):
            raise ValueError("must be an https:// address or a /media/... path")
        return value
    _https(value)
    return value


def _https(value: str) -> str:
    if any(c.isspace() or c in "\"'<>\\`" or ord(c) < 32 for c in value):
        raise ValueError("must be an https:// address without spaces or quotes")
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise ValueError("must be an https:// address") from exc
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("must be an https:// address or a /media/... path")
    return value


def _link(value: str) -> str:
    """Where a footer link goes: ``https://``, a path on the shop (``/pages/shipping``), ``mailto:`` or
    ``tel:``."""
    if value.startswith("mailto:"):
        if not re.fullmatch(r"mailto:[^\s\"'<>\\@]+@[A-Za-z0-9.-]+(?:\?[A-Za-z0-9=&%._+-]*)?", value):
            raise ValueError("must be mailto: with an e-mail address")
        return value
    if value.startswith("tel:"):
        if not re.fullmatch(r"tel:\+?[0-9 ()./-]{3,40}", value):
            raise ValueError("must be tel: with a telephone number")
        return value
    if value.startswith("/"):
        if value.startswith("//") or not re.fullmatch(r"/[A-Za-z0-9._~%/?=&#+,:@-]*", value):
            raise ValueError("a path on the shop: letters, digits and / . _ ~ % ? = & # + - only")
        return value
    return _https(value)


def _font(value: str) -> str:
    if value not in FONT_STACKS and not _CUSTOM_STACK.fullmatch(value):
        raise ValueError(
            f"must be one of {', '.join(FONT_STACKS)}, or font family names (letters, digits, spaces "
            'and hyphens, optionally in "double quotes") separated by commas'
        )
    return value


def _text(value: str) -> str:
    if any(ord(c) < 32 and c not in "\n" for c in value):
        raise ValueError("must not contain control characters")
    return value


Color = Annotated[str, StringConstraints(pattern=_HEX)]
MediaRef = Annotated[str, StringConstraints(max_length=MAX_URL), AfterValidator(_media)]
LinkTarget = Annotated[str, StringConstraints(min_length=1, max_length=MAX_URL), AfterValidator(_link)]
FontStack = Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_font)]
Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), AfterValidator(_text)
]
Heading = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(_text)
]
Blurb = Annotated[str, StringConstraints(strip_whitespace=True, max_length=400), AfterValidator(_text)]

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


class Colors(BaseModel):
    """Each colour as ``#rrggbb``; one left out is inherited."""

    model_config = _STRICT

    accent: Color | None = Field(default=None, description="links, buttons, the menu button")
    accent_text: Color | None = Field(default=None, description="text on accent buttons")
    text: Color | None = Field(default=None, description="body text")
    muted: Color | None = Field(default=None, description="secondary text (brands, SKUs, footer)")
    background: Color | None = Field(default=None, description="the page behind everything")
    surface: Color | None = Field(default=None, description="header, cards and tables")
    border: Color | None = Field(default=None, description="lines between things")


class HeroText(BaseModel):
    model_config = _STRICT

    heading: Heading
    text: Blurb = ""


class Hero(BaseModel):
    """The banner of the ``hero`` home layout: an image, a heading and a short text (in the store's
    default language, with optional translations)."""

    model_config = _STRICT

    image: MediaRef | None = None
    image_alt: Annotated[str, StringConstraints(max_length=200), AfterValidator(_text)] = ""
    heading: Heading
    text: Blurb = ""
    translations: dict[Language, HeroText] = Field(default_factory=dict)

    def text_in(self, lang: str) -> HeroText:
        found = next((text for code, text in self.translations.items() if code == lang), None)
        return found or HeroText(heading=self.heading, text=self.text)


class FooterLink(BaseModel):
    """A link in the shop's footer: its label (translations optional) and where it goes."""

    model_config = _STRICT

    label: Label
    url: LinkTarget
    labels: dict[Language, Label] = Field(default_factory=dict, description="the label by language")

    def label_in(self, lang: str) -> str:
        return next((label for code, label in self.labels.items() if code == lang), self.label)


class ThemeSettings(BaseModel):
    """A store's theme settings, or a platform's defaults for its stores: every field left out (null)
    is inherited (store -> platform -> the default theme)."""

    model_config = _STRICT

    logo: MediaRef | None = Field(default=None, description="https:// address or /media/... path")
    favicon: MediaRef | None = Field(default=None, description="https:// address or /media/... path")
    colors: Colors | None = Field(default=None, description="#rrggbb each; one left out is inherited")
    font: FontStack | None = Field(
        default=None,
        description=f"one of {', '.join(FONT_STACKS)}, or a font stack of family names separated by commas",
    )
    home_layout: HomeLayout | None = Field(
        default=None, description="hero (image, heading, text), grid or list"
    )
    hero: Hero | None = Field(default=None, description="the hero layout's image, heading and text")
    footer_links: list[FooterLink] | None = Field(
        default=None, max_length=MAX_FOOTER_LINKS, description=f"at most {MAX_FOOTER_LINKS}; [] for none"
    )

    def stored(self) -> str:
        """The JSON kept in the table (fields left out are not written)."""
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def from_stored(cls, raw: str | None) -> ThemeSettings:
        """Stored settings read back (nothing stored, or settings a newer rule would refuse: inherited)."""
        if not raw:
            return cls()
        try:
            return cls.model_validate_json(raw)
        except ValueError:
            return cls()

    def normalised(self) -> ThemeSettings:
        """The same settings with an all-inherited ``colors`` left out (what is worth storing)."""
        if self.colors is not None and self.colors == Colors():
            return self.model_copy(update={"colors": None})
        return self


@dataclass(frozen=True)
class Look:
    """The settings in effect for a tenant's pages: each field from the first layer that sets it."""

    colors: dict[str, str]
    font: str  # a FONT_STACKS name or a custom stack
    home_layout: str
    logo: str | None = None
    favicon: str | None = None
    hero: Hero | None = None
    footer_links: tuple[FooterLink, ...] = ()

    @property
    def font_stack(self) -> str:
        return FONT_STACKS.get(self.font, self.font)

    @cached_property
    def css(self) -> str:
        """The custom properties of the default theme's stylesheet, as one ``:root`` rule."""
        declarations = [f"--{name.replace('_', '-')}:{self.colors[name]}" for name in COLOR_FIELDS]
        declarations.append(f"--font:{self.font_stack}")
        return ":root{" + ";".join(declarations) + "}"

    def variables(self, lang: str) -> dict[str, Any]:
        """What templates see as ``theme`` in ``lang`` (labels and hero text translated where given)."""
        hero = self.hero.text_in(lang) if self.hero else None
        return {
            "logo": self.logo,
            "favicon": self.favicon,
            "home_layout": self.home_layout,
            "font": self.font,
            "colors": self.colors,
            "hero": None
            if self.hero is None
            else {
                "image": self.hero.image,
                "image_alt": self.hero.image_alt,
                "heading": hero.heading if hero else "",
                "text": hero.text if hero else "",
            },
            "footer_links": [{"label": link.label_in(lang), "url": link.url} for link in self.footer_links],
        }


def resolve(*layers: ThemeSettings | None) -> Look:
    """The look of the most specific layer first (store, platform): each field, and each colour, from
    the first layer that sets it, else the default theme's."""
    present = [layer for layer in layers if layer is not None]

    def first(name: str) -> Any:
        return next((getattr(layer, name) for layer in present if getattr(layer, name) is not None), None)

    palettes = [layer.colors for layer in present if layer.colors is not None]
    colors = {
        name: next(
            (getattr(palette, name) for palette in palettes if getattr(palette, name) is not None),
            DEFAULT_COLORS[name],
        )
        for name in COLOR_FIELDS
    }
    footer = first("footer_links")
    return Look(
        colors=colors,
        font=first("font") or DEFAULT_FONT,
        home_layout=first("home_layout") or "grid",
        logo=first("logo"),
        favicon=first("favicon"),
        hero=first("hero"),
        footer_links=tuple(footer or ()),
    )


DEFAULT_LOOK = resolve()


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(color: str) -> float:
        channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Pairs of colours shown on each other, and the contrast WCAG AA asks of normal text.
CONTRAST_PAIRS: tuple[tuple[str, str], ...] = (
    ("text", "background"),
    ("text", "surface"),
    ("muted", "surface"),
    ("accent", "surface"),
    ("accent_text", "accent"),
)
AA_CONTRAST = 4.5


def contrast_warnings(look: Look) -> list[str]:
    """Colour pairs of ``look`` that people may find hard to read (below WCAG AA's 4.5:1)."""
    found = []
    for fore, back in CONTRAST_PAIRS:
        ratio = contrast_ratio(look.colors[fore], look.colors[back])
        if ratio < AA_CONTRAST:
            found.append(f"colors.{fore} on colors.{back}: contrast {ratio:.1f}:1 is below 4.5:1")
    return found
