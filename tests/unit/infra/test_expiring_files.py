"""Files that expire by their tag (infra/wiring.py, ``expire_tagged``): a saved source's run files expire
as its run items do (docs/imports.md, Saved sources); the source's other files stay while it does."""

from __future__ import annotations

from infra import wiring
from orion.imports.sources.repository import RUN_KEPT
from orion.imports.storage import EXPIRY_TAG, is_source_run_file, source_prefix
from orion.tenant import Tenant

PREFIX = source_prefix(Tenant("oms", "wizamart"), "01J0000000000000000000SRC1")
RUN = "01J0000000000000000000RUN1"


def test_the_tag_orion_writes_is_one_the_uploads_bucket_expires_with_the_runs() -> None:
    key, value = EXPIRY_TAG.split("=")
    assert key == wiring.EXPIRY_TAG
    assert wiring.bucket("uploads").expire_tagged[value] == RUN_KEPT.days == 90


def test_only_a_runs_files_are_tagged_to_expire() -> None:
    assert PREFIX == "sources/oms/wizamart/01J0000000000000000000SRC1/"
    assert is_source_run_file(f"{PREFIX}runs/{RUN}/fr.txt")
    assert is_source_run_file(f"{PREFIX}runs/{RUN}/publish.txt")
    assert not is_source_run_file(f"{PREFIX}known.txt")
    assert not is_source_run_file(f"{PREFIX}present-fr.txt")
    assert not is_source_run_file(f"uploads/oms/wizamart/{RUN}/runs.csv")
    assert not is_source_run_file(f"work/oms/wizamart/{RUN}/runs/{RUN}/x.txt")
