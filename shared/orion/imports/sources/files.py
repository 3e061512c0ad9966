"""Where a saved source keeps its files in the uploads bucket, and their removal with the source.

```
sources/<platform>/<store>/<source>/known.txt              every id the source has listed (missing: archive)
sources/<platform>/<store>/<source>/present-<lang>.txt     each language's ids at its last run
sources/<platform>/<store>/<source>/runs/<run>/<lang>.txt  a run's ids per changed language
sources/<platform>/<store>/<source>/runs/<run>/publish.txt the ids a ``new`` run publishes
```

A run's files are tagged when written (orion.imports.storage.EXPIRY_TAG) and a lifecycle rule filtered
on the tag removes them 90 days later, as the run items expire from the table (a prefix rule cannot
single them out: the run is under its tenant and source). The others live as long as the source:
deleting the source deletes them all (:class:`SourceFiles`).
"""

from __future__ import annotations

from orion.data.clients import aws_client
from orion.imports.errors import SourceFilesNotRemoved
from orion.imports.storage import source_prefix
from orion.settings import get_settings
from orion.tenant import Tenant


class SourceFiles:
    """Lists and deletes a source's files, never reaching past its tenant's source prefix."""

    def __init__(self) -> None:
        self.bucket = get_settings().uploads_bucket
        self.s3 = aws_client("s3")

    def delete_all(self, tenant: Tenant, source_id: str) -> int:
        """Delete every file of the source: a ListObjectsV2 and a DeleteObjects per 1,000 files; how many
        were deleted. SourceFilesNotRemoved when S3 refused some (the others are gone)."""
        deleted = 0
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=source_prefix(tenant, source_id)
        )
        for page in pages:
            found = [{"Key": entry["Key"]} for entry in page.get("Contents", [])]
            if not found:
                continue
            answer = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": found, "Quiet": True})
            refused = answer.get("Errors", [])
            if refused:
                reasons = ", ".join(f"{error.get('Key')}: {error.get('Code')}" for error in refused[:5])
                raise SourceFilesNotRemoved(f"{len(refused)} of {len(found)} files not deleted ({reasons})")
            deleted += len(found)
        return deleted
