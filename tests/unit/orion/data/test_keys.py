"""Key builders: every tenant key starts with its tenant, no code can break the layout, and no code
reads the table with a Scan (docs/architecture.md, Data: one DynamoDB table)."""

from __future__ import annotations

import ast
import inspect
import typing
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from orion.data import keys

ROOT = Path(__file__).resolve().parents[4]
# Places allowed a Scan: none (the local cloud's outbox printer and listing read per platform now).
SCAN_ALLOWED: frozenset[str] = frozenset()
# Key families that belong to no tenant: host lookups, and the counters of a tenant prefix given whole.
GLOBAL_PARTITIONS = frozenset({"domain_pk", "counters_pk"})


def partition_builders() -> dict[str, Callable[..., str]]:
    """Every function of orion.data.keys that builds a partition key (of the table or an index)."""
    return {
        name: builder
        for name, builder in vars(keys).items()
        if inspect.isfunction(builder)
        and builder.__module__ == keys.__name__
        and name.endswith(("_pk", "_gsi1pk", "_gsi2pk"))
    }


def call_with(builder: Callable[..., str], **given: str) -> str:
    """Call ``builder`` with the tenant codes ``given`` and a plain value of its type for the rest."""
    plain: dict[type, object] = {str: "v1", int: 7, date: date(2026, 1, 2)}
    hints = typing.get_type_hints(builder)
    arguments = {
        name: given[name] if name in given else plain[hints[name]]
        for name in inspect.signature(builder).parameters
    }
    return builder(**arguments)


@pytest.mark.parametrize(("platform", "store"), [("oms", "wizamart"), ("p-2", "s-3")])
def test_every_partition_key_starts_with_the_tenant_it_was_given(platform: str, store: str) -> None:
    platform_prefix, store_prefix = keys.platform_pk(platform), keys.store_pk(platform, store)
    assert store_prefix.startswith(platform_prefix + keys.DELIMITER)
    tenant_keyed = {n: b for n, b in partition_builders().items() if n not in GLOBAL_PARTITIONS}
    assert len(tenant_keyed) > 40  # the introspection found the builders
    for name, builder in tenant_keyed.items():
        parameters = list(inspect.signature(builder).parameters)
        assert parameters[0] == "platform", f"{name} must take the tenant first"
        key = call_with(builder, platform=platform, store=store)
        expected = store_prefix if parameters[1:2] == ["store"] else platform_prefix
        assert key == expected or key.startswith(expected + keys.DELIMITER), (name, key)


def test_counters_belong_to_the_tenant_prefix_they_are_given() -> None:
    for prefix in (keys.platform_pk("oms"), keys.store_pk("oms", "wizamart")):
        assert keys.counters_pk(prefix).startswith(prefix + keys.DELIMITER)
    with pytest.raises(keys.InvalidKeyPart):
        keys.counters_pk(keys.domain_pk("shop.example.com"))


def test_one_store_prefix_is_never_a_prefix_of_another_store() -> None:
    # "P#oms#S#wiz" must not match items of "wizamart" in a begins_with query: keys add a delimiter.
    short, long = keys.store_pk("oms", "wiz"), keys.store_pk("oms", "wizamart")
    assert not (long + "#").startswith(short + "#")


@pytest.mark.parametrize("bad", ["OMS", "o", "om#s", "a/b", "x" * 41, "", "ö-shop"])
def test_codes_that_could_break_keys_are_refused(bad: str) -> None:
    with pytest.raises(keys.InvalidKeyPart):
        keys.store_pk("oms", bad)
    with pytest.raises(keys.InvalidKeyPart):
        keys.platform_pk(bad)


def test_domain_keys_refuse_the_delimiter() -> None:
    assert keys.domain_pk("shop.wizamart.lu").endswith("shop.wizamart.lu")
    with pytest.raises(keys.InvalidKeyPart):
        keys.domain_pk("a#b")


def test_every_access_pattern_is_named_once_and_tenant_keyed() -> None:
    names = [p.name for p in keys.ACCESS_PATTERNS]
    assert len(names) == len(set(names))
    # Two global families only: host lookups (DOMAIN#) and the list of platforms (a GSI partition over
    # the platform items, for scheduled tasks that run per platform).
    for pattern in keys.ACCESS_PATTERNS:
        assert pattern.key.startswith(
            ("PK=P#<p>", "PK=DOMAIN#", "GSI1PK=P#<p>", "GSI2PK=P#<p>", f"GSI1PK={keys.PLATFORMS_GSI1PK},")
        ), pattern


# --- no Scan ---------------------------------------------------------------------------------------

# PynamoDB's Model.scan, boto3's client/table scan, and PartiQL (whose SELECT without a key scans).
SCAN_ATTRIBUTES = frozenset({"scan", "parallel_scan", "rate_limited_scan", "execute_statement"})
SCAN_ATTRIBUTES |= {"batch_execute_statement"}


def scans_in(source: str) -> list[int]:
    """Lines of ``source`` that read a table with a Scan (or may, through PartiQL)."""
    found: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in SCAN_ATTRIBUTES:
            found.append(node.lineno)
        elif isinstance(node, ast.Call) and any(
            isinstance(arg, ast.Constant) and arg.value in {"scan", "Scan", *SCAN_ATTRIBUTES}
            for arg in node.args
        ):
            found.append(node.lineno)  # get_paginator("scan"), getattr(table, "scan"), ...
    return found


def test_no_code_reads_the_table_with_a_scan() -> None:
    sources = [
        path
        for folder in ("shared/orion", "functions", "infra")
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]
    assert len(sources) > 100
    scans = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in sources
        if path.relative_to(ROOT).as_posix() not in SCAN_ALLOWED
        for line in scans_in(path.read_text())
    }
    assert scans == set()


def test_the_scan_check_finds_every_way_to_write_one() -> None:
    for allowed in SCAN_ALLOWED:
        assert scans_in((ROOT / allowed).read_text()), f"{allowed} no longer scans: drop it from the list"
    for source in (
        "for item in OutboxItem.scan(): ...",
        "aws_client('dynamodb').scan(TableName='orion')",
        "pages = client.get_paginator('scan')",
        "rows = getattr(table, 'scan')()",
        "client.execute_statement(Statement='SELECT * FROM orion')",
    ):
        assert scans_in(source) == [1], source
    assert scans_in("Item.query(pk, scan_index_forward=False)\nOPERATIONS = {'Scan'}") == []
