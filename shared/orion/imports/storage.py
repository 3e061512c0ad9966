"""S3 layout of imports: uploads, normalised chunks, the manifest, row errors and the error report.

```
uploads bucket  uploads/<platform>/<store>/<job>/<file>        what the merchant uploaded
                work/<platform>/<store>/<job>/manifest.json    [{"index", "key", "records"}, ...]
                work/<platform>/<store>/<job>/chunks/<n>.json  normalised records, by column (<= 1,000)
                work/<platform>/<store>/<job>/errors/<name>.jsonl  row errors found by a task
                work/<platform>/<store>/<job>/publish/<id>.json  a background publish's request
                sources/<platform>/<store>/<source>/...        a saved source's ids (sources/files.py)
reports bucket  imports/<platform>/<store>/<job>/errors.csv     the merchant's error report
```
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from orion.data.clients import aws_client
from orion.data.uploads import presigned_post
from orion.imports.errors import TooLarge
from orion.imports.models import ChunkRef, RecordBatch, RowError
from orion.settings import get_settings
from orion.tenant import Tenant, is_valid_code

_JOB_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
CONTENT_TYPES = {".csv": "text/csv", ".tsv": "text/tab-separated-values", ".txt": "text/plain"}
# The tag of files that expire after 90 days (S3's query form of one tag): the uploads bucket's
# lifecycle rule filtered on it (infra/wiring.py, ``expire_tagged``) removes them, where no prefix rule
# can single them out (a saved source's run files are under their tenant and source).
EXPIRY_TAG = "orion-expiry=90d"


@dataclass(frozen=True)
class UploadLocation:
    """Who an uploaded object belongs to, read from its key (never from the file)."""

    tenant: Tenant
    job_id: str
    file_name: str


def upload_key(tenant: Tenant, job_id: str, file_name: str) -> str:
    return f"uploads/{tenant.platform}/{tenant.require_store()}/{job_id}/{file_name}"


def parse_upload_key(key: str) -> UploadLocation | None:
    """``uploads/<platform>/<store>/<job>/<file>`` -> its location; ``None`` for any other key."""
    parts = key.split("/")
    if len(parts) != 5 or parts[0] != "uploads":
        return None
    _, platform, store, job_id, file_name = parts
    if not (is_valid_code(platform) and is_valid_code(store) and _JOB_ID.fullmatch(job_id) and file_name):
        return None
    return UploadLocation(Tenant(platform, store), job_id, file_name)


def safe_file_name(name: str) -> str:
    """A file name fit for a key: the base name, with anything unusual replaced, at most 100 chars."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("-", base).strip(".-")[:100]
    return cleaned or "upload.csv"


def content_type_for(file_name: str) -> str:
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return CONTENT_TYPES.get(suffix, "text/csv")


def work_prefix(tenant: Tenant, job_id: str) -> str:
    return f"work/{tenant.platform}/{tenant.require_store()}/{job_id}/"


def source_prefix(tenant: Tenant, source_id: str) -> str:
    """The prefix of every file of one saved source (orion.imports.sources.files), ending in ``/``."""
    return f"sources/{tenant.platform}/{tenant.require_store()}/{source_id}/"


def is_source_run_file(key: str) -> bool:
    """Whether ``key`` is a file of one saved source run (``sources/<p>/<s>/<source>/runs/<run>/...``)."""
    parts = key.split("/")
    return len(parts) == 7 and parts[0] == "sources" and parts[4] == "runs"


def report_key(tenant: Tenant, job_id: str) -> str:
    return f"imports/{tenant.platform}/{tenant.require_store()}/{job_id}/errors.csv"


