"""Fetching a source's feed: the bulk store import's safeguards (https, allowed hosts, no credentials
or port: ``check_feed_url``), public addresses only over a connection pinned to the checked address
(orion.net), no redirects, a size cap and a deadline; conditional requests (ETag / Last-Modified); and
retries with exponential backoff and jitter for timeouts, connection errors, 429 and 5xx.

Only the hosts named in ``ORION_IMPORT_FETCH_TRUSTED_HOSTS`` (``host:port``: the local cloud's gateway,
which serves demo feeds at ``/_local/feeds/``, and the tests; never set in a deployment) may be named
over plain ``http``, and are then reached only at a loopback address; every other rule (no redirects,
the size cap, the deadline) holds for them too.

:class:`FeedTransport` is the network: the runner uses :class:`PublicFeedTransport`, tests give a fake
one that logs each request.
"""

from __future__ import annotations

import http.client
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from orion import net
from orion.imports.bulk_stores import check_feed_url
from orion.imports.errors import FeedRefused, FeedUnavailable
from orion.imports.sources import messages
from orion.rendering.phrases import phrase
from orion.settings import get_settings

USER_AGENT = "Orion-imports/1"


@dataclass(frozen=True)
class FeedRequest:
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FeedAnswer:
    status: int
    headers: Mapping[str, str]  # names in lower case
    body: bytes = b""


class FeedTransport(Protocol):
    def get(self, request: FeedRequest, *, max_bytes: int, deadline_seconds: float) -> FeedAnswer:
        """GET the URL; FeedUnavailable when it cannot be reached in time, FeedRefused when it may
        not be reached at all or answers with more than ``max_bytes``."""
        ...


def trusted_local_url(url: str) -> bool:
    """Whether ``url`` is a plain ``http`` address (no credentials) whose ``host:port`` is named in
    ``ORION_IMPORT_FETCH_TRUSTED_HOSTS``: a local feed, exempt from https and the allowed hosts."""
    try:
        parts = urlsplit(url)
        port = parts.port or 80
    except ValueError:
        return False
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme != "http" or not host or parts.username or parts.password:
        return False
    return f"{host}:{port}" in get_settings().import_fetch_trusted_hosts


class PublicFeedTransport:
    """The network, kept on the public internet (and on loopback for a trusted local feed)."""

    def get(self, request: FeedRequest, *, max_bytes: int, deadline_seconds: float) -> FeedAnswer:
        host = (urlsplit(request.url).hostname or "").rstrip(".").lower()
        try:
            return self._get(request, host, max_bytes, deadline_seconds)
        except net.NETWORK_ERRORS as exc:
            raise _unreached(net.failure_of(exc), host, max_bytes, deadline_seconds) from None

    def _get(self, request: FeedRequest, host: str, max_bytes: int, deadline_seconds: float) -> FeedAnswer:
        """The request over the network (orion.net's errors pass through: :meth:`get` words them)."""
        timeout = min(10.0, deadline_seconds)
        parts = urlsplit(request.url)
        connection: http.client.HTTPConnection
        if trusted_local_url(request.url):
            port = parts.port or 80
            addresses = net.resolve(host, port, timeout)
            if not all(net.loopback_address(a) for a in addresses):
                raise FeedRefused(phrase(messages.TRUSTED_ONLY_AT_LOOPBACK, host=host))
            connection = http.client.HTTPConnection(addresses[0], port, timeout=timeout)
            host_header = host if port == 80 else f"{host}:{port}"
        else:
            check_feed_url(request.url)
            if parts.scheme != "https":
                raise FeedRefused(phrase(messages.SOURCES_HTTPS_ONLY))
            if net.local_name(host):
                raise FeedRefused(phrase(messages.NOT_PUBLIC_HOST, host=host))
            addresses = net.resolve(host, 443, timeout)
            if not all(net.public_address(a) for a in addresses):
                raise FeedRefused(phrase(messages.NOT_PUBLIC_ADDRESS))
            connection = net.PinnedHTTPSConnection(addresses[0], host, timeout)
            host_header = host
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": USER_AGENT, "Host": host_header, **request.headers}
        deadline = time.monotonic() + deadline_seconds
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            answered = {name.lower(): value for name, value in response.getheaders()}
            declared = answered.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise net.BodyTooLarge
            body = net.read_body(
                connection, response, max_bytes=max_bytes, deadline=deadline, idle_seconds=timeout
            )
            return FeedAnswer(response.status, answered, body)
        finally:
            connection.close()


