"""The local cloud refuses a presigned POST upload as S3 would: tickets made by botocore's own signer,
as the import upload tickets are, then tampered with the way an attacker (or a bug) would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config

from infra.local.post_policy import Refusal, check_post

BUCKET = "orion-uploads"
KEY = "uploads/oms/wizamart/01JABCDEFGHJKMNPQRSTVWXYZ0/feed.csv"
OTHER_KEY = "uploads/oms/fashionhub/01JZZZZZZZZZZZZZZZZZZZZZZZ/feed.csv"
MAX_BYTES = 1000


def secret_for(access_key_id: str) -> str | None:
    return "local" if access_key_id == "local" else None


def ticket(signature_version: str = "s3v4", **options: Any) -> dict[str, str]:
    """The fields of a ticket as orion.imports.storage.ImportFiles.presigned_upload signs one."""
    s3 = boto3.client(
        "s3",
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        aws_session_token="local",
        endpoint_url="http://127.0.0.1:4566",
        config=Config(signature_version=signature_version),
    )
    post = s3.generate_presigned_post(
        Bucket=BUCKET,
        Key=options.get("key", KEY),
        Fields={"Content-Type": "text/csv"},
        Conditions=options.get(
            "conditions", [["content-length-range", 1, MAX_BYTES], {"Content-Type": "text/csv"}]
        ),
        ExpiresIn=600,
    )
    return dict(post["fields"])


def check(
    fields: dict[str, str], *, size: int = 10, bucket: str = BUCKET, at: datetime | None = None
) -> Refusal | None:
    return check_post(fields, bucket=bucket, size=size, now=at or datetime.now(UTC), secret_for=secret_for)


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_an_untouched_ticket_within_its_limits_is_accepted(version: str) -> None:
    assert check(ticket(version), size=1) is None
    assert check(ticket(version), size=MAX_BYTES) is None


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_a_ticket_whose_key_was_rewritten_to_another_stores_job_is_refused(version: str) -> None:
    fields = {**ticket(version), "key": OTHER_KEY}

    refusal = check(fields)

    assert refusal is not None
    assert (refusal.status, refusal.code) == (403, "AccessDenied")
    assert "Policy Condition failed" in refusal.message and "$key" in refusal.message


def test_an_empty_file_is_too_small() -> None:
    refusal = check(ticket(), size=0)

    assert refusal is not None
    assert (refusal.status, refusal.code) == (400, "EntityTooSmall")
    assert "<MinSizeAllowed>1</MinSizeAllowed>" in refusal.xml()


def test_a_file_over_the_range_is_too_large() -> None:
    refusal = check(ticket(), size=MAX_BYTES + 1)

    assert refusal is not None
    assert (refusal.status, refusal.code) == (400, "EntityTooLarge")


def test_an_expired_ticket_is_refused() -> None:
    refusal = check(ticket(), at=datetime.now(UTC) + timedelta(seconds=601))

    assert refusal is not None
    assert (refusal.status, refusal.code) == (403, "AccessDenied")
    assert "Policy expired" in refusal.message


def test_another_content_type_is_refused() -> None:
    refusal = check({**ticket(), "Content-Type": "text/html"})

    assert refusal is not None and refusal.code == "AccessDenied"
    assert "Content-Type" in refusal.message


def test_a_ticket_for_another_bucket_is_refused() -> None:
    refusal = check(ticket(), bucket="orion-reports")

    assert refusal is not None and refusal.code == "AccessDenied"
    assert "$bucket" in refusal.message


def test_a_field_the_policy_does_not_name_is_refused_but_x_ignore_fields_pass() -> None:
    refusal = check({**ticket(), "acl": "public-read"})

    assert refusal is not None and refusal.code == "AccessDenied"
    assert "Extra input fields: acl" in refusal.message
    assert check({**ticket(), "x-ignore-note": "anything"}) is None


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_a_policy_rewritten_without_the_secret_fails_its_signature(version: str) -> None:
    fields = ticket(version)
    document = json.loads(base64.b64decode(fields["policy"]))
    document["conditions"] = [c for c in document["conditions"] if "key" not in c] + [{"key": OTHER_KEY}]
    forged = {**fields, "key": OTHER_KEY, "policy": base64.b64encode(json.dumps(document).encode()).decode()}

    refusal = check(forged)

    assert refusal is not None
    assert (refusal.status, refusal.code) == (403, "SignatureDoesNotMatch")


def test_a_ticket_signed_with_another_secret_or_key_is_refused() -> None:
    fields = ticket()

    refusal = check_post(fields, bucket=BUCKET, size=10, now=datetime.now(UTC), secret_for=lambda _: "other")
    unknown = check_post(fields, bucket=BUCKET, size=10, now=datetime.now(UTC), secret_for=lambda _: None)

    assert refusal is not None and refusal.code == "SignatureDoesNotMatch"
    assert unknown is not None and (unknown.status, unknown.code) == (403, "InvalidAccessKeyId")


def test_a_post_without_policy_or_signature_is_anonymous_and_denied() -> None:
    fields = ticket()
    without_policy = {k: v for k, v in fields.items() if k != "policy"}
    without_signature = {k: v for k, v in fields.items() if k != "x-amz-signature"}

    for form in ({"key": KEY}, without_policy, without_signature):
        refusal = check(form)
        assert refusal is not None and (refusal.status, refusal.code) == (403, "AccessDenied")


def test_a_starts_with_condition_admits_keys_under_its_prefix_only() -> None:
    prefix = "uploads/oms/wizamart/01JABCDEFGHJKMNPQRSTVWXYZ0/"
    conditions = [
        ["starts-with", "$key", prefix],
        ["content-length-range", 1, MAX_BYTES],
        {"Content-Type": "text/csv"},
    ]
    fields = ticket(key=prefix + "${filename}", conditions=conditions)

    assert check({**fields, "key": prefix + "renamed.csv"}) is None
    refusal = check({**fields, "key": OTHER_KEY})
    assert refusal is not None and "starts-with" in refusal.message


def _signed_v2(policy: bytes) -> dict[str, str]:
    encoded = base64.b64encode(policy).decode()
    signature = base64.b64encode(hmac.new(b"local", encoded.encode(), hashlib.sha1).digest()).decode()
    return {"key": KEY, "AWSAccessKeyId": "local", "policy": encoded, "signature": signature}


@pytest.mark.parametrize(
    "policy",
    [
        b"not json",
        b'{"expiration": "2999-01-01T00:00:00Z"}',
        b'{"conditions": []}',
        b'{"expiration": "2999-01-01T00:00:00Z", "conditions": [["in", "$key", "x"]]}',
    ],
)
def test_a_signed_but_malformed_policy_is_an_invalid_policy_document(policy: bytes) -> None:
    refusal = check(_signed_v2(policy))

    assert refusal is not None
    assert (refusal.status, refusal.code) == (400, "InvalidPolicyDocument")


def test_the_refusal_is_s3_error_xml_with_its_text_escaped() -> None:
    xml = Refusal(403, "AccessDenied", 'Policy Condition failed: ["eq", "$key", "<a&b>"]').xml()

    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<Code>AccessDenied</Code>" in xml
    assert "&lt;a&amp;b&gt;" in xml
