"""Uploaded images on AWS (docs/media.md): the media bucket served at /media/* by the storefront
distribution through Origin Access Control, variants only, cached a year; originals' events invoke the
processing function, whose failures wait in a queue an alarm watches; each function reaches the bucket
only as the wiring says."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

import pytest

from infra import wiring
from infra.edge import MEDIA_REQUEST_JS
from orion.catalog.images import variant_key
from orion.media.storage import SERVED_KEY, original_key
from orion.tenant import Tenant
from tests.infra.conftest import Assembly
from tests.infra.test_data_and_api import actions_of, granted, role_of, statements_of_role
from tests.infra.test_storefront_and_operations import alarm_metrics, distribution_config

MEDIA = wiring.bucket("media")
WIZAMART = Tenant("oms", "wizamart")
ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
SAMPLE_PATHS = {
    f"/media/{variant_key(WIZAMART, ID, 320, 'webp')}": True,
    f"/media/{variant_key(WIZAMART, ID, 1280, 'jpg')}": True,
    f"/media/{original_key(WIZAMART, ID)}": False,
    f"/media/oms/wizamart/{ID}/320.png": False,
    f"/media/oms/wizamart/{ID}/0320.webp": False,
    f"/media/oms/wizamart/{ID.lower()}/320.webp": False,
    f"/media/oms/../wizamart/{ID}/320.webp": False,
    "/media/oms/wizamart/": False,
    "/media/": False,
    f"/media/oms/wizamart/{ID}/320.webp/x": False,
}


def media_behaviour(assembly: Assembly) -> dict[str, Any]:
    (behaviour,) = [
        b for b in distribution_config(assembly)["CacheBehaviors"] if b["PathPattern"] == "/media/*"
    ]
    found: dict[str, Any] = behaviour
    return found


@pytest.mark.parametrize("fixture", ["assembly", "dev_assembly"])
def test_media_is_served_from_the_bucket_through_origin_access_control(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    assembly: Assembly = request.getfixturevalue(fixture)
    behaviour = media_behaviour(assembly)
    (origin,) = [
        o for o in distribution_config(assembly)["Origins"] if o["Id"] == behaviour["TargetOriginId"]
    ]
    (control,) = assembly.resources("storefront", "AWS::CloudFront::OriginAccessControl").values()

    assert f"{assembly.prefix}-media-" in json.dumps(origin["DomainName"])
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert "OriginAccessControlId" in origin
    assert control["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "OriginRequestPolicyId" not in behaviour  # no viewer header, cookie or query reaches S3


def test_variants_are_cached_a_year_once_for_every_host(assembly: Assembly) -> None:
    behaviour = media_behaviour(assembly)
    (policy,) = [
        p["Properties"]["CachePolicyConfig"]
        for logical_id, p in assembly.resources("storefront", "AWS::CloudFront::CachePolicy").items()
        if behaviour["CachePolicyId"] == {"Ref": logical_id}
    ]
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]

    assert policy["DefaultTTL"] == policy["MaxTTL"] == 365 * 86400
    assert policy["MinTTL"] == 86400
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"}  # not per host: one copy for every domain
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "none"}
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}


def test_the_bucket_lets_cloudfront_read_served_endings_only_and_nobody_else(assembly: Assembly) -> None:
    buckets = assembly.resources("data", "AWS::S3::Bucket")
    (logical_id,) = [
        k for k, b in buckets.items() if "-media-" in json.dumps(b["Properties"].get("BucketName"))
    ]
    bucket = buckets[logical_id]["Properties"]
    (policy,) = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in assembly.resources("data", "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": logical_id}
    ]
    cloudfront = [s for s in policy if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    reads = next(s for s in cloudfront if s["Action"] == "s3:GetObject")

    assert bucket["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert bucket["NotificationConfiguration"]["EventBridgeConfiguration"]["EventBridgeEnabled"] is True
    assert sorted(json.dumps(r).split("/*")[-1].strip('"]}') for r in reads["Resource"]) == [".jpg", ".webp"]
    for statement in cloudfront:
        assert statement["Effect"] == "Allow"
        assert ":distribution/*" in json.dumps(statement["Condition"]["StringLike"]["AWS:SourceArn"])
    assert not [s for s in policy if s.get("Principal") == {"AWS": "*"} and s["Effect"] == "Allow"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run the function")
def test_the_edge_serves_exactly_the_shapes_the_local_gateway_serves() -> None:
    runner = (
        "const fs = require('fs'); eval(fs.readFileSync(process.argv[1], 'utf8'));"
        "const uris = JSON.parse(fs.readFileSync(0, 'utf8'));"
        "const event = u => ({request: {uri: u, querystring: {a: {value: '1'}}, headers: {}}});"
        "process.stdout.write(JSON.stringify(uris.map(u => handler(event(u)))));"
    )
    uris = list(SAMPLE_PATHS)
    result = subprocess.run(
        ["node", "-e", runner, str(MEDIA_REQUEST_JS)],
        input=json.dumps(uris),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    answers = json.loads(result.stdout)
    local = re.compile(MEDIA.served_keys or "")
    for uri, answer in zip(uris, answers, strict=True):
        served = SAMPLE_PATHS[uri]
        if served:
            assert answer["uri"] == uri.removeprefix("/media")  # the bucket's key
            assert answer["querystring"] == {}
        else:
            assert answer["statusCode"] == 404, uri
        assert bool(local.fullmatch(uri.removeprefix("/media/"))) is served, uri
        assert bool(SERVED_KEY.fullmatch(uri.removeprefix("/media/"))) is served, uri


def test_the_served_rule_is_one_rule() -> None:
    assert MEDIA.served_keys == SERVED_KEY.pattern
    assert MEDIA.served_at == "/media/"


def test_originals_invoke_the_processing_function_with_retries_and_a_failure_queue(
    assembly: Assembly,
) -> None:
    (rule,) = [
        r["Properties"]
        for r in assembly.resources("imports", "AWS::Events::Rule").values()
        if r["Properties"]["Name"].endswith("-media-originals")
    ]
    (target,) = rule["Targets"]
    (config,) = assembly.resources("api", "AWS::Lambda::EventInvokeConfig").values()
    permissions = [
        p["Properties"]
        for p in assembly.resources("imports", "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "events.amazonaws.com"
    ]

    assert rule["EventPattern"]["detail"]["object"]["key"] == [{"wildcard": "*/*/originals/*"}]
    assert f"{assembly.prefix}-media-" in json.dumps(rule["EventPattern"]["detail"]["bucket"])
    assert "Aliasmediaprocess" in json.dumps(target["Arn"])
    assert "Arn" in target["DeadLetterConfig"]
    assert [p for p in permissions if "Aliasmediaprocess" in json.dumps(p["FunctionName"])]
    assert config["Properties"]["MaximumRetryAttempts"] == 2
    assert "AsyncFailuresmediaprocess" in json.dumps(config["Properties"]["DestinationConfig"])
    alarms = assembly.resources("observability", "AWS::CloudWatch::Alarm").values()
    assert any("DeadLetters-async-media-process" in json.dumps(a["Properties"]["AlarmName"]) for a in alarms)
    assert "ApproximateNumberOfMessagesVisible" in alarm_metrics(assembly)


def test_each_function_reaches_the_media_bucket_only_as_the_wiring_says(assembly: Assembly) -> None:
    uploader = statements_of_role(assembly, role_of(assembly, "staff_media"))
    processor = statements_of_role(assembly, role_of(assembly, "media-process"))
    storefront = statements_of_role(assembly, role_of(assembly, "storefront"))
    catalogue = statements_of_role(assembly, role_of(assembly, "staff_catalog"))

    assert ("bucket", "media") in granted(assembly, uploader)
    assert {"s3:PutObject"} <= actions_of(uploader)  # a presigned POST is a PutObject signed by this role
    assert not {"s3:GetObject", "s3:DeleteObject"} & actions_of(uploader)
    assert {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} <= actions_of(processor)
    assert ("bucket", "media") not in granted(assembly, storefront)  # pages name variants, never read them
    assert ("bucket", "media") not in granted(assembly, catalogue)  # products read media records only
