"""The real transport of image fetches (orion.media.remote): it dials the address that was checked, never
the name again, so a DNS answer that changes after the check (DNS rebinding) cannot send it elsewhere."""

from __future__ import annotations

import socket

import pytest

from orion.media import remote
from orion.media.errors import RemoteRefused

REAL_NETWORK = remote.HttpsTransport  # read before tests/conftest.py puts the fake network in its place


def test_the_connection_goes_to_the_checked_address_not_to_a_new_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialled: list[tuple[str, int]] = []
    looked_up: list[str] = []

    def create_connection(address: tuple[str, int], timeout: float | None = None) -> socket.socket:
        dialled.append(address)
        raise ConnectionRefusedError("nothing listens here")

    def getaddrinfo(host: str, *args: object, **kwargs: object) -> list[object]:
        looked_up.append(host)  # a second lookup would answer a private address
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 443))]

    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    with pytest.raises(RemoteRefused, match=r"cdn\.merchant\.lu could not be reached"):
        remote.fetch_image(
            "https://cdn.merchant.lu/chair.jpg",
            1024,
            transport=REAL_NETWORK(),
            resolve=lambda host: ["151.101.1.10"],
        )

    assert dialled == [("151.101.1.10", 443)]
    assert looked_up == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("HTTPS://[::ffff:10.0.0.1]/a.jpg", "not on the public internet"),
        ("https://cdn.merchant.lu./a.jpg", None),  # a trailing dot is the same name
        ("https://0x7f000001/a.jpg", "could not be found"),  # not an address literal: looked up as a name
        ("https:///a.jpg", "names no host"),
        ("ftp://cdn.merchant.lu/a.jpg", "must use https"),
        ("https://" + "a" * 2050 + ".lu/", "longer than 2,048"),
    ],
)
def test_addresses_are_read_as_a_browser_would_not_as_an_attacker_hopes(url: str, reason: str | None) -> None:
    def resolve(host: str) -> list[str]:
        if host == "cdn.merchant.lu":
            return ["151.101.1.10"]
        raise RemoteRefused(f"The image host {host} could not be found.")

    if reason is None:
        assert remote.checked_target(url, resolve) == ("151.101.1.10", "cdn.merchant.lu", "/a.jpg")
    else:
        with pytest.raises(RemoteRefused, match=reason):
            remote.checked_target(url, resolve)
