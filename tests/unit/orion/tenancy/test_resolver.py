"""The tenancy table of docs/architecture.md (Tenancy), row by row, and properties that must hold
for any input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orion.tenancy.models import DomainRecord, HostKind
from orion.tenancy.resolver import Resolution, resolve_tenant
from orion.tenant import Tenant

RECORDS = {
    "oms.lu": DomainRecord("oms.lu", "oms"),
    "oms.localhost": DomainRecord("oms.localhost", "oms"),
    "loyalty.lu": DomainRecord("loyalty.lu", "loyalty"),
    "shop.wizamart.lu": DomainRecord("shop.wizamart.lu", "oms", "wizamart", verified=True),
    "shop.bakery.lu": DomainRecord("shop.bakery.lu", "oms", "bakery", verified=True),
    "pending.example.com": DomainRecord("pending.example.com", "oms", "wizamart", verified=False),
}
WIZAMART = Tenant("oms", "wizamart")


class CountingLookup:
    def __init__(self, records: Mapping[str, DomainRecord] = RECORDS) -> None:
        self.records = records
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, hosts: Sequence[str]) -> Mapping[str, DomainRecord]:
        self.calls.append(tuple(hosts))
        return {h: self.records[h] for h in hosts if h in self.records}


def resolve(host: str, path: str = "/", dev: bool = False) -> Resolution | None:
    return resolve_tenant(host, path, CountingLookup(), dev_path_mode=dev)


@pytest.mark.parametrize(
    ("host", "path", "tenant", "kind", "app_path"),
    [
        ("shop.wizamart.lu", "/about", WIZAMART, HostKind.STORE, "/about"),
        ("wizamart.oms.lu", "/about", WIZAMART, HostKind.STORE, "/about"),
        ("oms.lu", "/stores/wizamart/about", WIZAMART, HostKind.STORE, "/about"),
        ("oms.lu", "/stores/wizamart", WIZAMART, HostKind.STORE, "/"),
        ("oms.lu", "/pricing", Tenant("oms"), HostKind.PLATFORM, "/pricing"),
        ("www.oms.lu", "/", Tenant("oms"), HostKind.PLATFORM, "/"),
        ("api.oms.lu", "/api/v1/admin/stores", Tenant("oms"), HostKind.API, "/api/v1/admin/stores"),
        ("wizamart.oms.localhost:8000", "/about", WIZAMART, HostKind.STORE, "/about"),
        ("WizaMart.OMS.LU.", "/", WIZAMART, HostKind.STORE, "/"),
    ],
)
def test_design_tenancy_table(host: str, path: str, tenant: Tenant, kind: HostKind, app_path: str) -> None:
    resolution = resolve(host, path)
    assert resolution is not None
    assert (resolution.tenant, resolution.host_kind, resolution.path) == (tenant, kind, app_path)


def test_dev_path_mode_on_localhost() -> None:
    resolution = resolve("localhost:8000", "/oms/stores/wizamart/about", dev=True)
    assert resolution == Resolution(WIZAMART, HostKind.STORE, "/about", "/oms/stores/wizamart")
    platform = resolve("localhost:8000", "/oms/pricing", dev=True)
    assert platform == Resolution(Tenant("oms"), HostKind.PLATFORM, "/pricing", "/oms")


def test_path_mode_keeps_its_prefix_for_links() -> None:
    resolution = resolve("oms.lu", "/stores/wizamart/products")
    assert resolution is not None and resolution.base_path == "/stores/wizamart"


def test_localhost_path_mode_is_off_outside_dev() -> None:
    assert resolve("localhost:8000", "/oms/stores/wizamart/", dev=False) is None


@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("nobody.example", "/"),  # unknown host
        ("pending.example.com", "/"),  # custom domain not verified yet
        ("x.shop.wizamart.lu", "/"),  # below a store domain is nobody
        ("oms.lu", "/stores/NOT_A_CODE/"),  # invalid store code in path mode
        ("oms.lu", "/stores/a/"),  # too short to be a code
        ("admin.oms.lu", "/"),  # reserved label, not a store
        ("", "/"),
        ("oms.lu", "relative/path"),
        ("-bad-.oms.lu", "/"),
        ("a" * 300 + ".oms.lu", "/"),
    ],
)
def test_requests_no_tenant_may_serve_are_refused(host: str, path: str) -> None:
    assert resolve(host, path) is None


def test_a_custom_domain_of_one_store_never_serves_another() -> None:
    bakery = resolve("shop.bakery.lu", "/stores/wizamart/")
    assert bakery is not None and bakery.tenant == Tenant("oms", "bakery")


def test_resolution_is_one_lookup_of_host_and_parent() -> None:
    lookup = CountingLookup()
    resolve_tenant("wizamart.oms.lu", "/", lookup)
    assert lookup.calls == [("wizamart.oms.lu", "oms.lu")]


def test_unicode_hosts_are_looked_up_in_their_idna_form() -> None:
    records = {"xn--caf-dma.lu": DomainRecord("xn--caf-dma.lu", "oms", "cafe")}
    resolution = resolve_tenant("CAFÉ.lu", "/", CountingLookup(records))
    assert resolution is not None and resolution.tenant == Tenant("oms", "cafe")


# --- properties -----------------------------------------------------------------------------------

TWO_STORES = {
    "shop-a.example": DomainRecord("shop-a.example", "oms", "alpha"),
    "shop-b.example": DomainRecord("shop-b.example", "oms", "beta"),
    "oms.lu": DomainRecord("oms.lu", "oms"),
}
ALPHA_HOSTS = st.sampled_from(["shop-a.example", "alpha.oms.lu", "ALPHA.oms.lu:443", "shop-a.example."])
ANY_TEXT = st.text(max_size=400)
PATHS = st.one_of(
    ANY_TEXT,
    st.builds(lambda rest: "/" + rest, ANY_TEXT),
    st.builds(lambda s, rest: f"/stores/{s}/{rest}", st.sampled_from(["beta", "alpha", "x"]), ANY_TEXT),
)


@settings(max_examples=400, deadline=None)
@given(host=ALPHA_HOSTS, path=PATHS)
def test_hosts_of_store_alpha_never_resolve_to_beta(host: str, path: str) -> None:
    resolution = resolve_tenant(host, path, CountingLookup(TWO_STORES), dev_path_mode=True)
    assert resolution is None or resolution.tenant == Tenant("oms", "alpha")


@settings(max_examples=600, deadline=None)
@given(
    host=st.one_of(
        ANY_TEXT,
        st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
        st.builds(lambda label, port: f"{label}.oms.lu:{port}", ANY_TEXT, st.integers(-5, 999999)),
        st.text(alphabet="abc.-:[]1", max_size=600),
        st.just("a." * 200 + "oms.lu"),
    ),
    path=PATHS,
    dev=st.booleans(),
)
def test_resolver_never_raises_on_garbage(host: str, path: str, dev: bool) -> None:
    resolution = resolve_tenant(host, path, CountingLookup(TWO_STORES), dev_path_mode=dev)
    if resolution is not None:
        assert resolution.path.startswith("/")
        assert resolution.tenant.platform == "oms" or dev
