"""Whatever the Host says, no HTTP function answers a 5xx: a Host that is not a host (a bad port, an IPv6
literal, several colons, nothing, too long, raw Unicode, control characters) is a 400 from every
function of the wiring table before its framework reads it (problem+json for the APIs and health, a
page for shoppers), and a well-formed host that serves nothing keeps its 404."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra import wiring
from infra.local import invoke
from infra.local.events import HttpResult, http_api_event, lambda_result_to_http

HTTP_FUNCTIONS = tuple(fn for fn in wiring.FUNCTIONS + wiring.LOCAL_FUNCTIONS if fn.routes)
# Functions on store hosts that browsers see (pages); Stripe's and Shopify's webhooks there answer
# machines only.
WEBHOOKS = frozenset({"payments_webhook", "channels_webhook"})
SHOPPER_FUNCTIONS = frozenset(fn.name for fn in HTTP_FUNCTIONS if fn.shopper and fn.name not in WEBHOOKS)
# The hosts the issue named, and one of each other kind of garbage.
MALFORMED = (
    "wizamart.oms.localhost:abc",
    "[::1]:8200",
    "host:1:2",
    "wizamart.oms.localhost:",
    "wizamart.oms.localhost:65536",
    "",
    "   ",
    "a" * 64 + ".oms.localhost",
    ("abcdefghi." * 26) + "oms.localhost",  # 273 characters of valid labels
    "wïzamart.oms.localhost",
    "xn--zz.oms.localhost",  # an IDN label that is not punycode
    "wizamart.oms.localhost\x00",
    "wizamart\r\n.oms.localhost",
    "wizamart.oms.localhost,bakery.oms.localhost",  # two Host headers, joined by API Gateway
)
# An HTTP API event carries the header as JSON text, so anything a string can hold may arrive.
NOT_ASCII = st.characters(min_codepoint=0x80)
CONTROL = st.characters(max_codepoint=0x1F) | st.just("\x7f")
LABELS = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?", fullmatch=True)
NAMES = st.lists(LABELS, min_size=1, max_size=4).map(".".join)
PORTS = st.integers(0, 65535).map(str)
WELL_FORMED = st.builds(lambda name, port: f"{name}:{port}" if port else name, NAMES, st.none() | PORTS)


def _between(junk: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``junk`` inside a host name (at its ends, spaces and tabs would be the header's own padding)."""
    return st.builds("{}{}{}".format, NAMES, junk, NAMES)


MALFORMED_HOSTS = st.one_of(
    # a port that is not one: no digits at all (or none), too large, or more colons
    st.builds("{}:{}".format, NAMES, st.text(st.characters(exclude_categories=["Nd"]), max_size=8)),
    st.builds("{}:{}".format, NAMES, st.integers(65536, 10**9)),
    st.builds("{}:{}:{}".format, NAMES, PORTS, PORTS),
    # IPv6 literals, with or without a port
    st.builds(lambda ip, port: f"[{ip}]{port}", st.ip_addresses(v=6), st.just("") | PORTS.map(":{}".format)),
    # over-long: a label over 63 characters, or a name over 253
    st.builds(lambda name, n: f"{'x' * n}.{name}", NAMES, st.integers(64, 300)),
    st.builds(lambda name, n: "abcdefghij." * n + name, NAMES, st.integers(23, 40)),
    # raw Unicode, control characters, spaces inside
    _between(NOT_ASCII),
    _between(CONTROL),
    _between(st.sampled_from([" ", "/", "@", "_", "..", "[", "]"])),
    st.sampled_from(["", " ", "\t", ".", ":", "::", "[", "]"]),
)


def request_to(
    fn: wiring.Function, host: str, *, method: str | None = None, json_client: bool = False
) -> HttpResult:
    """A request to ``fn``'s first route (parameters filled in), as API Gateway sends it, through the
    function's Lambda entry; the HTTP answer."""
    route = fn.routes[0]
    path = re.sub(r"\{[^}]+\}", "x", route.path)
    parameters = {name.rstrip("+"): "x" for name in re.findall(r"\{([^}]+)\}", route.path)}
    verb = method or ("GET" if route.method == "ANY" else route.method)
    headers = [("host", host), ("accept", "application/json" if json_client else "text/html")]
    event = http_api_event(
        method=verb, path=path, headers=headers, route_key=route.key, path_parameters=parameters or None
    )
    return lambda_result_to_http(invoke.invoke(fn, event))


