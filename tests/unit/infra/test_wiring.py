"""The wiring table is consistent, every handler imports, and every route is served locally."""

from __future__ import annotations

import importlib
import re

import pytest

from infra import wiring
from infra.local.routing import RouteTable
from infra.wiring import local_environment, local_names

NAMES = [fn.name for fn in wiring.FUNCTIONS]


def sample_path(path: str) -> str:
    """A concrete path for a route template, like a request API Gateway would route to it."""
    path = re.sub(r"\{[a-z_]+\+\}", "some/deep/path", path)
    path = path.replace("{platform}", "oms").replace("{store}", "wizamart")
    return re.sub(r"\{[a-z_]+\}", "sample-1", path)


def test_names_are_unique() -> None:
    assert len(NAMES) == len(set(NAMES))
    for group in (wiring.TABLES, wiring.BUCKETS, wiring.SECRETS, wiring.STATE_MACHINES):
        names = [item.name for item in group]
        assert len(names) == len(set(names))


@pytest.mark.parametrize("name", NAMES)
def test_every_handler_imports_and_is_callable(name: str) -> None:
    fn = wiring.function(name)
    module = importlib.import_module(fn.module)
    assert callable(getattr(module, fn.attribute))


@pytest.mark.parametrize("name", NAMES)
def test_every_resource_a_function_uses_exists(name: str) -> None:
    fn = wiring.function(name)
    for table in fn.tables:
        wiring.table(table)
    for bucket in fn.buckets:
        wiring.bucket(bucket)
    assert set(fn.bucket_deletes) <= set(fn.buckets)  # the function gets the bucket's name from those
    for secret in fn.secrets:
        wiring.secret(secret)
    env = wiring.environment_of(fn, local_names())
    assert env["POWERTOOLS_SERVICE_NAME"] == f"orion-{name}"


def test_every_route_is_served_locally_by_its_function() -> None:
    routes = RouteTable()
    for fn in wiring.FUNCTIONS:
        for route in wiring.routes_of(fn, local=True):
            method = "GET" if route.method == "ANY" else route.method
            match = routes.match(method, sample_path(route.path))
            assert match is not None, route
            assert match.function.name == fn.name, (route, match.function.name)


def test_shopper_pages_and_health_answer_head_but_posts_do_not() -> None:
    routes = RouteTable()
    for path, function in (
        ("/", "storefront"),
        ("/products/mug", "storefront"),
        ("/stores/wizamart/products/mug", "storefront"),
        ("/cart", "checkout"),
        ("/health/ready", "health"),
    ):
        match = routes.match("HEAD", path)
        assert match is not None and match.function.name == function, path
    post_only = routes.match("HEAD", "/cart/items")  # falls through to the storefront's 404 page
    assert post_only is not None and post_only.function.name == "storefront"


def test_state_machines_and_rules_point_at_known_things() -> None:
    for machine in wiring.STATE_MACHINES:
        for function in machine.tasks.values():
            wiring.function(function)
    for rule in wiring.EVENT_RULES:
        assert wiring.bucket(rule.bucket).event_bridge
        if rule.target_kind is wiring.TargetKind.FUNCTION:
            assert not wiring.function(rule.target).routes  # invoked by events, never over HTTP
        else:
            assert rule.target in {m.name for m in wiring.STATE_MACHINES}


def test_local_environment_names_every_resource() -> None:
    env = local_environment()
    assert env["ORION_TABLE_NAME"] == "orion"
    assert env["ORION_TEMPLATES_BUCKET"] == "orion-templates"


def test_an_event_rule_filters_keys_by_a_prefix_or_a_wildcard_never_both_nor_neither() -> None:
    by_prefix = wiring.EventRule(name="a", bucket="uploads", prefix="uploads/", target="imports")
    by_wildcard = wiring.EventRule(
        name="b",
        bucket="media",
        prefix="",
        wildcard="*/*/originals/*",
        target="media-process",
        target_kind=wiring.TargetKind.FUNCTION,
    )

    assert by_prefix.key_filter == {"prefix": "uploads/"}
    assert by_wildcard.key_filter == {"wildcard": "*/*/originals/*"}
    for prefix, wildcard in (("", ""), ("x/", "*/x")):
        with pytest.raises(ValueError, match="prefix or a wildcard"):
            wiring.EventRule(name="c", bucket="media", prefix=prefix, wildcard=wildcard, target="t")


def test_a_served_bucket_says_which_keys_it_serves() -> None:
    for bucket in wiring.BUCKETS:
        if bucket.served_at:
            assert bucket.served_at.startswith("/") and bucket.served_at.endswith("/")
            assert (
                bucket.served_keys and bucket.served_keys.startswith("^") and bucket.served_keys.endswith("$")
            )
            assert bucket.served_suffixes


def test_queues_are_named_once_and_every_queue_a_function_uses_exists() -> None:
    names = [queue.name for queue in wiring.QUEUES]
    assert len(names) == len(set(names))
    for fn in wiring.FUNCTIONS:
        for name in wiring.queues_of(fn):
            env = wiring.environment_of(fn, local_names())
            assert env[wiring.queue(name).env] == wiring.local_queue_url(wiring.queue(name))


def test_a_queue_hides_a_taken_message_six_times_its_consumers_timeout() -> None:
    """AWS's advice for a Lambda consumer: a message is not handed to another worker while the first
    may still be running it (and its retries within the batch)."""
    consumers = [fn for fn in wiring.FUNCTIONS if fn.queue_trigger]
    assert consumers
    for fn in consumers:
        queue = wiring.queue(fn.queue_trigger or "")
        assert queue.visibility_timeout_seconds >= 6 * fn.timeout_seconds, fn.name
        assert 1 <= queue.batch_size <= 10 and queue.max_receives >= 2
        assert not fn.routes  # invoked by its queue, never over HTTP


def test_stream_functions_say_which_items_and_events_invoke_them() -> None:
    for fn in wiring.FUNCTIONS:
        if fn.table_stream:
            wiring.table(fn.table_stream)
            assert fn.stream_kinds, fn.name
            assert set(fn.stream_events) <= {"INSERT", "MODIFY", "REMOVE"} and fn.stream_events, fn.name
            assert 1 <= fn.stream_batch_size <= 10_000, fn.name  # DynamoDB streams' limit
        else:
            assert not fn.stream_kinds, fn.name


def test_the_local_stream_mapping_filters_as_the_aws_one() -> None:
    from infra.local.streams import passes_filter, stream_functions

    changes, outbox = wiring.function("channel_changes"), wiring.function("outbox_sender")

    def record(event: str, kind: str) -> dict[str, object]:
        image = "OldImage" if event == "REMOVE" else "NewImage"
        return {"eventName": event, "dynamodb": {image: {"kind": {"S": kind}}}}

    assert passes_filter(changes, record("MODIFY", "Product"))
    assert passes_filter(changes, record("REMOVE", "Variant"))
    assert not passes_filter(changes, record("INSERT", "ListingEntry"))
    assert passes_filter(outbox, record("INSERT", "OutboxEmail"))
    assert not passes_filter(outbox, record("MODIFY", "OutboxEmail"))
    # locally the dev outbox printer delivers e-mails: its stream function is not run
    assert [fn.name for fn in stream_functions()] == ["channel_changes"]
