"""The local stand-in for the storefront distribution's behaviour of a served bucket (``/media/*`` ->
the media bucket): on every host, GET and HEAD of a key of the served shape (``Bucket.served_keys``,
the rule infra/edge/media_request.js applies on AWS) answer the object with the headers S3 stored with
it (its type and immutable Cache-Control); any other shape, or a missing object, is a 404, and any other
method a 403, as CloudFront answers them. Originals never have the served shape, so they are never
given out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import boto3

from infra import wiring
from infra.local.events import HttpResult
from infra.wiring import LOCAL_REGION


@dataclass(frozen=True)
class ServedBucket:
    prefix: str
    keys: re.Pattern[str]
    bucket: str


SERVED = tuple(
    ServedBucket(bucket.served_at, re.compile(bucket.served_keys or r"(?!)"), bucket.local_name)
    for bucket in wiring.BUCKETS
    if bucket.served_at
)
_NOT_FOUND = HttpResult(404, [("Content-Type", "text/plain; charset=utf-8")], b"Not Found")


def serves(path: str) -> bool:
    """Whether ``path`` is under a served bucket's path (the gateway hands it here, not to a function)."""
    return any(path.startswith(served.prefix) for served in SERVED)  # CloudFront's "/media/*"


def serve(method: str, path: str, headers: Any) -> HttpResult:
    served = next(s for s in SERVED if path.startswith(s.prefix))
    if method not in ("GET", "HEAD"):
        return HttpResult(403, [("Content-Type", "text/plain; charset=utf-8")], b"Forbidden")
    key = path[len(served.prefix) :]
    if not served.keys.fullmatch(key):
        return _NOT_FOUND
    s3 = boto3.client("s3", region_name=LOCAL_REGION)
    try:
        answer = s3.get_object(Bucket=served.bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return _NOT_FOUND
    etag = str(answer.get("ETag", ""))
    out = [
        ("Content-Type", str(answer.get("ContentType", "application/octet-stream"))),
        ("ETag", etag),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if answer.get("CacheControl"):
        out.append(("Cache-Control", str(answer["CacheControl"])))
    if etag and headers.get("If-None-Match") == etag:
        return HttpResult(304, out, b"")
    return HttpResult(200, out, answer["Body"].read())
