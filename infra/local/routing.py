"""API Gateway HTTP API route selection, for the local gateway.

AWS picks the most specific route: literal segments beat ``{param}`` segments, which beat a greedy
``{proxy+}``; a route for the exact method beats ``ANY``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra import wiring


@dataclass(frozen=True)
class RouteMatch:
    function: wiring.Function
    route: wiring.Route
    path_parameters: dict[str, str]


@dataclass(frozen=True)
class _CompiledRoute:
    function: wiring.Function
    route: wiring.Route
    pattern: re.Pattern[str]
    specificity: tuple[int, int, int, int]


def _compile(
    fn: wiring.Function, route: wiring.Route, claimed: frozenset[str] = frozenset()
) -> _CompiledRoute:
    """``claimed``: first path segments other routes spell out (``admin``, ``api``, ...); the local
    path-mode ``{platform}`` prefix never takes one, so ``/admin/stores/<code>`` (the platform console)
    is not read as the path-mode store ``<code>`` of a platform called ``admin``."""
    segments = [s for s in route.path.split("/") if s]
    regex = ""
    literals = params = 0
    greedy = False
    for index, segment in enumerate(segments):
        if segment.endswith("+}"):
            regex += rf"/(?P<{segment[1:-2]}>.+)"
            greedy = True
        elif index == 0 and segment == "{platform}" and claimed:
            refused = "|".join(re.escape(word) for word in sorted(claimed))
            regex += rf"/(?P<platform>(?!(?:{refused})(?:/|$))[^/]+)"
            params += 1
        elif segment.startswith("{"):
            regex += rf"/(?P<{segment[1:-1]}>[^/]+)"
            params += 1
        else:
            regex += "/" + re.escape(segment)
            literals += 1
    pattern = re.compile("^" + (regex or "/") + ("/?" if regex else "") + "$")
    specificity = (0 if greedy else 1, literals, params, 0 if route.method == "ANY" else 1)
    return _CompiledRoute(fn, route, pattern, specificity)


class RouteTable:
    """Every route of every function in the wiring table (with the local path-mode variants)."""

    def __init__(self, functions: tuple[wiring.Function, ...] = wiring.FUNCTIONS) -> None:
        every = [(fn, route) for fn in functions for route in wiring.routes_of(fn, local=True)]
        claimed = frozenset(
            first for _, route in every if (first := route.path.strip("/").split("/")[0]) and "{" not in first
        )
        self._routes = [_compile(fn, route, claimed) for fn, route in every]
        keys = [r.route.key for r in self._routes]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise ValueError(f"routes claimed twice in the wiring table: {sorted(duplicates)}")

    def match(self, method: str, path: str) -> RouteMatch | None:
        best: _CompiledRoute | None = None
        best_match: re.Match[str] | None = None
        for compiled in self._routes:
            if compiled.route.method not in (method, "ANY"):
                continue
            found = compiled.pattern.match(path)
            if found and (best is None or compiled.specificity > best.specificity):
                best, best_match = compiled, found
        if best is None or best_match is None:
            return None
        params = {k: v for k, v in best_match.groupdict().items() if v is not None}
        return RouteMatch(best.function, best.route, params)
