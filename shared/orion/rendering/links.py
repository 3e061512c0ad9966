"""Links in rendered pages: every path of a tenant lives under its base path."""

from __future__ import annotations


def under(base: str, path: str = "/") -> str:
    """``path`` under a tenant's base path (``""`` on its own host, ``/<platform>/stores/<s>`` in
    path mode), whether or not it starts with a slash."""
    return base + (path if path.startswith("/") else "/" + path)