class ImportFiles:
    """The only place that knows the S3 layout of imports."""

    def __init__(self) -> None:
        settings = get_settings()
        self.uploads_bucket = settings.uploads_bucket
        self.reports_bucket = settings.reports_bucket
        self.s3 = aws_client("s3")

    # --- uploads ---

    def presigned_upload(
        self, key: str, content_type: str, max_bytes: int, expires: int, *, redirect: str | None = None
    ) -> dict[str, Any]:
        """A presigned POST for exactly ``key``, with a size range and a fixed content type; with
        ``redirect``, S3 answers a successful upload with a 303 to that URL (a browser's plain form
        comes back to the page it names), the redirect pinned by the policy like every other field."""
        return presigned_post(
            self.s3,
            self.uploads_bucket,
            key,
            content_type=content_type,
            max_bytes=max_bytes,
            expires=expires,
            redirect=redirect,
        )

    def download_upload(self, key: str, max_bytes: int) -> IO[bytes]:
        """The uploaded object as a seekable temporary file (spooled to disk when large)."""
        response = self.s3.get_object(Bucket=self.uploads_bucket, Key=key)
        if int(response.get("ContentLength", 0)) > max_bytes:
            raise TooLarge(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        for block in response["Body"].iter_chunks(1024 * 1024):
            spool.write(block)
        spool.seek(0)
        return spool

    def upload_exists(self, key: str) -> bool:
        try:
            self.s3.head_object(Bucket=self.uploads_bucket, Key=key)
        except self.s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def put_upload(self, key: str, body: bytes, content_type: str) -> None:
        """A file at an upload key, as a browser's upload puts it there (S3 announces it)."""
        self.s3.put_object(Bucket=self.uploads_bucket, Key=key, Body=body, ContentType=content_type)

    def put_source_ids(self, key: str, ids: list[str]) -> None:
        """The external ids a saved source has brought (orion.imports.sources), one per line; a run's
        file is tagged to be removed after 90 days (:data:`EXPIRY_TAG`), as its run item expires."""
        self.s3.put_object(
            Bucket=self.uploads_bucket,
            Key=key,
            Body="\n".join(ids).encode(),
            ContentType="text/plain",
            **({"Tagging": EXPIRY_TAG} if is_source_run_file(key) else {}),
        )

    def source_ids(self, key: str) -> list[str]:
        """What :meth:`put_source_ids` kept under ``key`` ([] when nothing is)."""
        try:
            body = self.s3.get_object(Bucket=self.uploads_bucket, Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return []
        return [line for line in body.decode().split("\n") if line]

    def copy_upload(self, source: str, target: str) -> None:
        """The file uploaded at ``source`` again at ``target`` (S3 announces it as a new upload)."""
        self.s3.copy_object(
            Bucket=self.uploads_bucket, Key=target, CopySource={"Bucket": self.uploads_bucket, "Key": source}
        )

    # --- chunks and the manifest ---

    def write_chunk(self, tenant: Tenant, job_id: str, index: int, records: RecordBatch) -> ChunkRef:
        key = f"{work_prefix(tenant, job_id)}chunks/{index:06d}.json"
        body = records.to_json()
        self.s3.put_object(Bucket=self.uploads_bucket, Key=key, Body=body, ContentType="application/json")
        return ChunkRef(index=index, key=key, records=len(records))

    def read_chunk(self, tenant: Tenant, job_id: str, chunk: ChunkRef) -> RecordBatch:
        if not chunk.key.startswith(work_prefix(tenant, job_id)):
            raise ValueError("a chunk outside its job's work prefix")  # never read another store's data
        body = self.s3.get_object(Bucket=self.uploads_bucket, Key=chunk.key)["Body"].read()
        return RecordBatch.from_json(body)

    def write_manifest(self, tenant: Tenant, job_id: str, chunks: list[ChunkRef]) -> str:
        key = f"{work_prefix(tenant, job_id)}manifest.json"
        body = json.dumps([chunk.model_dump() for chunk in chunks]).encode()
        self.s3.put_object(Bucket=self.uploads_bucket, Key=key, Body=body, ContentType="application/json")
        return key

    def read_manifest(self, tenant: Tenant, job_id: str) -> list[ChunkRef]:
        key = f"{work_prefix(tenant, job_id)}manifest.json"
        try:
            body = self.s3.get_object(Bucket=self.uploads_bucket, Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return []
        return [ChunkRef.model_validate(entry) for entry in json.loads(body)]

    # --- what a background publish was asked to do ---

    def write_publish_request(self, tenant: Tenant, job_id: str, publish_id: str, body: str) -> None:
        key = f"{work_prefix(tenant, job_id)}publish/{publish_id}.json"
        self.s3.put_object(
            Bucket=self.uploads_bucket, Key=key, Body=body.encode(), ContentType="application/json"
        )

    def read_publish_request(self, tenant: Tenant, job_id: str, publish_id: str) -> str:
        key = f"{work_prefix(tenant, job_id)}publish/{publish_id}.json"
        return str(self.s3.get_object(Bucket=self.uploads_bucket, Key=key)["Body"].read().decode())

    # --- row errors ---

    def write_errors(self, tenant: Tenant, job_id: str, name: str, errors: Iterable[RowError]) -> int:
        key = f"{work_prefix(tenant, job_id)}errors/{name}.jsonl"
        lines = [error.model_dump_json() for error in errors]
        self.s3.put_object(Bucket=self.uploads_bucket, Key=key, Body="\n".join(lines).encode())
        return len(lines)

    def read_errors(self, tenant: Tenant, job_id: str, name: str) -> Iterator[RowError]:
        key = f"{work_prefix(tenant, job_id)}errors/{name}.jsonl"
        try:
            body = self.s3.get_object(Bucket=self.uploads_bucket, Key=key)["Body"]
        except self.s3.exceptions.NoSuchKey:
            return
        for line in body.iter_lines():
            if line:
                yield RowError.model_validate_json(line)

    # --- the report ---

    def put_report(self, tenant: Tenant, job_id: str, body: bytes) -> str:
        key = report_key(tenant, job_id)
        self.s3.put_object(
            Bucket=self.reports_bucket,
            Key=key,
            Body=body,
            ContentType="text/csv; charset=utf-8",
            ContentDisposition=f'attachment; filename="import-{job_id}-errors.csv"',
        )
        return key

    def report_head(self, key: str, max_bytes: int) -> bytes:
        """The first ``max_bytes`` of a report (b"" if it is gone)."""
        try:
            answer = self.s3.get_object(Bucket=self.reports_bucket, Key=key, Range=f"bytes=0-{max_bytes - 1}")
        except self.s3.exceptions.NoSuchKey:
            return b""
        body: bytes = answer["Body"].read()
        return body

    def report_url(self, key: str, expires: int) -> str:
        url: str = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.reports_bucket, "Key": key}, ExpiresIn=expires
        )
        return url
