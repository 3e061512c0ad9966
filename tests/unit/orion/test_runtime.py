"""The runtime seam owns one instance per data-access class and per singleton, and forgets them all
on reset, together with the settings they were built from."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orion import runtime
from orion.settings import get_settings
from tests.environment import REPO_ROOT


class FakeRepository:
    made = 0

    def __init__(self) -> None:
        FakeRepository.made += 1


def test_a_repository_is_made_once_per_process_and_again_after_a_reset() -> None:
    first = runtime.repository(FakeRepository)
    assert runtime.repository(FakeRepository) is first
    runtime.reset()
    assert runtime.repository(FakeRepository) is not first


def test_a_test_can_substitute_a_fake_until_the_next_reset() -> None:
    fake = FakeRepository()
    runtime.substitute(FakeRepository, fake)
    assert runtime.repository(FakeRepository) is fake
    runtime.reset()
    assert runtime.repository(FakeRepository) is not fake


def test_a_singleton_is_rebuilt_from_the_settings_of_the_moment_after_a_reset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    @runtime.singleton
    def table_of_the_moment() -> str:
        return get_settings().table_name

    assert table_of_the_moment() == "orion"
    monkeypatch.setenv("ORION_TABLE_NAME", "orion-other")
    assert table_of_the_moment() == "orion"  # kept warm: the environment is read once
    runtime.reset()
    assert table_of_the_moment() == "orion-other"


def loaded_while_collecting(folder: str) -> list[str]:
    """The moto and local-cloud modules that collecting ``folder`` (conftests and test modules) loads."""
    probe = (
        "import sys, pytest\n"
        f"code = pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', {folder!r}])\n"
        "loaded = sorted(m for m in sys.modules if m == 'moto' or m.startswith(('moto.', 'infra.local')))\n"
        "print('LOADED', ','.join(loaded))\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], check=False, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("LOADED"))
    return [name for name in line.removeprefix("LOADED ").split(",") if name]


# (slow: it imports every unit test module in a fresh interpreter; make test-deep runs it in CI)
@pytest.mark.slow
def test_unit_tests_need_no_moto_and_orion_s_need_no_local_cloud() -> None:
    assert [m for m in loaded_while_collecting("tests/unit") if "moto" in m] == []
    assert loaded_while_collecting("tests/unit/orion") == []
