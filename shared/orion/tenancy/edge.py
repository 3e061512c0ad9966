"""The CloudFront side of a store's custom domain: one distribution tenant per verified domain, with a
CloudFront-managed certificate, on the platform's multi-tenant distribution.

:class:`EdgeTenants` is the data-access class the domain use cases call; :func:`edge_tenants` picks the
implementation from settings: CloudFront SaaS Manager on AWS, a recording stand-in in the local cloud
(which has no CloudFront), nothing where no multi-tenant distribution exists (an environment without
domains). Orion tags the tenants it creates and never touches one it did not create.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from orion import runtime
from orion.data.clients import aws_client
from orion.observability import logger
from orion.settings import get_settings
from orion.tenancy.errors import EdgeTenantError, ForeignTenant

# The tag on every tenant Orion creates: its value is "<platform>/<store>".
STORE_TAG = "orion:store"
TENANT_NAME_MAX = 128


def tenant_name(host: str) -> str:
    """The tenant's name: the host itself (names allow dots, so two hosts never share one) behind
    ``orion-``, shortened with a digest of the host past CloudFront's 128 characters."""
    name = f"orion-{host}"
    if len(name) <= TENANT_NAME_MAX:
        return name
    digest = hashlib.sha256(host.encode()).hexdigest()[:16]
    return f"{name[: TENANT_NAME_MAX - len(digest) - 1].rstrip('.-')}-{digest}"


@dataclass(frozen=True)
class EdgeCall:
    """One change the recording stand-in was asked for."""

    action: str  # "create", "update" or "delete"
    host: str
    owner: str


class EdgeTenants:
    """Makes a verified store domain a distribution tenant, and removes it again. This base does
    nothing: an environment without a multi-tenant distribution serves no custom domains at the edge."""

    def ensure(self, host: str, owner: str) -> None:
        """Create the tenant of ``host`` for ``owner`` ("<platform>/<store>"), or bring it up to date."""

    def remove(self, host: str, owner: str) -> None:
        """Disable and delete the tenant of ``host`` if Orion created it for ``owner``."""


class CloudFrontTenants(EdgeTenants):
    """Distribution tenants through the CloudFront API (SaaS Manager)."""

    def __init__(self, distribution_id: str, connection_group_id: str, client: Any | None = None) -> None:
        self.distribution_id = distribution_id
        self.connection_group_id = connection_group_id
        self._client = client

    @property
    def client(self) -> Any:
        return self._client or aws_client("cloudfront")

    def ensure(self, host: str, owner: str) -> None:
        found = self._find(host)
        certificate = {"ValidationTokenHost": "cloudfront", "PrimaryDomainName": host}
        try:
            if found is None:
                self.client.create_distribution_tenant(
                    DistributionId=self.distribution_id,
                    Name=tenant_name(host),
                    Domains=[{"Domain": host}],
                    ConnectionGroupId=self.connection_group_id,
                    ManagedCertificateRequest=certificate,
                    Enabled=True,
                    Tags={"Items": [{"Key": STORE_TAG, "Value": owner}]},
                )
                logger.info("distribution tenant created", extra={"host": host, "owner": owner})
                return
            tenant, etag = found
            self._require_owned(tenant, host, owner, self._owner(tenant))
            self.client.update_distribution_tenant(
                Id=tenant["Id"],
                IfMatch=etag,
                DistributionId=self.distribution_id,
                Domains=[{"Domain": host}],
                ConnectionGroupId=self.connection_group_id,
                ManagedCertificateRequest=certificate,
                Enabled=True,
            )
            logger.info("distribution tenant updated", extra={"host": host, "owner": owner})
        except ClientError as exc:
            raise EdgeTenantError(f"CloudFront did not take {host}: {_code(exc)}") from exc

    def remove(self, host: str, owner: str) -> None:
        found = self._find(host)
        if found is None:
            return
        tenant, etag = found
        tagged = self._owner(tenant)
        if tagged is None:
            # Not ours (declared by a stack, or made by hand): leave it where it is.
            logger.warning("distribution tenant left alone: not created by Orion", extra={"host": host})
            return
        self._require_owned(tenant, host, owner, tagged)
        try:
            if tenant.get("Enabled", True):
                # CloudFront deletes only a disabled tenant; the update's ETag is the one to delete with.
                disabled = self.client.update_distribution_tenant(
                    Id=tenant["Id"], IfMatch=etag, Enabled=False
                )
                etag = disabled["ETag"]
            self.client.delete_distribution_tenant(Id=tenant["Id"], IfMatch=etag)
        except ClientError as exc:
            raise EdgeTenantError(f"CloudFront did not remove {host}: {_code(exc)}") from exc
        logger.info("distribution tenant deleted", extra={"host": host, "owner": owner})

    def _find(self, host: str) -> tuple[dict[str, Any], str] | None:
        try:
            answer = self.client.get_distribution_tenant_by_domain(Domain=host)
        except ClientError as exc:
            if _code(exc) == "EntityNotFound":
                return None
            raise EdgeTenantError(f"CloudFront could not be asked about {host}: {_code(exc)}") from exc
        return answer["DistributionTenant"], answer["ETag"]

    def _owner(self, tenant: dict[str, Any]) -> str | None:
        """The store the tenant was created for (its tag), ``None`` for a tenant Orion did not create."""
        try:
            answer = self.client.list_tags_for_resource(Resource=tenant["Arn"])
        except ClientError as exc:
            raise EdgeTenantError(
                f"CloudFront could not be asked about {tenant['Arn']}: {_code(exc)}"
            ) from exc
        items = (answer.get("Tags") or {}).get("Items") or []
        return next((str(t.get("Value", "")) for t in items if t.get("Key") == STORE_TAG), None)

    def _require_owned(self, tenant: dict[str, Any], host: str, owner: str, tagged: str | None) -> None:
        if tagged != owner or tenant.get("DistributionId") != self.distribution_id:
            raise ForeignTenant(f"{host} is already served by a distribution tenant Orion does not manage")


