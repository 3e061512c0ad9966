"""Which feed addresses a saved source may fetch over plain http: only a ``host:port`` named in
``ORION_IMPORT_FETCH_TRUSTED_HOSTS`` (the local cloud's gateway; never set in a deployment), and then
only at a loopback address. Without it every feed keeps the full safeguards."""

from __future__ import annotations

import pytest

from orion.imports.errors import FeedRefused
from orion.imports.sources.fetch import FeedRequest, PublicFeedTransport, trusted_local_url
from orion.settings import reset_settings


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORION_IMPORT_FETCH_TRUSTED_HOSTS", '["127.0.0.1:8000", "feeds.localhost:8000"]')
    reset_settings()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000/_local/feeds/f.tsv", True),
        ("http://FEEDS.localhost:8000/f.tsv", True),
        ("http://127.0.0.1:8001/_local/feeds/f.tsv", False),  # another port
        ("http://127.0.0.1/_local/feeds/f.tsv", False),  # port 80
        ("https://127.0.0.1:8000/f.tsv", False),  # only plain http is the exception
        ("http://user:pw@127.0.0.1:8000/f.tsv", False),
        ("http://127.0.0.1:notaport/f.tsv", False),
    ],
)
def test_only_named_host_ports_over_http_are_trusted(trusted: None, url: str, expected: bool) -> None:
    assert trusted_local_url(url) is expected


def test_nothing_is_trusted_by_default() -> None:
    assert not trusted_local_url("http://127.0.0.1:8000/_local/feeds/f.tsv")
    with pytest.raises(FeedRefused, match="https"):
        PublicFeedTransport().get(
            FeedRequest("http://127.0.0.1:8000/_local/feeds/f.tsv"), max_bytes=100, deadline_seconds=1
        )


def test_a_trusted_name_that_resolves_off_loopback_is_refused(
    trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("orion.net.resolve", lambda host, port, timeout: ["127.0.0.1", "10.0.0.7"])
    with pytest.raises(FeedRefused, match="loopback"):
        PublicFeedTransport().get(
            FeedRequest("http://feeds.localhost:8000/f.tsv"), max_bytes=100, deadline_seconds=1
        )
