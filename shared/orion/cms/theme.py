"""A store's theme templates in the templates bucket (``stores/<p>/<s>/``): upload after checking they
compile in the sandbox and stay within its size limits, list, and preview with the store's theme
chain."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from jinja2 import ChainableUndefined, Environment, TemplateSyntaxError, Undefined, select_autoescape
from pydantic import BaseModel, Field

from orion.data.clients import aws_client
from orion.errors import FieldError, Invalid, NotFound
from orion.rendering.errors import RenderTooLarge
from orion.rendering.i18n import format_money, translator
from orion.rendering.links import under
from orion.rendering.sandbox import TenantSandbox
from orion.rendering.template_store import CachedTemplateSource, packaged_theme_root
from orion.rendering.themes import (
    DEFAULT_PREFIX,
    ThemeLoader,
    render_deadline,
    theme_chain,
    theme_objects,
)
from orion.settings import get_settings
from orion.tenant import Tenant

MAX_TEMPLATE_BYTES = 200_000
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}(/[a-z0-9][a-z0-9_-]{0,60}){0,3}\.(html|css)$")
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8"}


class TemplateInfo(BaseModel):
    name: str
    size: int
    etag: str
    updated_at: datetime | None = None


def _store_prefix(tenant: Tenant) -> str:
    return theme_chain(tenant)[0]


def check_template(name: str, source: str) -> None:
    """Invalid unless ``name`` is a safe template name and an HTML ``source`` compiles in the sandbox."""
    if not _NAME.fullmatch(name):
        raise Invalid(errors=[FieldError("name", "use a-z, 0-9, '-', '_' and '/' ending in .html or .css")])
    if len(source.encode()) > MAX_TEMPLATE_BYTES:
        raise Invalid(errors=[FieldError("source", f"templates are limited to {MAX_TEMPLATE_BYTES} bytes")])
    if name.endswith(".html"):
        # The storefront's sandbox compiles without evaluating anything: Jinja's usual compile folds
        # constant expressions, which would build {{ 'x' * 10**9 }} here.
        environment = TenantSandbox(autoescape=select_autoescape(default=True, default_for_string=True))
        try:
            environment.compile(source, name=name)
        except TemplateSyntaxError as exc:
            raise Invalid(
                f"The template does not compile: {exc.message} (line {exc.lineno}).",
                errors=[FieldError("source", f"line {exc.lineno}: {exc.message}")],
            ) from exc


def upload_template(tenant: Tenant, name: str, source: str) -> TemplateInfo:
    """Store a template of the store's theme (it overrides the platform's and the default one), after
    a trial render that would stop at the sandbox's size limits."""
    check_template(name, source)
    if name.endswith(".html"):
        _refuse_oversized_output(tenant, name, source)
    key = _store_prefix(tenant) + name
    response = aws_client("s3").put_object(
        Bucket=get_settings().templates_bucket,
        Key=key,
        Body=source.encode(),
        ContentType=CONTENT_TYPES[name.rsplit(".", 1)[1]],
    )
    return TemplateInfo(name=name, size=len(source.encode()), etag=str(response.get("ETag", "")))