def header(answer: HttpResult, name: str) -> str:
    return next((v for k, v in answer.headers if k.lower() == name), "")


def assert_refused(fn: wiring.Function, answer: HttpResult, *, json_client: bool = False) -> None:
    assert answer.status == 400, (fn.name, answer.status, answer.body[:200])
    if fn.name in SHOPPER_FUNCTIONS and not json_client:
        assert header(answer, "content-type").startswith("text/html")
        assert b"This address is not valid" in answer.body
    else:
        assert header(answer, "content-type") == "application/problem+json"
        problem = json.loads(answer.body)
        assert problem["status"] == 400
        assert problem["detail"] == "The Host header does not name a host."


@pytest.mark.parametrize("fn", HTTP_FUNCTIONS, ids=lambda fn: fn.name)
def test_every_function_refuses_a_host_it_cannot_read(aws: None, fn: wiring.Function) -> None:
    for host in MALFORMED:
        assert_refused(fn, request_to(fn, host))


def test_a_request_without_a_host_is_refused(aws: None) -> None:
    for fn in HTTP_FUNCTIONS:
        event = http_api_event(method="GET", path=fn.routes[0].path, route_key=fn.routes[0].key)
        del event["headers"]
        assert lambda_result_to_http(invoke.invoke(fn, event)).status == 400, fn.name


def test_a_json_client_of_the_shop_gets_problem_json(aws: None) -> None:
    for fn in (f for f in HTTP_FUNCTIONS if f.name in SHOPPER_FUNCTIONS):
        assert_refused(fn, request_to(fn, "[::1]:8200", json_client=True), json_client=True)


def test_head_is_refused_without_a_body(aws: None) -> None:
    for fn in (f for f in HTTP_FUNCTIONS if f.answers_head):
        answer = request_to(fn, "host:1:2", method="HEAD")
        assert answer.status == 400 and answer.body == b"", fn.name


def test_a_port_header_that_is_not_a_port_is_refused(aws: None) -> None:
    """Mangum reads X-Forwarded-Port as the port when Host has none."""
    fn = wiring.function("staff_team")
    event = http_api_event(
        method="GET",
        path="/api/v1/team",
        headers=[("host", "wizamart.oms.localhost"), ("x-forwarded-port", "https")],
        route_key="ANY /api/v1/team",
    )
    answer = lambda_result_to_http(invoke.invoke(fn, event))
    assert answer.status == 400
    assert json.loads(answer.body)["detail"] == "The X-Forwarded-Port header is not a port."


@pytest.mark.parametrize("host", ["nowhere.example", "10.0.0.1:8080", "xn--bcher-kva.example"])
def test_a_well_formed_host_that_serves_nothing_keeps_the_shops_404(aws: None, host: str) -> None:
    answer = request_to(wiring.function("storefront"), host)
    assert answer.status == 404
    assert header(answer, "content-type").startswith("text/html")


EDGE_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@EDGE_SETTINGS
@given(fn=st.sampled_from(HTTP_FUNCTIONS), host=MALFORMED_HOSTS)
def test_generated_malformed_hosts_are_a_400_everywhere(aws: None, fn: wiring.Function, host: str) -> None:
    assert_refused(fn, request_to(fn, host))


@EDGE_SETTINGS
@given(fn=st.sampled_from(HTTP_FUNCTIONS), host=st.one_of(WELL_FORMED, st.text(max_size=300)))
def test_no_host_makes_any_function_fail(aws: None, fn: wiring.Function, host: str) -> None:
    assert request_to(fn, host).status < 500


def test_the_shop_still_answers_400_when_its_theme_cannot_be_read(aws: None) -> None:
    templates = boto3.resource("s3").Bucket("orion-templates")
    templates.objects.all().delete()
    templates.delete()
    for fn in (f for f in HTTP_FUNCTIONS if f.name in SHOPPER_FUNCTIONS):
        assert_refused(fn, request_to(fn, "host:1:2"))
