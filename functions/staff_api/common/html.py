"""The few pages the staff API serves to people rather than programs (an invitation link opened in a
browser): plain, escaped HTML that works without JavaScript."""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}"
    "label{display:block;margin-top:1rem}input{width:100%;padding:.4rem;box-sizing:border-box}"
    "button{margin-top:1.5rem;padding:.5rem 1.5rem}.error{color:#a00}"
)


def html_page(title: str, body: str, status: int = 200) -> HTMLResponse:
    """A page around ``body`` (already escaped HTML); never cached, never framed."""
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    headers = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(document, status_code=status, headers=headers)


def text(value: object) -> str:
    return escape(str(value))