def list_templates(tenant: Tenant) -> list[TemplateInfo]:
    prefix = _store_prefix(tenant)
    paginator = aws_client("s3").get_paginator("list_objects_v2")
    found: list[TemplateInfo] = []
    for page in paginator.paginate(Bucket=get_settings().templates_bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            found.append(
                TemplateInfo(
                    name=str(obj["Key"])[len(prefix) :],
                    size=int(obj["Size"]),
                    etag=str(obj.get("ETag", "")),
                    updated_at=obj.get("LastModified"),
                )
            )
    return found


Layer = Literal["store", "platform", "default"]


class ThemeTemplate(BaseModel):
    """One template of the store's theme as shoppers get it: where it comes from (the store's own
    override, the platform's, or the default theme) and what showing it without the store's own
    would fall back to."""

    name: str
    source: Layer
    inherited: Layer | None = Field(default=None, description="what reverting the store's own shows")
    size: int


class TemplateText(ThemeTemplate):
    text: str


def _layer_names(tenant: Tenant) -> list[tuple[Layer, dict[str, int]]]:
    """``(layer, {name: size})`` for the store, the platform and the default theme, most specific
    first: two ListObjectsV2 and a walk of the packaged default theme."""
    store_prefix, platform_prefix = theme_chain(tenant)[:2]
    bucket = get_settings().templates_bucket
    paginator = aws_client("s3").get_paginator("list_objects_v2")
    layers: list[tuple[Layer, dict[str, int]]] = []
    for layer, prefix in (("store", store_prefix), ("platform", platform_prefix)):
        names: dict[str, int] = {}
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                name = str(obj["Key"])[len(prefix) :]
                if _NAME.fullmatch(name):
                    names[name] = int(obj["Size"])
        layers.append((layer, names))  # type: ignore[arg-type]
    settings = get_settings()
    root = packaged_theme_root(settings.default_theme_dir, settings.lambda_task_root) / DEFAULT_PREFIX
    defaults = {
        path.relative_to(root).as_posix(): path.stat().st_size
        for path in sorted(Path(root).rglob("*"))
        if path.is_file() and _NAME.fullmatch(path.relative_to(root).as_posix())
    }
    layers.append(("default", defaults))
    return layers


def list_theme(tenant: Tenant) -> list[ThemeTemplate]:
    """Every template of the store's theme (the union of the three layers), by name, each with the
    layer it comes from."""
    layers = _layer_names(tenant)
    names = sorted({name for _, found in layers for name in found})
    result: list[ThemeTemplate] = []
    for name in names:
        holders = [(layer, found[name]) for layer, found in layers if name in found]
        source, size = holders[0]
        inherited = holders[1][0] if source == "store" and len(holders) > 1 else None
        result.append(ThemeTemplate(name=name, source=source, inherited=inherited, size=size))
    return result


def get_template(tenant: Tenant, name: str) -> TemplateText:
    """A template's text as shoppers get it (the store's own, else the platform's, else the default
    theme's), with where it comes from."""
    if not _NAME.fullmatch(name):
        raise NotFound("The theme has no such template.")
    objects = CachedTemplateSource(theme_objects(get_settings()), ttl=0)
    layers: tuple[Layer, ...] = ("store", "platform", "default")
    found = [
        (layer, obj)
        for layer, prefix in zip(layers, theme_chain(tenant), strict=True)
        if (obj := objects.get(prefix + name)) is not None
    ]
    if not found:
        raise NotFound("The theme has no such template.")
    (source, obj), inherited = found[0], (found[1][0] if len(found) > 1 and found[0][0] == "store" else None)
    return TemplateText(
        name=name, source=source, inherited=inherited, size=len(obj.source.encode()), text=obj.source
    )


def page_templates(tenant: Tenant) -> list[str]:
    """The templates a CMS page may be shown with (``page.html`` and its variants in the theme)."""
    from orion.cms.models import DEFAULT_PAGE_TEMPLATE, PAGE_TEMPLATE_PATTERN

    pattern = re.compile(PAGE_TEMPLATE_PATTERN)
    names = {t.name for t in list_theme(tenant) if pattern.fullmatch(t.name)}
    return sorted(names | {DEFAULT_PAGE_TEMPLATE}, key=lambda n: (n != DEFAULT_PAGE_TEMPLATE, n))


def delete_template(tenant: Tenant, name: str) -> None:
    if not _NAME.fullmatch(name) or name not in {t.name for t in list_templates(tenant)}:
        raise NotFound("The store's theme has no such template.")
    aws_client("s3").delete_object(Bucket=get_settings().templates_bucket, Key=_store_prefix(tenant) + name)


def _layout_defaults() -> dict[str, Any]:
    """What every storefront page's layout can call (translations, money, links), in English, so a
    template extending ``base.html`` previews without the author supplying them."""

    def url(path: str = "/") -> str:
        return under("", path)

    return {
        "t": translator("en"),
        "money": lambda amount, currency: format_money(int(amount), str(currency)),
        "url": url,
        "link": url,
        "switch_url": lambda to: f"?lang={to}",
        "lang": "en",
        "lang_param": None,
    }


class _DraftLoader(ThemeLoader):
    """The store's theme chain with one template's source standing in for what is stored, under the
    store's key (so the render's time limit, which watches the store's keys, applies to it)."""

    def __init__(self, source: CachedTemplateSource, chain: tuple[str, ...], name: str, draft: str) -> None:
        super().__init__(source, chain)
        self._name = name
        self._key = chain[0] + name
        self._draft = draft

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template == self._name:
            return self._draft, self._key, lambda: True
        return super().get_source(environment, template)


def _sandbox(
    tenant: Tenant, name: str, draft: str | None, undefined: type[Undefined] = Undefined
) -> TenantSandbox:
    """The storefront's sandbox over the store's theme chain as stored now, ``draft`` standing in for
    template ``name`` if given."""
    chain = theme_chain(tenant)
    objects = CachedTemplateSource(theme_objects(get_settings()), ttl=0)
    loader = ThemeLoader(objects, chain) if draft is None else _DraftLoader(objects, chain, name, draft)
    return TenantSandbox(
        loader=loader,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=undefined,
    )


def _refuse_oversized_output(tenant: Tenant, name: str, source: str) -> None:
    """Render ``source`` once as preview does, to refuse a template that passes the sandbox's size
    limits (its page, or a value it builds) before it is stored. Without a page's context, undefined
    values are lenient (``product.title`` is empty) so the render gets as far as it can; any other
    failure may be that missing context, and is the storefront's fallback to deal with."""
    settings = get_settings()
    environment = _sandbox(tenant, name, source, undefined=ChainableUndefined)
    try:
        with render_deadline(settings.render_timeout_seconds, untrusted=theme_chain(tenant)[:-1]):
            environment.get_template(name).render(_layout_defaults())
    except RenderTooLarge as exc:
        raise Invalid(
            f"The template is too large when rendered: {exc}.",
            errors=[FieldError("source", str(exc))],
        ) from exc
    except Exception:
        return  # perhaps only the missing context: the storefront's fallback deals with the rest


def preview(tenant: Tenant, name: str, source: str | None, context: dict[str, Any]) -> str:
    """Render ``name`` with the store's theme chain as it is now, or with ``source`` standing in for
    it (try before uploading), under the same time and size limits as the storefront. Errors are 422s
    that say what went wrong, rather than the silent fallback shoppers get."""
    if source is not None:
        check_template(name, source)
    elif not _NAME.fullmatch(name) or not name.endswith(".html"):
        raise Invalid(errors=[FieldError("name", "preview an .html template")])
    settings = get_settings()
    environment = _sandbox(tenant, name, source)
    try:
        with render_deadline(settings.render_timeout_seconds, untrusted=theme_chain(tenant)[:-1]):
            return environment.get_template(name).render({**_layout_defaults(), **context})
    except Exception as exc:  # an untrusted template: report any failure to its author
        raise Invalid(f"The template failed to render: {type(exc).__name__}: {exc}") from exc
