"""The local cloud's demo feeds (infra/local/feeds.py): the gateway serves a folder's files at
``/_local/feeds/`` with ETag, Last-Modified and 304, and a saved source's transport fetches them when
the gateway is a trusted host (docs/imports.md, Saved sources: trying it locally)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from infra import wiring
from infra.local import feeds
from infra.local.demo.sources import demo_feed
from infra.local.gateway import make_gateway
from orion.imports.errors import FeedRefused
from orion.imports.sources.fetch import PublicFeedTransport, fetch
from orion.settings import reset_settings
from tests.local_server import free_port


@pytest.fixture
def gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The local gateway on a free port serving ``tmp_path`` as the feeds folder, trusted."""
    port = free_port()
    monkeypatch.setenv("ORION_IMPORT_FETCH_TRUSTED_HOSTS", json.dumps([feeds.trusted_host(port)]))
    monkeypatch.setenv("ORION_IMPORT_SOURCE_RETRY_BASE_SECONDS", "0")
    reset_settings()
    feeds.use_directory(tmp_path)
    server = make_gateway("127.0.0.1", port, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()
        feeds.use_directory(None)


def test_a_feed_is_served_with_validators_and_304_while_unchanged(gateway: int, tmp_path: Path) -> None:
    (tmp_path / "feed.tsv").write_bytes(demo_feed())
    with httpx.Client(base_url=f"http://127.0.0.1:{gateway}", headers={"Host": "anything.localhost"}) as http:
        first = http.get("/_local/feeds/feed.tsv")
        assert first.status_code == 200 and first.content == demo_feed()
        assert first.headers["content-type"].startswith("text/tab-separated-values")
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert http.get("/_local/feeds/feed.tsv", headers={"If-None-Match": etag}).status_code == 304
        assert http.get("/_local/feeds/feed.tsv", headers={"If-Modified-Since": modified}).status_code == 304
        # If-None-Match decides when both are sent (RFC 9110)
        other = {"If-None-Match": '"other"', "If-Modified-Since": modified}
        assert http.get("/_local/feeds/feed.tsv", headers=other).status_code == 200

        (tmp_path / "feed.tsv").write_bytes(demo_feed() + b"LS-DEMO-009\tNouveau\t\tin stock\t1,00 EUR\n")
        later = os.stat(tmp_path / "feed.tsv").st_mtime + 5
        os.utime(tmp_path / "feed.tsv", (later, later))
        changed = http.get("/_local/feeds/feed.tsv", headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag
        assert http.get("/_local/feeds/feed.tsv", headers={"If-Modified-Since": modified}).status_code == 200

        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "feed.tsv").write_bytes(demo_feed())
        (tmp_path / ".hidden").write_bytes(demo_feed())
        for path in ("/_local/feeds/missing.tsv", "/_local/feeds/sub/feed.tsv", "/_local/feeds/.hidden"):
            assert http.get(path).status_code == 404, path
        assert http.post("/_local/feeds/feed.tsv").status_code == 405
        head = http.head("/_local/feeds/feed.tsv")
        assert head.status_code == 200 and head.headers["etag"] == changed.headers["etag"]


def test_a_source_fetches_a_trusted_local_feed_conditionally(gateway: int, tmp_path: Path) -> None:
    (tmp_path / "feed.tsv").write_bytes(demo_feed())
    url = feeds.url(gateway, "feed.tsv")
    first = fetch(PublicFeedTransport(), url, etag=None, last_modified=None)
    assert first.status == 200 and first.body == demo_feed()
    again = fetch(PublicFeedTransport(), url, etag=first.headers["etag"], last_modified=None)
    assert again.status == 304
    since = fetch(PublicFeedTransport(), url, etag=None, last_modified=first.headers["last-modified"])
    assert since.status == 304
    with pytest.raises(FeedRefused, match="has no feed at this address \\(404\\)"):
        fetch(PublicFeedTransport(), feeds.url(gateway, "missing.tsv"), etag=None, last_modified=None)


def test_the_size_cap_holds_for_a_trusted_feed(
    gateway: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "feed.tsv").write_bytes(demo_feed())
    monkeypatch.setenv("ORION_IMPORT_FETCH_MAX_BYTES", "100")
    reset_settings()
    with pytest.raises(FeedRefused, match="larger than"):
        fetch(PublicFeedTransport(), feeds.url(gateway, "feed.tsv"), etag=None, last_modified=None)


def test_no_wiring_route_serves_the_local_feeds_path() -> None:
    """So CloudFront and API Gateway never have it: only the local gateway answers it."""
    paths = [route.path for fn in wiring.FUNCTIONS for route in fn.routes]
    assert paths and not any(path.startswith("/_local") for path in paths)
