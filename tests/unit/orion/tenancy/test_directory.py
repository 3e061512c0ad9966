"""The cached tenant directory: what it reads, when, and what it refuses."""

from __future__ import annotations

from collections.abc import Sequence

from orion.tenancy.directory import TenantDirectory
from orion.tenancy.models import DomainRecord, Platform, Store, StoreStatus
from orion.tenancy.repository import Profiles, TenancyRepository
from orion.tenant import Tenant

OMS = Platform(code="oms", name="OMS", domains=("oms.lu",))


class FakeRepository(TenancyRepository):
    def __init__(self) -> None:  # no table binding: nothing here touches AWS
        self.domain_calls: list[tuple[str, ...]] = []
        self.profile_calls: list[Tenant] = []
        self.stores = {
            "wizamart": Store(platform="oms", code="wizamart", name="Wizamart", merchant_id="m1"),
            "closed": Store(
                platform="oms", code="closed", name="Closed", merchant_id="m2", status=StoreStatus.SUSPENDED
            ),
        }

    def lookup_domains(self, hosts: Sequence[str]) -> dict[str, DomainRecord]:
        self.domain_calls.append(tuple(hosts))
        return {"oms.lu": DomainRecord("oms.lu", "oms")} if "oms.lu" in hosts else {}

    def load_profiles(self, platform: str, store: str | None) -> Profiles:
        self.profile_calls.append(Tenant(platform, store))
        return Profiles((OMS if platform == "oms" else None), self.stores.get(store or ""))


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_warm_cache_reads_nothing_and_expires_after_ttl() -> None:
    repo, clock = FakeRepository(), Clock()
    directory = TenantDirectory(repo, ttl=60, clock=clock)
    first = directory.resolve("wizamart.oms.lu", "/")
    assert first is not None and first.store is not None and first.store.name == "Wizamart"
    assert (len(repo.domain_calls), len(repo.profile_calls)) == (1, 1)

    directory.resolve("wizamart.oms.lu", "/products")
    assert (len(repo.domain_calls), len(repo.profile_calls)) == (1, 1)

    clock.now = 61
    directory.resolve("wizamart.oms.lu", "/")
    assert (len(repo.domain_calls), len(repo.profile_calls)) == (2, 2)


def test_suspended_and_missing_stores_are_not_served() -> None:
    directory = TenantDirectory(FakeRepository(), ttl=60)
    assert directory.resolve("closed.oms.lu", "/") is None
    assert directory.resolve("ghost.oms.lu", "/") is None


def test_unknown_hosts_are_remembered_too() -> None:
    repo = FakeRepository()
    directory = TenantDirectory(repo, ttl=60)
    assert directory.resolve("nobody.example", "/") is None
    assert directory.resolve("nobody.example", "/") is None
    assert len(repo.domain_calls) == 1
    assert repo.profile_calls == []
