"""The local HTTP gateway: requests -> API Gateway v2 events -> the wiring table's handlers."""

from __future__ import annotations

import json
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import urlsplit

from infra import wiring
from infra.local import edge, feeds, invoke, media
from infra.local.environments import FunctionError
from infra.local.events import http_api_event, lambda_result_to_http
from infra.local.routing import RouteTable

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's request payload limit
# Dev only: how many execution environments each function has started (the local cloud's own page).
ENVIRONMENTS_PATH = "/_dev/environments"


class GatewayHandler(BaseHTTPRequestHandler):
    routes: ClassVar[RouteTable]
    quiet: ClassVar[bool] = False
    protocol_version = "HTTP/1.1"
    server_version = "orion-local-gateway"

    def _handle(self) -> None:
        started = time.monotonic()
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_PAYLOAD_BYTES:
            self._send(413, [("Content-Type", "application/json")], b'{"message":"Request Entity Too Large"}')
            return
        body = self.rfile.read(length) if length else b""
        if split.path == ENVIRONMENTS_PATH and self.command == "GET":
            counts = {
                fn.name: invoke.environment_count(fn.name) for fn in wiring.FUNCTIONS + wiring.LOCAL_FUNCTIONS
            }
            self._send(200, [("Content-Type", "application/json")], json.dumps(counts).encode())
            return
        if media.serves(split.path):  # CloudFront's /media/* behaviour: the bucket, not a function
            served = media.serve(self.command, split.path, self.headers)
            self._send(served.status, served.headers, served.body)
            self._log(served.status, started, "media")
            return
        if feeds.serves(split.path):  # the demo feeds of saved sources: the local cloud's own
            served = feeds.serve(self.command, split.path, self.headers)
            self._send(served.status, served.headers, served.body)
            self._log(served.status, started, "feeds")
            return
        match = self.routes.match(self.command, split.path or "/")
        if match is None:
            self._send(404, [("Content-Type", "application/json")], b'{"message":"Not Found"}')
            self._log(404, started, "-")
            return
        event = http_api_event(
            method=self.command,
            path=split.path or "/",
            query=split.query,
            # API Gateway adds X-Forwarded-Proto; the local gateway speaks plain HTTP.
            headers=[*self.headers.items(), ("X-Forwarded-Proto", "http")],
            body=body,
            source_ip=self.client_address[0],
            route_key=match.route.key,
            path_parameters=match.path_parameters,
        )
        try:
            result = lambda_result_to_http(invoke.invoke(match.function, event))
        except Exception as error:  # a failed invocation: API Gateway answers 500
            if isinstance(error, FunctionError):  # raised in the function's environment: its own trace
                sys.stderr.write(f"{match.function.name} failed: {error.error_type}: {error}\n{error.trace}")
            else:
                traceback.print_exc()
            self._send(500, [("Content-Type", "application/json")], b'{"message":"Internal Server Error"}')
            self._log(500, started, match.function.name)
            return
        headers, body = edge.compress(
            self.headers.get("Accept-Encoding"), result.headers, result.body, head=self.command == "HEAD"
        )
        self._send(result.status, headers, body)
        self._log(result.status, started, match.function.name)

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        # A HEAD answer names the length the GET's body has, when it is known (a compressed one's is not).
        length: str | None = str(len(body)) if body or self.command != "HEAD" else None
        for name, value in headers:
            if name.lower() == "content-length" and self.command == "HEAD":
                length = value
            elif name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", length)
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(body)

    def _log(self, status: int, started: float, function: str) -> None:
        if not self.quiet:
            took = (time.monotonic() - started) * 1000
            host = self.headers.get("Host", "-")
            sys.stderr.write(f"{self.command} {host}{self.path} -> {status} [{function}] {took:.0f} ms\n")

    def log_message(self, format: str, *args: object) -> None:  # the access log above replaces this
        return

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _handle


class GatewayServer(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a burst of simultaneous shoppers (or a concurrency
    # test) overflows it on a busy machine and connections fail before a thread picks them up.
    # API Gateway absorbs bursts, so the local gateway queues them too.
    request_queue_size = 512
    daemon_threads = True


def make_gateway(host: str, port: int, *, quiet: bool = False) -> ThreadingHTTPServer:
    routes = RouteTable(wiring.FUNCTIONS + wiring.LOCAL_FUNCTIONS)
    handler = type("Gateway", (GatewayHandler,), {"routes": routes, "quiet": quiet})
    return GatewayServer((host, port), handler)


def problem(status: int, message: str) -> bytes:
    return json.dumps({"message": message, "status": status}).encode()
