"""Reading an answer's body from a host someone else chose: capped in size and held to a deadline, even
when the host sends a trickle of bytes (each read would otherwise wait for its whole chunk)."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from orion import net


def _serve(body_parts: list[bytes], pause: float) -> Iterator[int]:
    """A one-answer HTTP server on loopback that sends ``body_parts`` ``pause`` seconds apart."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n\r\n")
            for part in body_parts:
                if stop.is_set():
                    return
                try:
                    connection.sendall(part)
                except OSError:
                    return
                time.sleep(pause)

    worker = threading.Thread(target=answer, daemon=True)
    worker.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()


@pytest.fixture
def trickle() -> Iterator[int]:
    yield from _serve([b"x"] * 400, 0.01)


@pytest.fixture
def flood() -> Iterator[int]:
    yield from _serve([b"y" * 4096] * 8, 0)


def _get(port: int) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/feed.csv")
    return connection, connection.getresponse()


def test_a_host_sending_a_trickle_is_cut_off_at_the_deadline(trickle: int) -> None:
    connection, response = _get(trickle)
    try:
        with pytest.raises(net.DeadlinePassed):
            net.read_body(
                connection, response, max_bytes=10_000, deadline=time.monotonic() + 0.3, idle_seconds=5
            )
    finally:
        connection.close()


def test_a_body_past_the_cap_is_refused_and_one_within_it_is_read_whole(flood: int) -> None:
    connection, response = _get(flood)
    try:
        with pytest.raises(net.BodyTooLarge):
            net.read_body(
                connection, response, max_bytes=10_000, deadline=time.monotonic() + 10, idle_seconds=5
            )
    finally:
        connection.close()


def test_a_whole_body_within_the_cap_and_deadline_is_returned() -> None:
    for port in _serve([b"id,title\n", b"1,Mug\n"], 0):
        connection, response = _get(port)
        try:
            body = net.read_body(
                connection, response, max_bytes=10_000, deadline=time.monotonic() + 10, idle_seconds=5
            )
        finally:
            connection.close()
        assert body == b"id,title\n1,Mug\n"
