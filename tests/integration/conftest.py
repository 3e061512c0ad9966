"""Integration fixtures: a moto account provisioned from the wiring table, and the demo data.

Provisioning and seeding take seconds; each runs once per test process and every later test gets a
fresh copy of the account they left (tests/integration/moto_state.py), so tests stay isolated.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from infra.local.provision import provision
from orion import runtime
from tests.integration.moto_state import AccountStates


@pytest.fixture(scope="session")
def account_states() -> AccountStates:
    """The moto accounts this test process has built so far, by name."""
    return AccountStates()


@pytest.fixture
def aws(account_states: AccountStates) -> Iterator[None]:
    """A fresh moto account with every table, bucket and secret of the wiring table."""
    with mock_aws():
        account_states.restore_or_build("provisioned", provision)
        runtime.reset()
        yield


@pytest.fixture
def demo(aws: None, account_states: AccountStates) -> list[str]:
    """The demo platforms, stores and data that `make run` seeds."""
    from infra.local.demo import seed_demo

    lines = account_states.restore_or_build("demo", seed_demo)
    runtime.reset()  # every test starts cold, whether it seeded or restored
    return lines
