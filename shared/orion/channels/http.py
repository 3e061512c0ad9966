"""HTTP to a channel's destination (a merchant's WordPress site, a Shopify shop), kept on the public
internet.

The address comes from a merchant, so it is treated like an import feed's image link: ``https`` on
port 443 only, no credentials in it, every address its name resolves to public, the connection pinned to
the checked address with TLS verified for the name, redirects never followed (a destination that moved
is an error the merchant fixes in the integration's settings), a timeout on connecting and reading, a
deadline on the whole answer and a cap on its size.

Only the hosts named in ``ORION_CHANNELS_TRUSTED_HOSTS`` (``host:port``; the test suites' local
WordPress and Shopify stand-ins, never set in a deployment) may be reached over plain ``http`` and at a
private address.

:class:`Transport` is the network: adapters take one, tests give a recording or failing one.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from orion import net
from orion.channels.errors import DestinationError, DestinationUnavailable, RemoteMissing
from orion.settings import get_settings

TIMEOUT_SECONDS = 10.0
DEADLINE_SECONDS = 30.0
MAX_ANSWER_BYTES = 20 * 1024 * 1024
USER_AGENT = "Orion-channels/1"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: Mapping[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        """The body as JSON (DestinationError when it is something else, e.g. an HTML error page)."""
        try:
            return json.loads(self.body)
        except ValueError:
            raise DestinationError(
                f"The destination answered {self.status} with something other than JSON."
            ) from None


class Transport(Protocol):
    def send(self, request: HttpRequest) -> HttpAnswer:
        """Send the request; DestinationUnavailable when the destination cannot be reached in time,
        DestinationError when its address may not be reached at all."""
        ...


class PublicTransport:
    """The network, kept on the public internet (the module's rules)."""

    def __init__(self, trusted_hosts: frozenset[str] | None = None) -> None:
        if trusted_hosts is None:
            trusted_hosts = frozenset(get_settings().channels_trusted_hosts)
        self.trusted_hosts = trusted_hosts

    def send(self, request: HttpRequest) -> HttpAnswer:
        scheme, host, port, target, trusted = self._checked(request.url)
        try:
            return self._exchange(request, scheme, host, port, target=target, trusted=trusted)
        except net.NETWORK_ERRORS as exc:
            raise _unreached(net.failure_of(exc), host) from None

    def _exchange(
        self, request: HttpRequest, scheme: str, host: str, port: int, *, target: str, trusted: bool
    ) -> HttpAnswer:
        """The request over the network (orion.net's errors pass through: :meth:`send` words them)."""
        if trusted:
            address = host
        else:
            addresses = net.resolve(host, port, TIMEOUT_SECONDS)
            if not all(net.public_address(a) for a in addresses):
                raise DestinationError(f"{host} is not on the public internet.")
            address = addresses[0]
        connection: http.client.HTTPConnection
        if scheme == "https":
            connection = net.PinnedHTTPSConnection(address, host, TIMEOUT_SECONDS, port)
        else:
            connection = http.client.HTTPConnection(address, port, timeout=TIMEOUT_SECONDS)
        headers = {"User-Agent": USER_AGENT, "Host": host if port in (80, 443) else f"{host}:{port}"}
        headers.update(request.headers)
        deadline = time.monotonic() + DEADLINE_SECONDS
        try:
            connection.request(request.method, target, body=request.body, headers=headers)
            response = connection.getresponse()
            answered = {name.lower(): value for name, value in response.getheaders()}
            declared = answered.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
                raise net.BodyTooLarge
            body = net.read_body(
                connection,
                response,
                max_bytes=MAX_ANSWER_BYTES,
                deadline=deadline,
                idle_seconds=TIMEOUT_SECONDS,
            )
            return HttpAnswer(response.status, answered, body)
        finally:
            connection.close()

    def _checked(self, url: str) -> tuple[str, str, int, str, bool]:
        """``(scheme, host, port, target, trusted)`` for an address the rules allow."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise DestinationError("The destination's address is not a valid URL.") from None
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".").lower()
        if not host or scheme not in ("https", "http"):
            raise DestinationError("The destination's address must be an https:// address.")
        if parts.username or parts.password:
            raise DestinationError("The destination's address may not carry a user name or password.")
        port = port or (443 if scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if f"{host}:{port}" in self.trusted_hosts:
            return scheme, host, port, target, True
        if scheme != "https" or port != 443:
            raise DestinationError("The destination's address must use https on port 443.")
        if net.local_name(host):
            raise DestinationError(f"{host} is not on the public internet.")
        return scheme, host, port, target, False


def _megabytes() -> int:
    return MAX_ANSWER_BYTES // (1024 * 1024)


def _unreached(failure: net.Failure, host: str) -> DestinationError:
    """A network failure as the destination's error: an answer too large or a host without a valid
    certificate is refused, anything else is worth trying again (DestinationUnavailable)."""
    match failure:
        case net.Failure.NOT_FOUND:
            return DestinationUnavailable(f"{host} could not be found.")
        case net.Failure.LOOKUP_TIMED_OUT:
            return DestinationUnavailable(f"{host} could not be looked up in time.")
        case net.Failure.TOO_LARGE:
            return DestinationError(f"{host} answered with more than {_megabytes()} MB.")
        case net.Failure.TOO_SLOW:
            return DestinationUnavailable(f"{host} took longer than {DEADLINE_SECONDS:.0f} s to answer.")
        case net.Failure.NO_ANSWER:
            return DestinationUnavailable(f"{host} did not answer in time.")
        case net.Failure.BAD_CERTIFICATE:
            return DestinationError(f"{host} has no valid certificate for its name.")
        case net.Failure.UNREACHABLE:
            return DestinationUnavailable(f"{host} could not be reached.")


def retry_after(answer: HttpAnswer) -> float | None:
    """The seconds a ``Retry-After`` header asks for (its date form is read as a minute)."""
    value = answer.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return 60.0


def check_answer(answer: HttpAnswer, what: str) -> HttpAnswer:
    """The answer when it is a success; otherwise the error it means, in words a merchant can act on:
    401/403 the credentials, 404/410 the item gone (RemoteMissing), 429 and 5xx worth retrying
    (DestinationUnavailable, with ``Retry-After``), a redirect a moved site, anything else refused."""
    status = answer.status
    if 200 <= status < 300:
        return answer
    if status in (401, 403):
        raise DestinationError(
            f"The destination refused the credentials ({status}) for {what}: check them in the integration."
        )
    if status in (404, 410):
        raise RemoteMissing(f"{what} is no longer at the destination ({status}).")
    if status == 429:
        raise DestinationUnavailable(
            f"The destination is throttling requests (429) for {what}.", retry_after=retry_after(answer)
        )
    if status >= 500:
        raise DestinationUnavailable(
            f"The destination failed ({status}) for {what}; it will be retried.",
            retry_after=retry_after(answer),
        )
    if 300 <= status < 400:
        raise DestinationError(
            f"The destination redirected ({status}) {what}: check the site address in the integration."
        )
    raise DestinationError(f"The destination refused {what} ({status}){_detail(answer)}.")


def _detail(answer: HttpAnswer) -> str:
    """A short reason from a JSON error answer (WordPress' ``message``, GraphQL's ``errors``)."""
    try:
        data = json.loads(answer.body)
    except ValueError:
        return ""
    message: object = None
    if isinstance(data, dict):
        message = data.get("message")
        if message is None and isinstance(data.get("errors"), list) and data["errors"]:
            first = data["errors"][0]
            message = first.get("message") if isinstance(first, dict) else first
        elif message is None and isinstance(data.get("errors"), str):
            message = data["errors"]
    return f": {str(message)[:300]}" if message else ""