class RecordingTenants(EdgeTenants):
    """The local cloud's stand-in: remembers each change in memory and logs it (no CloudFront there).
    It logs at warning level so the local console, which shows warnings only, shows what was skipped."""

    def __init__(self) -> None:
        self.calls: list[EdgeCall] = []
        self.tenants: dict[str, str] = {}  # host -> owner
        self._lock = threading.Lock()

    def ensure(self, host: str, owner: str) -> None:
        with self._lock:
            if self.tenants.get(host, owner) != owner:
                raise ForeignTenant(
                    f"{host} is already served by a distribution tenant Orion does not manage"
                )
            action = "update" if host in self.tenants else "create"
            self.tenants[host] = owner
            self.calls.append(EdgeCall(action, host, owner))
        logger.warning(
            f"[edge] distribution tenant {action}d (recorded, no CloudFront locally)", extra={"host": host}
        )

    def remove(self, host: str, owner: str) -> None:
        with self._lock:
            if self.tenants.get(host) != owner:
                return
            del self.tenants[host]
            self.calls.append(EdgeCall("delete", host, owner))
        logger.warning(
            "[edge] distribution tenant deleted (recorded, no CloudFront locally)", extra={"host": host}
        )


@runtime.singleton
def routing_endpoint() -> str | None:
    """Where a store's custom domain points (a CNAME to the connection group's routing endpoint):
    from settings, else the edge parameter the storefront stack writes; None where there is none."""
    settings = get_settings()
    if settings.cloudfront_routing_endpoint:
        return settings.cloudfront_routing_endpoint
    if not settings.edge_parameter:
        return None
    value = aws_client("ssm").get_parameter(Name=settings.edge_parameter)["Parameter"]["Value"]
    found = json.loads(value).get("routingEndpoint")
    return str(found) if found else None


@runtime.singleton
def edge_tenants() -> EdgeTenants:
    """The process's edge: chosen by ``ORION_EDGE_TENANTS``; the CloudFront ids come from the SSM
    parameter the storefront stack writes (``ORION_EDGE_PARAMETER``), or directly from settings."""
    settings = get_settings()
    if settings.edge_tenants == "recording":
        return RecordingTenants()
    distribution_id, connection_group_id = (
        settings.cloudfront_distribution_id,
        settings.cloudfront_connection_group_id,
    )
    if settings.edge_parameter and not distribution_id:
        value = aws_client("ssm").get_parameter(Name=settings.edge_parameter)["Parameter"]["Value"]
        ids = json.loads(value)
        distribution_id, connection_group_id = ids["distributionId"], ids["connectionGroupId"]
    if not distribution_id or not connection_group_id:
        return EdgeTenants()
    return CloudFrontTenants(distribution_id, connection_group_id)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "error"))
