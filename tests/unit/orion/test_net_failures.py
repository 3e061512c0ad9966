"""What a network error means (orion.net.failure_of), and how the two clients that fetch from addresses
merchants chose word it: a saved source's feed (orion.imports.sources.fetch) and a channel's destination
(orion.channels.http) refuse an answer too large or a host without a valid certificate, and call
everything else worth trying again, each in its own errors and words."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import typing
from collections.abc import Iterator

import pytest

from orion import net
from orion.channels.errors import DestinationError, DestinationUnavailable
from orion.channels.http import HttpRequest, PublicTransport
from orion.channels.http import _unreached as destination_error
from orion.imports.errors import FeedRefused, FeedUnavailable
from orion.imports.sources.fetch import FeedRequest, PublicFeedTransport
from orion.imports.sources.fetch import _unreached as feed_error
from orion.settings import reset_settings

F = net.Failure


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (net.LookupFailed("shop.example", timed_out=False), F.NOT_FOUND),
        (net.LookupFailed("shop.example", timed_out=True), F.LOOKUP_TIMED_OUT),
        (net.BodyTooLarge(), F.TOO_LARGE),
        (net.DeadlinePassed(), F.TOO_SLOW),
        (TimeoutError(), F.NO_ANSWER),
        (ssl.SSLCertVerificationError(), F.BAD_CERTIFICATE),
        (ConnectionRefusedError(), F.UNREACHABLE),
        (http.client.RemoteDisconnected("closed"), F.UNREACHABLE),
    ],
)
def test_each_network_error_is_named(error: net.NetworkError, failure: net.Failure) -> None:
    assert isinstance(error, net.NETWORK_ERRORS)
    assert net.failure_of(error) is failure


def test_the_tuple_to_catch_and_the_type_to_annotate_name_the_same_errors() -> None:
    assert set(typing.get_args(net.NetworkError)) == set(net.NETWORK_ERRORS)


REFUSED = {F.TOO_LARGE, F.BAD_CERTIFICATE}
FEED_WORDS = {
    F.NOT_FOUND: "shop.example could not be found.",
    F.LOOKUP_TIMED_OUT: "shop.example could not be looked up in time.",
    F.TOO_LARGE: "The feed is larger than 2 MB.",
    F.TOO_SLOW: "shop.example took longer than 20 s to send the feed.",
    F.NO_ANSWER: "shop.example did not answer in time.",
    F.BAD_CERTIFICATE: "shop.example has no valid certificate for its name.",
    F.UNREACHABLE: "shop.example could not be reached.",
}
DESTINATION_WORDS = {
    F.NOT_FOUND: "shop.example could not be found.",
    F.LOOKUP_TIMED_OUT: "shop.example could not be looked up in time.",
    F.TOO_LARGE: "shop.example answered with more than 20 MB.",
    F.TOO_SLOW: "shop.example took longer than 30 s to answer.",
    F.NO_ANSWER: "shop.example did not answer in time.",
    F.BAD_CERTIFICATE: "shop.example has no valid certificate for its name.",
    F.UNREACHABLE: "shop.example could not be reached.",
}


@pytest.mark.parametrize("failure", list(net.Failure))
def test_both_clients_word_every_failure_and_agree_on_what_is_worth_retrying(failure: net.Failure) -> None:
    feed = feed_error(failure, "shop.example", 2 * 1024 * 1024, 20.0)
    assert isinstance(feed, FeedRefused if failure in REFUSED else FeedUnavailable)
    assert str(feed) == FEED_WORDS[failure]
    assert feed.parts  # as phrases, for the console
    destination = destination_error(failure, "shop.example")
    assert isinstance(destination, DestinationUnavailable) is (failure not in REFUSED)
    assert isinstance(destination, DestinationError) and str(destination) == DESTINATION_WORDS[failure]


def _free_port() -> int:
    with socket.socket() as probe:  # bound, then closed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def oversized() -> Iterator[int]:
    """A server on loopback answering two requests, each declaring a body of 100 MB."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        for _ in range(2):
            try:
                connection, _ = listener.accept()
            except OSError:  # closed: the test ended
                return
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\nConnection: close\r\n\r\n"
                )

    worker = threading.Thread(target=answer, daemon=True)
    worker.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()
        worker.join(5)


def _trust(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("ORION_IMPORT_FETCH_TRUSTED_HOSTS", f'["127.0.0.1:{port}"]')
    reset_settings()


def test_a_host_that_refuses_connections_is_worth_retrying_for_both(monkeypatch: pytest.MonkeyPatch) -> None:
    port = _free_port()
    _trust(monkeypatch, port)
    with pytest.raises(FeedUnavailable, match=r"^127\.0\.0\.1 could not be reached\.$"):
        PublicFeedTransport().get(
            FeedRequest(f"http://127.0.0.1:{port}/f.tsv"), max_bytes=100, deadline_seconds=5
        )
    transport = PublicTransport(frozenset({f"127.0.0.1:{port}"}))
    with pytest.raises(DestinationUnavailable, match=r"^127\.0\.0\.1 could not be reached\.$"):
        transport.send(HttpRequest("GET", f"http://127.0.0.1:{port}/wp-json/"))


def test_an_answer_declared_too_large_is_refused_before_reading(
    oversized: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust(monkeypatch, oversized)
    with pytest.raises(FeedRefused, match="larger than 1 MB"):
        PublicFeedTransport().get(
            FeedRequest(f"http://127.0.0.1:{oversized}/f.tsv"), max_bytes=1024 * 1024, deadline_seconds=5
        )
    transport = PublicTransport(frozenset({f"127.0.0.1:{oversized}"}))
    with pytest.raises(DestinationError, match="answered with more than 20 MB") as refused:
        transport.send(HttpRequest("GET", f"http://127.0.0.1:{oversized}/wp-json/"))
    assert not isinstance(refused.value, DestinationUnavailable)
