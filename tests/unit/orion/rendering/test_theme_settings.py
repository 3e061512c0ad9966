"""Theme settings as a model: what is refused, how the layers merge field by field, the CSS they become,
and the default theme's strings in French and German."""

from __future__ import annotations

import re
import string
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError

from orion.rendering import i18n
from orion.rendering.theme_settings import (
    DEFAULT_COLORS,
    DEFAULT_LOOK,
    FONT_STACKS,
    Language,
    ThemeSettings,
    contrast_warnings,
    resolve,
)
from orion.tenancy.models import LANGUAGES
from tests.environment import REPO_ROOT

THEME = REPO_ROOT / "templates" / "default"


def settings(**values: object) -> ThemeSettings:
    return ThemeSettings.model_validate(values)


def test_each_field_and_each_colour_comes_from_the_first_layer_that_sets_it() -> None:
    platform = settings(colors={"accent": "#006400", "text": "#111111"}, font="humanist", home_layout="list")
    store = settings(colors={"accent": "#AA3300"}, footer_links=[])
    look = resolve(store, platform)
    assert look.colors == {**DEFAULT_COLORS, "accent": "#AA3300", "text": "#111111"}
    assert (look.font, look.home_layout, look.footer_links) == ("humanist", "list", ())
    assert resolve(None, platform).colors["accent"] == "#006400"
    assert resolve() == DEFAULT_LOOK and DEFAULT_LOOK.home_layout == "grid"


def test_the_css_is_one_root_rule_with_every_value_as_written() -> None:
    look = resolve(settings(colors={"accent": "#AbCdEf"}, font='"Gill Sans", Verdana, sans-serif'))
    assert look.css.startswith(":root{--accent:#AbCdEf;--accent-text:#ffffff;")
    assert look.css.endswith(';--font:"Gill Sans", Verdana, sans-serif}')
    assert resolve(settings(font="slab")).font_stack == FONT_STACKS["slab"]


def test_the_stylesheets_defaults_are_the_settings_defaults() -> None:
    """Templates that skip the settings' rule still get the same colours from theme.css."""
    css = (THEME / "theme.css").read_text(encoding="utf-8")
    first_root = re.search(r":root \{([^}]*)\}", css)
    assert first_root
    declared = dict(re.findall(r"--([a-z-]+): ([^;]+);", first_root.group(1)))
    for name, value in DEFAULT_COLORS.items():
        assert declared[name.replace("_", "-")] == value
    assert declared["font"] == FONT_STACKS["system"]


@pytest.mark.parametrize(
    "font",
    [
        "Arial; color: red",
        "Arial} body{display:none",
        "x</style><script>",
        "url(https://evil.example/f.woff)",
        "Arial, 'Single Quoted'",
        '"Unclosed, serif',
        "Arial\\, serif",
        "",
        ", serif",
    ],
)
def test_a_font_stack_that_could_leave_its_declaration_is_refused(font: str) -> None:
    with pytest.raises(ValidationError) as refused:
        settings(font=font)
    assert refused.value.errors()[0]["loc"] == ("font",)


def test_strict_types_and_no_unknown_fields() -> None:
    bad_inputs: list[dict[str, object]] = [
        {"home_layout": 1},
        {"footer_links": {"label": "x"}},
        {"colour": {}},
        {"colors": "#ffffff"},
    ]
    for bad in bad_inputs:
        with pytest.raises(ValidationError):
            settings(**bad)


def test_stored_settings_read_back_and_a_value_refused_since_is_inherited() -> None:
    saved = settings(colors={"accent": "#AA3300"}, footer_links=[{"label": "Help", "url": "tel:+352 123"}])
    assert ThemeSettings.from_stored(saved.stored()) == saved
    assert '"logo"' not in saved.stored()  # what is inherited is not written
    assert ThemeSettings.from_stored('{"home_layout": "carousel"}') == ThemeSettings()
    assert ThemeSettings.from_stored(None) == ThemeSettings()


def test_hard_to_read_colour_pairs_are_named() -> None:
    assert contrast_warnings(DEFAULT_LOOK) == []
    pale = resolve(settings(colors={"accent": "#ffdd00"}))
    assert [w.split(":")[0] for w in contrast_warnings(pale)] == [
        "colors.accent on colors.surface",
        "colors.accent_text on colors.accent",
    ]


def test_the_settings_languages_are_the_stores() -> None:
    assert typing.get_args(Language) == LANGUAGES


# --- the default theme speaks French and German -------------------------------------------------------

T_LITERAL = re.compile(r"""\bt\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")


def _templates() -> list[Path]:
    return sorted(THEME.glob("*.html"))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_string_of_the_default_theme_is_translated(lang: str) -> None:
    table = i18n._STRINGS[lang]
    missing = []
    for path in _templates():
        for double, single in T_LITERAL.findall(path.read_text(encoding="utf-8")):
            text = double or single
            if text not in table:
                missing.append(f"{path.name}: {text}")
            elif _placeholders(table[text]) != _placeholders(text):
                missing.append(f"{path.name}: {text} (placeholders differ)")
    assert missing == []


def test_no_label_of_the_default_theme_is_left_in_english() -> None:
    """Labels people hear or see (aria-label, placeholder, title, alt) go through t()."""
    literal = re.compile(r'\b(aria-label|placeholder|title|alt)="([A-Za-z][^"{]*)"')
    found = [
        f"{path.name}: {m.group(0)}" for path in _templates() for m in literal.finditer(path.read_text())
    ]
    assert found == []