def _unreached(
    failure: net.Failure, host: str, max_bytes: int, deadline_seconds: float
) -> FeedRefused | FeedUnavailable:
    """A network failure as the feed's error: a feed too large or a host without a valid certificate is
    refused, anything else is worth trying again."""
    match failure:
        case net.Failure.NOT_FOUND:
            return FeedUnavailable(phrase(messages.NOT_FOUND, host=host))
        case net.Failure.LOOKUP_TIMED_OUT:
            return FeedUnavailable(phrase(messages.LOOKUP_TIMED_OUT, host=host))
        case net.Failure.TOO_LARGE:
            return FeedRefused(phrase(messages.TOO_LARGE, mb=max_bytes // (1024 * 1024)))
        case net.Failure.TOO_SLOW:
            return FeedUnavailable(phrase(messages.TOO_SLOW, host=host, seconds=f"{deadline_seconds:.0f}"))
        case net.Failure.NO_ANSWER:
            return FeedUnavailable(phrase(messages.NO_ANSWER_IN_TIME, host=host))
        case net.Failure.BAD_CERTIFICATE:
            return FeedRefused(phrase(messages.NO_VALID_CERTIFICATE, host=host))
        case net.Failure.UNREACHABLE:
            return FeedUnavailable(phrase(messages.UNREACHABLE, host=host))


def _retry_after(answer: FeedAnswer) -> float | None:
    value = answer.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def fetch(
    transport: FeedTransport,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    sleep: Callable[[float], None] = time.sleep,
) -> FeedAnswer:
    """The feed's answer: 200 with its bytes or 304 (unchanged). Timeouts, connection errors, 429 and
    5xx are tried ``import_source_fetch_attempts`` times with exponential backoff and jitter (a
    ``Retry-After`` is respected up to a cap), then FeedUnavailable; a redirect or another status is
    FeedRefused at once."""
    settings = get_settings()
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = FeedRequest(url, headers)
    attempts = settings.import_source_fetch_attempts
    for attempt in range(1, attempts + 1):
        try:
            answer = transport.get(
                request,
                max_bytes=settings.import_fetch_max_bytes,
                deadline_seconds=settings.import_source_fetch_deadline_seconds,
            )
            if answer.status == 429 or answer.status >= 500:
                raise FeedUnavailable(
                    phrase(messages.HOST_ANSWERED, status=answer.status), retry_after=_retry_after(answer)
                )
        except FeedUnavailable as exc:
            if attempt == attempts:
                raise FeedUnavailable(*exc.parts, phrase(messages.TRIED, n=attempts)) from None
            base = settings.import_source_retry_base_seconds * 2 ** (attempt - 1)
            wait = base + random.uniform(0, base)  # noqa: S311 - jitter, not a secret
            if exc.retry_after is not None:
                wait = max(wait, min(exc.retry_after, settings.import_source_retry_after_cap_seconds))
            sleep(wait)
            continue
        if answer.status in (200, 304):
            return answer
        if 300 <= answer.status < 400:
            raise FeedRefused(phrase(messages.REDIRECTS, status=answer.status))
        gone = answer.status in (404, 410)  # no feed at this address (a 401 or 403 is a refusal)
        raise FeedRefused(phrase(messages.NO_FEED_THERE if gone else messages.REFUSED, status=answer.status))
    raise AssertionError("unreachable")  # pragma: no cover
