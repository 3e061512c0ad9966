"""Integration fixtures: a moto account provisioned from the wiring table, and the demo data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from infra.local.provision import provision
from orion import runtime


@pytest.fixture
def aws() -> Iterator[None]:
    """A fresh moto account with every table, bucket and secret of the wiring table."""
    with mock_aws():
        provision()
        runtime.reset()
        yield


@pytest.fixture
def demo(aws: None) -> list[str]:
    """The demo platforms, stores and data that `make run` seeds."""
    from infra.local.demo import seed_demo

    return seed_demo()
