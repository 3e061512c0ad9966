"""A WordPress site in memory, as the WordPress adapter sees it through its transport (orion.channels.http):
the REST API's routes the adapter calls (``?rest_route=``), posts, pages, the media library and, when
asked, WooCommerce products; picture hosts; and a log of every request. Faults are queued answers
(:meth:`FakeWordPress.answer_next`) or a save that "crashes" after WordPress kept the item.

Its behaviour follows what the real WordPress 6.1 answers (tests/wordpress proves the adapter against
it): a trashed post's slug gains ``__trashed``, updating a trashed post answers 200 with status
``trash``, deleting it again 410, an unknown id 404, a wrong application password 401."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from orion.channels.http import HttpAnswer, HttpRequest

SITE = "https://blog.example.com"
USERNAME = "shop-editor"
PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"
COLLECTIONS = {"/wp/v2/posts": "posts", "/wp/v2/pages": "pages", "/wc/v3/products": "products"}


def answer(status: int, body: Any = None, **headers: str) -> HttpAnswer:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    named = {k.replace("_", "-").lower(): v for k, v in headers.items()}
    return HttpAnswer(status, {"content-type": "application/json", **named}, data)


def error(status: int, code: str, message: str) -> HttpAnswer:
    return answer(status, {"code": code, "message": message, "data": {"status": status}})


@dataclass
class Sent:
    """One request as the fake read it."""

    method: str
    url: str
    route: str | None  # None for a request to another host (a picture)
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes | None

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class FakeWordPress:
    site: str = SITE
    namespaces: tuple[str, ...] = ("oembed/1.0", "wp/v2")
    username: str = USERNAME
    password: str = PASSWORD
    capabilities: dict[str, bool] = field(
        default_factory=lambda: {"publish_posts": True, "publish_pages": True, "upload_files": True}
    )
    items: dict[str, dict[int, dict[str, Any]]] = field(
        default_factory=lambda: {"posts": {}, "pages": {}, "media": {}, "products": {}}
    )
    pictures: dict[str, bytes] = field(default_factory=dict)  # address -> bytes
    sent: list[Sent] = field(default_factory=list)
    queued: list[HttpAnswer] = field(default_factory=list)
    crash_after_save: bool = False
    now: datetime = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    _next_id: int = 100

    # --- the test's side ---

    def answer_next(self, *answers: HttpAnswer) -> None:
        """Answer the next requests to the site with these (before looking at them)."""
        self.queued.extend(answers)

    def to_site(self) -> list[Sent]:
        return [s for s in self.sent if s.route is not None]

    def calls(self) -> list[tuple[str, str | None]]:
        """``(method, route)`` of every request, pictures as ``(GET, None)``."""
        return [(s.method, s.route) for s in self.sent]

    def add(self, collection: str, **fields: Any) -> dict[str, Any]:
        """An item made in WordPress by hand."""
        return self._new(collection, fields)

    def edit(self, collection: str, item_id: int, minutes: int = 1, **fields: Any) -> None:
        """Someone edits an item in WordPress ``minutes`` later."""
        self.now += timedelta(minutes=minutes)
        self._apply(self.items[collection][item_id], fields)

    # --- the transport ---

    def send(self, request: HttpRequest) -> HttpAnswer:
        parts = urlsplit(request.url)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        on_site = request.url.startswith(self.site + "/")
        sent = Sent(
            request.method,
            request.url,
            query.pop("rest_route", "") if on_site else None,
            query,
            dict(request.headers),
            request.body,
        )
        self.sent.append(sent)
        if not on_site:
            picture = self.pictures.get(request.url)
            return answer(200, picture, content_type="image/png") if picture else answer(404, b"<p>no</p>")
        if self.queued:
            return self.queued.pop(0)
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if sent.headers.get("Authorization") != f"Basic {expected}":
            return error(
                401, "incorrect_password", "The provided password is an invalid application password."
            )
        return self._route(sent)

    def _route(self, sent: Sent) -> HttpAnswer:
        route, method = sent.route or "", sent.method
        if route == "/":
            return answer(200, {"name": "Blog", "namespaces": list(self.namespaces)})
        if route == "/wp/v2/users/me":
            return answer(200, {"id": 1, "name": "Shop Editor", "capabilities": self.capabilities})
        if route == "/wp/v2/media":
            return self._media(sent)
        base, _, tail = route.rpartition("/")
        if route in COLLECTIONS and (route != "/wc/v3/products" or "wc/v3" in self.namespaces):
            collection = COLLECTIONS[route]
            if method == "GET":
                return self._list(collection, sent.query)
            if method == "POST":
                return self._saved(self._new(collection, sent.json()))
        if base in COLLECTIONS and tail.isdigit():
            collection, item = COLLECTIONS[base], self.items[COLLECTIONS[base]].get(int(tail))
            if item is None:
                return error(404, "rest_post_invalid_id", "Invalid post ID.")
            if method in ("POST", "PUT"):
                self.now += timedelta(seconds=1)
                self._apply(item, sent.json())
                return self._saved(item)
            if method == "DELETE":
                if sent.query.get("force") == "true":
                    del self.items[collection][item["id"]]
                    return answer(200, {"deleted": True, "previous": item})
                if item["status"] == "trash":
                    return error(410, "rest_already_trashed", "The post has already been deleted.")
                item["status"], item["slug"] = "trash", f"{item['slug']}__trashed"
                return answer(200, item)
        return error(404, "rest_no_route", "No route was found matching the URL and request method.")

    def _saved(self, item: dict[str, Any]) -> HttpAnswer:
        if self.crash_after_save:
            self.crash_after_save = False
            return answer(502, b"<html>Bad gateway</html>", content_type="text/html")
        return answer(201, item)

    def _new(self, collection: str, fields: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        slug = fields.get("slug") or f"item-{self._next_id}"
        taken = {i["slug"] for c in self.items.values() for i in c.values()}
        while slug in taken:  # WordPress makes slugs unique
            slug += "-2"
        item: dict[str, Any] = {
            "id": self._next_id,
            "slug": slug,
            "status": "draft",
            "title": {"raw": ""},
            "content": {"raw": ""},
            "link": f"{self.site}/?p={self._next_id}",
            "permalink": f"{self.site}/product/{slug}/",
        }
        self._apply(item, {k: v for k, v in fields.items() if k != "slug"})
        self.items[collection][item["id"]] = item
        return item

    def _apply(self, item: dict[str, Any], fields: dict[str, Any]) -> None:
        for name, value in fields.items():
            if name in ("title", "content"):
                item[name] = {"raw": value, "rendered": value}
            else:
                item[name] = value
        item["modified_gmt"] = item["date_modified_gmt"] = self.now.strftime("%Y-%m-%dT%H:%M:%S")

    def _list(self, collection: str, query: dict[str, str]) -> HttpAnswer:
        found = [i for i in self.items[collection].values() if i["status"] != "trash"]
        if "slug" in query:
            found = [i for i in found if i["slug"] in query["slug"].split(",")]
        if "modified_after" in query:
            after = datetime.fromisoformat(query["modified_after"]).replace(tzinfo=UTC)
            found = [
                i for i in found if datetime.fromisoformat(i["modified_gmt"]).replace(tzinfo=UTC) > after
            ]
        found.sort(key=lambda i: (i["modified_gmt"], i["id"]))
        size, number = int(query.get("per_page", "10")), int(query.get("page", "1"))
        pages = max(1, -(-len(found) // size))
        return answer(200, found[(number - 1) * size : number * size], x_wp_totalpages=str(pages))

    def _media(self, sent: Sent) -> HttpAnswer:
        if sent.method == "GET":
            slugs = sent.query.get("slug", "").split(",")
            return answer(200, [m for m in self.items["media"].values() if m["slug"] in slugs])
        if not sent.body or "attachment; filename=" not in sent.headers.get("Content-Disposition", ""):
            return error(400, "rest_upload_no_data", "No data supplied.")
        item = self._new("media", {"slug": sent.query.get("slug"), "alt_text": sent.query.get("alt_text")})
        name = sent.headers["Content-Disposition"].split("filename=")[1].strip('"')
        item |= {
            "status": "inherit",
            "source_url": f"{self.site}/wp-content/uploads/{name}",
            "size": len(sent.body),
        }
        return self._saved(item)
