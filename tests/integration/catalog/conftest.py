"""The catalogue's integration tests run against one store of a fresh moto account."""

from __future__ import annotations

import pytest

from orion.tenant import Tenant
from tests.integration.catalog.inputs import WIZ


@pytest.fixture
def store(aws: None) -> Tenant:
    return WIZ
