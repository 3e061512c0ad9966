"""Drive the store console in-process as a browser without JavaScript would: cookies kept per path, the
last page's CSRF token sent with each form, redirects followed on request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlsplit

from tests.staff import DEMO_LOGINS, WIZAMART, ApiResponse, call

_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')

CONSOLE_LOGINS = {
    **DEMO_LOGINS,
}


@dataclass
class ConsoleBrowser:
    """One browser on one host (``base`` is the dev path prefix when the host is bare localhost)."""

    host: str = WIZAMART
    base: str = ""
    cookies: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (value, path)
    csrf: str = ""
    last: ApiResponse | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.host}"

    def _cookie_header(self, path: str) -> list[tuple[str, str]]:
        # The local gateway's X-Forwarded-Proto: the console sees the plain-HTTP origin it serves.
        proto = [("x-forwarded-proto", "http")]
        sent = [f"{name}={value}" for name, (value, scope) in self.cookies.items() if path.startswith(scope)]
        return [*proto, ("cookie", "; ".join(sent))] if sent else proto

    def _remember(self, response: ApiResponse) -> None:
        for raw in response.cookies:
            parts = [p.strip() for p in raw.split(";")]
            name, _, value = parts[0].partition("=")
            attributes = {
                p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else "") for p in parts[1:]
            }
            expired = attributes.get("max-age") == "0" or "expires=thu, 01 jan 1970" in raw.lower()
            if expired or value in ('""', ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = (value.strip('"'), attributes.get("path", "/"))
        found = (
            _CSRF.search(response.text)
            if response.headers.get("content-type", "").startswith("text/html")
            else None
        )
        if found:
            self.csrf = unescape(found.group(1))

    def get(
        self, path: str, *, follow: bool = False, headers: list[tuple[str, str]] | None = None
    ) -> ApiResponse:
        full = self.base + path
        response = call("GET", full, host=self.host, headers=[*self._cookie_header(full), *(headers or [])])
        self._remember(response)
        self.last = response
        if follow and response.status in (301, 302, 303, 307, 308):
            return self.get(self._local(response.headers["location"]), follow=True)
        return response

    def post(
        self,
        path: str,
        form: dict[str, str] | list[tuple[str, str]] | None = None,
        *,
        csrf: bool = True,
        origin: str | None = None,
        follow: bool = False,
    ) -> ApiResponse:
        pairs = list(form.items()) if isinstance(form, dict) else list(form or [])
        if csrf and not any(k == "csrf_token" for k, _ in pairs):
            pairs.append(("csrf_token", self.csrf))
        full = self.base + path
        headers = [*self._cookie_header(full), ("origin", origin or self.origin)]
        response = call("POST", full, host=self.host, form=pairs, headers=headers)
        self._remember(response)
        self.last = response
        if follow and response.status in (301, 302, 303, 307, 308):
            return self.get(self._local(response.headers["location"]), follow=True)
        return response

    def _local(self, location: str) -> str:
        path = urlsplit(location).path + (f"?{urlsplit(location).query}" if urlsplit(location).query else "")
        return path[len(self.base) :] if self.base and path.startswith(self.base) else path

    def sign_in(self, who: str) -> ApiResponse:
        email, password = CONSOLE_LOGINS[who]
        self.get("/admin/login")
        response = self.post("/admin/login", {"email": email, "password": password})
        assert response.status == 303, response.text[:2000]
        self.get(self._local(response.headers["location"]))
        return response


def signed_in(who: str, host: str = WIZAMART, base: str = "") -> ConsoleBrowser:
    browser = ConsoleBrowser(host=host, base=base)
    browser.sign_in(who)
    return browser


def signed_in_as(role: str, host: str = WIZAMART, store: str = "wizamart") -> ConsoleBrowser:
    """A new member of ``store`` with ``role`` (``viewer``, ``manager``...), signed in to its console."""
    from orion.identity.service import create_staff_user
    from orion.modules.manifest import Role
    from orion.tenant import Tenant

    email = f"{role}-{store}@example.com"
    CONSOLE_LOGINS[f"{store}-{role}"] = (email, f"{role}-long-password")
    create_staff_user(Tenant("oms", store), email, role.title(), f"{role}-long-password", Role(role))
    return signed_in(f"{store}-{role}", host=host)
