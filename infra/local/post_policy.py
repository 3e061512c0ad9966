"""S3's checks of a browser-based upload (a presigned POST), which moto skips: the local cloud runs
them before moto stores the object, so an upload S3 would refuse is refused locally too.

What is checked, in S3's order and with S3's answers:

- a policy and a signature are present (an anonymous POST to a private bucket: 403 AccessDenied);
- the signature, Signature Version 4 (``x-amz-signature``) or 2 (``signature``), is the HMAC of the
  policy with the secret of the access key it names (403 InvalidAccessKeyId / SignatureDoesNotMatch);
- the policy is base64 JSON with an ``expiration`` and ``conditions`` (400 InvalidPolicyDocument) and
  has not expired (403 AccessDenied, "Policy expired");
- every condition holds: ``{"field": value}`` and ``["eq", "$field", value]`` (exact match),
  ``["starts-with", "$field", prefix]``, ``{"bucket": ...}`` against the bucket posted to (403
  AccessDenied, "Policy Condition failed"), and ``["content-length-range", min, max]`` against the
  file's size (400 EntityTooSmall / EntityTooLarge);
- every form field is named by a condition, except ``policy``, the signature fields, ``file`` and
  ``x-ignore-*`` (403 AccessDenied, "Extra input fields").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

# Form fields no condition has to name (S3's list; the V4 algorithm, credential and date must be named).
UNCONDITIONED = frozenset({"policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"})


@dataclass(frozen=True)
class Refusal:
    """S3's error answer to an upload it refuses."""

    status: int
    code: str
    message: str
    details: dict[str, str] = field(default_factory=dict)

    def xml(self) -> str:
        extra = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in self.details.items())
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{escape(self.message)}</Message>{extra}</Error>"
        )


def access_denied(message: str = "Access Denied") -> Refusal:
    return Refusal(403, "AccessDenied", message)


def policy_refusal(reason: str) -> Refusal:
    return access_denied(f"Invalid according to Policy: {reason}")


def invalid_policy(reason: str) -> Refusal:
    return Refusal(400, "InvalidPolicyDocument", f"Invalid Policy: {reason}")


def check_post(
    fields: Mapping[str, str],
    *,
    bucket: str,
    size: int,
    now: datetime,
    secret_for: Callable[[str], str | None],
) -> Refusal | None:
    """Why S3 would refuse this POST upload of a ``size``-byte file to ``bucket`` (None: it accepts).

    ``fields`` are the form fields but the file; ``secret_for`` gives the secret key of an access key
    id (None for an unknown one); ``now`` is timezone-aware."""
    form = {name.lower(): value for name, value in fields.items()}
    if "policy" not in form:
        return access_denied()
    refused = _check_signature(form, secret_for)
    if refused is not None:
        return refused
    try:
        document = json.loads(base64.b64decode(form["policy"], validate=True))
    except (binascii.Error, ValueError):
        return invalid_policy("Invalid JSON.")
    if not isinstance(document, dict) or not isinstance(document.get("conditions"), list):
        return invalid_policy("Policy missing conditions.")
    try:
        expiration = datetime.fromisoformat(str(document["expiration"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return invalid_policy("Invalid 'expiration' value.")
    if expiration.tzinfo is None or now >= expiration:
        return policy_refusal("Policy expired.")
    return _check_conditions(document["conditions"], form, bucket=bucket, size=size)


def _check_signature(form: Mapping[str, str], secret_for: Callable[[str], str | None]) -> Refusal | None:
    policy = form["policy"].encode()
    if "x-amz-signature" in form:
        if form.get("x-amz-algorithm") != "AWS4-HMAC-SHA256":
            return Refusal(400, "InvalidArgument", "Unsupported or missing x-amz-algorithm.")
        parts = form.get("x-amz-credential", "").split("/")
        if len(parts) != 5 or parts[4] != "aws4_request":
            return Refusal(400, "InvalidArgument", "Malformed x-amz-credential.")
        access_key, day, region, service, _ = parts
        secret = secret_for(access_key)
        if secret is None:
            return _unknown_key()
        key = b"AWS4" + secret.encode()
        for part in (day, region, service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, policy, hashlib.sha256).hexdigest()
        given = form["x-amz-signature"]
    elif "signature" in form and "awsaccesskeyid" in form:
        secret = secret_for(form["awsaccesskeyid"])
        if secret is None:
            return _unknown_key()
        expected = base64.b64encode(hmac.new(secret.encode(), policy, hashlib.sha1).digest()).decode()
        given = form["signature"]
    else:
        return access_denied()
    if not hmac.compare_digest(expected.encode(), given.encode()):
        return Refusal(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
        )
    return None


def _unknown_key() -> Refusal:
    return Refusal(
        403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
    )


def _check_conditions(
    conditions: list[Any], form: Mapping[str, str], *, bucket: str, size: int
) -> Refusal | None:
    values = {**form, "bucket": bucket}
    named: set[str] = set()
    size_range: tuple[int, int] | None = None
    for condition in conditions:
        if isinstance(condition, dict) and len(condition) == 1:
            ((name, expected),) = condition.items()
            operator, subject = "eq", f"${name}"
        elif isinstance(condition, list) and len(condition) == 3:
            operator, subject, expected = condition
        else:
            return invalid_policy(f"Invalid condition {json.dumps(condition)}.")
        if operator == "content-length-range":
            try:
                size_range = (int(subject), int(expected))
            except (TypeError, ValueError):
                return invalid_policy("Invalid content-length-range.")
            continue
        if (
            operator not in ("eq", "starts-with")
            or not isinstance(subject, str)
            or not subject.startswith("$")
        ):
            return invalid_policy(f"Invalid condition {json.dumps(condition)}.")
        name = subject[1:].lower()
        named.add(name)
        value = values.get(name, "")
        holds = value == str(expected) if operator == "eq" else value.startswith(str(expected))
        if not holds:
            return policy_refusal(f"Policy Condition failed: {json.dumps([operator, subject, expected])}")
    extra = sorted(
        name
        for name in form
        if name not in UNCONDITIONED and name not in named and not name.startswith("x-ignore-")
    )
    if extra:
        return policy_refusal(f"Extra input fields: {', '.join(extra)}")
    if size_range is not None:
        low, high = size_range
        if size < low:
            return Refusal(
                400,
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size",
                {"ProposedSize": str(size), "MinSizeAllowed": str(low)},
            )
        if size > high:
            return Refusal(
                400,
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed size",
                {"ProposedSize": str(size), "MaxSizeAllowed": str(high)},
            )
    return None
