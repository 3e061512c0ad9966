"""Theme rendering: store templates override the platform's, which override the default theme.

The default theme is packaged with the functions (``templates/default/``); the templates bucket holds
only the overrides (``platforms/<p>/``, ``stores/<p>/<s>/``), so a fresh deploy renders every page
with an empty bucket.

Templates are compiled once per container and kept while their S3 ETag stands. Tenant templates are
untrusted: they run in Jinja's sandbox with autoescaping, under a time limit and size limits
(:mod:`orion.rendering.sandbox`), and any failure falls back to the theme the failing one inherits
from (a store's to its platform's, a platform's to the default; logged and counted), so a broken or
oversized theme never costs a shopper a 500.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2 import BaseLoader, Environment, TemplateNotFound, select_autoescape

from orion.observability import logger, metrics
from orion.rendering.errors import RenderTimeout
from orion.rendering.sandbox import TenantSandbox
from orion.rendering.template_store import (
    CachedTemplateSource,
    PackagedTemplateObjects,
    S3TemplateObjects,
    ThemeObjects,
    packaged_theme_root,
)
from orion.settings import OrionSettings
from orion.tenant import Tenant

DEFAULT_PREFIX = "default/"
DEFAULT_CHAIN: tuple[str, ...] = (DEFAULT_PREFIX,)
_LINES_BETWEEN_CLOCK_CHECKS = 64


def theme_chain(tenant: Tenant) -> tuple[str, ...]:
    """The S3 prefixes searched for a tenant's templates, most specific first."""
    platform = f"platforms/{tenant.platform}/"
    if tenant.store is None:
        return (platform, DEFAULT_PREFIX)
    return (f"stores/{tenant.platform}/{tenant.store}/", platform, DEFAULT_PREFIX)


def theme_objects(settings: OrionSettings) -> ThemeObjects:
    """Store override in the bucket -> platform override in the bucket -> the packaged default theme."""
    root = packaged_theme_root(settings.default_theme_dir, settings.lambda_task_root)
    return ThemeObjects(
        S3TemplateObjects(settings.templates_bucket), PackagedTemplateObjects(root), DEFAULT_PREFIX
    )


class ThemeLoader(BaseLoader):
    """Looks a template name up under each prefix of a chain; the first hit wins."""

    def __init__(self, source: CachedTemplateSource, chain: tuple[str, ...]) -> None:
        self._source = source
        self._chain = chain

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if not _safe_template_name(template):
            raise TemplateNotFound(template)
        winner = self._winner(template)
        if winner is None:
            raise TemplateNotFound(template)
        key, source, etag = winner

        def uptodate() -> bool:
            # Current while the same key still wins with the same ETag (an override added above it,
            # or an edit, both recompile).
            now = self._winner(template)
            return now is not None and now[0] == key and now[2] == etag

        return source, key, uptodate

    def _winner(self, template: str) -> tuple[str, str, str] | None:
        for prefix in self._chain:
            found = self._source.get(prefix + template)
            if found is not None:
                return prefix + template, found.source, found.etag
        return None


def _safe_template_name(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and "\\" not in name and ".." not in parts


class ThemeRenderer:
    """Renders named templates for a tenant with the store -> platform -> default chain."""

    def __init__(
        self,
        source: CachedTemplateSource,
        *,
        render_timeout: float,
        globals_: Mapping[str, Any] | None = None,
        max_environments: int = 256,
    ) -> None:
        self._source = source
        self._timeout = render_timeout
        self._globals = dict(globals_ or {})
        self._environments: OrderedDict[tuple[str, ...], Environment] = OrderedDict()
        self._max_environments = max_environments
        self._lock = threading.Lock()

    def render(self, tenant: Tenant | None, name: str, context: Mapping[str, Any]) -> str:
        """The page HTML; a failing tenant theme falls back to the theme it inherits from (a store's to
        its platform's, a platform's to the default theme)."""
        chain = self._effective_chain(tenant)
        while chain != DEFAULT_CHAIN:
            try:
                return self._render(chain, name, context, guarded=True)
            except Exception as exc:  # tenant templates are untrusted code; any failure means fall back
                logger.warning(
                    "theme template failed, rendering the inherited theme",
                    extra={
                        "tenant": str(tenant),
                        "template": name,
                        "chain": list(chain),
                        "inherited": list(chain[1:]),
                        "error": f"{type(exc).__name__}: {exc}",
                    },
                )
                metrics.add_metric(name="ThemeFallback", unit="Count", value=1)
                chain = chain[1:]
        return self._render(DEFAULT_CHAIN, name, context)

    def _effective_chain(self, tenant: Tenant | None) -> tuple[str, ...]:
        if tenant is None:
            return DEFAULT_CHAIN
        # Tenants without templates of their own share the default environment and its compiled cache.
        chain = tuple(p for p in theme_chain(tenant)[:-1] if self._source.has_any(p))
        return (*chain, DEFAULT_PREFIX)

    def _environment(self, chain: tuple[str, ...]) -> Environment:
        with self._lock:
            env = self._environments.get(chain)
            if env is not None:
                self._environments.move_to_end(chain)
                return env
            # Only tenant templates are untrusted: the default theme alone is ours and renders without
            # the sandbox's per-attribute checks and size limits (several times faster on a product page).
            kind = Environment if chain == DEFAULT_CHAIN else TenantSandbox
            env = kind(
                loader=ThemeLoader(self._source, chain),
                autoescape=select_autoescape(default=True, default_for_string=True),
                auto_reload=True,
                cache_size=200,
            )
            env.globals.update(self._globals)
            self._environments[chain] = env
            while len(self._environments) > self._max_environments:
                self._environments.popitem(last=False)
            return env

    def _render(
        self, chain: tuple[str, ...], name: str, context: Mapping[str, Any], *, guarded: bool = False
    ) -> str:
        env = self._environment(chain)
        if not guarded:
            return env.get_template(name).render(context)
        with render_deadline(self._timeout, untrusted=tuple(p for p in chain if p != DEFAULT_PREFIX)):
            return env.get_template(name).render(context)


@contextmanager
def render_deadline(seconds: float, untrusted: tuple[str, ...]) -> Iterator[None]:
    """Raise :class:`RenderTimeout` inside template code from ``untrusted`` prefixes after ``seconds``.

    Jinja compiles each template to Python code whose file name is the template's key, so a line
    tracer installed only on those frames can stop a runaway loop without touching trusted code.
    """
    deadline = time.monotonic() + seconds
    lines = 0

    def on_line(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal lines
        lines += 1
        if lines % _LINES_BETWEEN_CLOCK_CHECKS == 0 and time.monotonic() > deadline:
            raise RenderTimeout(f"template rendering exceeded {seconds:.1f}s")
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename.startswith(untrusted):
            return on_line
        return None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)
