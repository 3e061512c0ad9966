"""The local cloud's execution environments: one process per concurrent invocation of a function, as
Lambda scales out, with Lambda's failure modes (handler errors, timeouts, crashes, import errors)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from infra import wiring
from infra.local.environments import EnvironmentPool, FunctionError, FunctionTimeout

HANDLERS = "tests.integration.local_cloud.environment_handlers"


def function(handler: str, timeout_seconds: int = 30) -> wiring.Function:
    return wiring.Function(
        name=f"test-{handler}",
        handler=f"{HANDLERS}.{handler}",
        description="",
        timeout_seconds=timeout_seconds,
    )


@pytest.fixture
def pools() -> Iterator[list[EnvironmentPool]]:
    made: list[EnvironmentPool] = []
    yield made
    for pool in made:
        pool.close()


def pool_of(pools: list[EnvironmentPool], fn: wiring.Function, limit: int) -> EnvironmentPool:
    pool = EnvironmentPool(fn, limit)
    pools.append(pool)
    return pool


def test_concurrent_invocations_run_in_separate_processes_up_to_the_limit(
    pools: list[EnvironmentPool],
) -> None:
    pool = pool_of(pools, function("report"), limit=3)
    with ThreadPoolExecutor(max_workers=6) as threads:
        answers = list(threads.map(lambda n: pool.invoke({"hold": 1.0, "echo": n}), range(6)))
    assert [a["echo"] for a in answers] == list(range(6))
    assert len({a["pid"] for a in answers}) == 3  # scaled out to the limit, then reused
    assert os.getpid() not in {a["pid"] for a in answers}
    assert len({a["request_id"] for a in answers}) == 6
    assert pool.size == 3


def test_a_warm_environment_serves_the_next_invocation(pools: list[EnvironmentPool]) -> None:
    pool = pool_of(pools, function("report"), limit=4)
    first, second = pool.invoke({}), pool.invoke({})
    assert first["pid"] == second["pid"]
    assert pool.size == 1


def test_a_handler_error_keeps_its_type_and_message_and_the_environment(pools: list[EnvironmentPool]) -> None:
    pool = pool_of(pools, function("fail"), limit=1)
    with pytest.raises(FunctionError) as raised:
        pool.invoke({"key": "sku-1"})
    assert raised.value.error_type == "LookupError"
    assert str(raised.value) == "nothing for sku-1"
    assert "LookupError" in raised.value.trace
    assert pool.size == 1  # a handled error does not cost the warm environment


def test_a_timed_out_invocation_is_stopped_and_the_next_one_gets_a_fresh_environment(
    pools: list[EnvironmentPool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORION_LOCAL_TIMEOUT_FACTOR", "1")
    pool = pool_of(pools, function("report", timeout_seconds=1), limit=1)
    warm = pool.invoke({})["pid"]
    with pytest.raises(FunctionTimeout):
        pool.invoke({"hold": 30})
    assert pool.size == 0
    assert pool.invoke({})["pid"] != warm


def test_a_crash_is_a_failed_invocation_not_a_hung_one(pools: list[EnvironmentPool]) -> None:
    pool = pool_of(pools, function("crash"), limit=1)
    with pytest.raises(FunctionError) as raised:
        pool.invoke({})
    assert raised.value.error_type == "Runtime.ExitError"
    assert pool.size == 0


def test_a_handler_that_cannot_be_imported_fails_every_invocation(pools: list[EnvironmentPool]) -> None:
    pool = pool_of(pools, function("no_such_handler"), limit=1)
    for _ in range(2):
        with pytest.raises(FunctionError) as raised:
            pool.invoke({})
        assert raised.value.error_type == "Runtime.ImportModuleError"
