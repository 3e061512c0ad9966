"""Presigned POSTs: the one way a browser or a client sends a file straight to one of Orion's buckets."""

from __future__ import annotations

from typing import Any


def presigned_post(
    s3: Any,
    bucket: str,
    key: str,
    *,
    content_type: str,
    max_bytes: int,
    expires: int,
    redirect: str | None,
) -> dict[str, Any]:
    """A presigned POST for exactly ``key``, 1 byte to ``max_bytes``, with a fixed content type; with
    ``redirect``, S3 answers a successful upload with a 303 there (a browser's plain form comes back to
    the page it names), the redirect pinned by the policy like every other field."""
    fields: dict[str, str] = {"Content-Type": content_type}
    conditions: list[Any] = [["content-length-range", 1, max_bytes], {"Content-Type": content_type}]
    if redirect is not None:
        fields["success_action_redirect"] = redirect
        conditions.append({"success_action_redirect": redirect})
    post: dict[str, Any] = s3.generate_presigned_post(
        Bucket=bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires
    )
    return post
