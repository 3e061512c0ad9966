"""Staff-written HTML made safe to render as it is (content pages, product descriptions, imported
descriptions): no scripts, event handlers or javascript: links. Cleaned once when written (nh3), so
pages render it without escaping."""

from __future__ import annotations


def sanitize_html(html: str) -> str:
    """``html`` with everything that could run removed."""
    import nh3  # loaded by the writes that need it, not at every function's cold start

    return nh3.clean(html)


def sanitize_markup(text: str) -> str:
    """``text`` cleaned as :func:`sanitize_html` if it holds markup at all; plain text stays as it is
    (cleaning would escape its ``&``)."""
    return sanitize_html(text) if "<" in text else text
