"""Deployment settings of one environment (dev, prod, ...), read from cdk.json context, never from code.

``cdk.json`` holds ``"environments": {"dev": {...}, "prod": {...}}``; ``-c env=prod`` picks one
(default ``dev``) and any single value can be overridden with ``-c <key>=<value>`` on the command line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from orion.tenancy.declarations import PlatformDeclaration, parse_declarations
from orion.tenancy.errors import InvalidDeclaration

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Deployment:
    """What differs between environments; everything else comes from infra/wiring.py."""

    name: str
    account: str | None = None
    region: str | None = None
    log_retention_days: int = 30
    # Per function name: reserved concurrency (a cap) and provisioned concurrency (warm instances).
    reserved_concurrency: Mapping[str, int] = field(default_factory=dict)
    provisioned_concurrency: Mapping[str, int] = field(default_factory=dict)
    # Optional AWS WAF in front of CloudFront: "off", "create" (a web ACL in us-east-1) or an ARN.
    waf: str = "off"
    # CloudFront SaaS Manager: each platform domain (``oms.lu``) is a distribution tenant with a managed
    # certificate, and its store subdomains (``*.oms.lu``) one wildcard tenant with the ACM certificate
    # (us-east-1) named here per platform domain. Store custom domains are never listed: verifying one
    # makes its tenant at run time (orion.tenancy.edge).
    platform_domains: tuple[str, ...] = ()
    platform_certificates: Mapping[str, str] = field(default_factory=dict)
    alarm_email: str | None = None
    # E-mail: each platform sends from its own domain. ``mail_senders`` maps a platform domain to its
    # sender (``no-reply@<domain>`` for every platform domain unless ``mailSenders`` says otherwise);
    # ``mail_from`` is the sender of platforms with none of their own (optional). Every sender's domain
    # becomes an SES identity with Easy DKIM; ``mail_hosted_zones`` (domain -> Route 53 zone id) lets
    # CDK publish the DKIM records, otherwise they are stack outputs for the operator to publish.
    mail_senders: Mapping[str, str] = field(default_factory=dict)
    mail_from: str | None = None
    mail_hosted_zones: Mapping[str, str] = field(default_factory=dict)
    # Platforms declared for this environment (``platforms`` in cdk.json, checked by
    # orion.tenancy.declarations), applied at deploy time by the platform bootstrap custom resource.
    # Each declared ``mailFrom`` is the sender of its domain (``mail_senders``) unless ``mailSenders``
    # names that domain itself.
    platforms: tuple[PlatformDeclaration, ...] = ()
    # Destroy data on stack deletion only where explicitly allowed (dev); prod keeps it.
    retain_data: bool = True
    # Tests and offline synth may skip the real dependency-layer build (a stub asset instead).
    stub_layer: bool = False

    @property
    def prefix(self) -> str:
        return f"orion-{self.name}"

    @property
    def mail_domains(self) -> tuple[str, ...]:
        """The domains e-mail is sent from (one SES identity each), in a stable order."""
        senders = [*self.mail_senders.values(), *([self.mail_from] if self.mail_from else [])]
        return tuple(sorted({sender_domain(sender) for sender in senders}))


class InvalidMailSender(ValueError):
    """A configured sender that is not an e-mail address (the synth stops rather than deploy it)."""


def sender_domain(sender: str) -> str:
    """The domain of a sender (``Shop <no-reply@oms.lu>`` -> ``oms.lu``)."""
    _, address = parseaddr(sender)
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or domain.endswith(".localhost"):
        raise InvalidMailSender(f"mail sender {sender!r} is not an address on a public domain")
    return domain.lower()


def _mail_senders(
    platform_domains: tuple[str, ...], overrides: Any, platforms: tuple[PlatformDeclaration, ...] = ()
) -> dict[str, str]:
    """``no-reply@<domain>`` for every platform domain, then each declared platform's ``mailFrom`` for
    its domain, replaced or extended by ``overrides``."""
    senders = {domain: f"no-reply@{domain}" for domain in platform_domains}
    senders.update({platform.domain: platform.mail_from for platform in platforms})
    senders.update(_as_strings(overrides))
    for sender in senders.values():
        sender_domain(sender)
    return senders


def _as_strings(value: Any) -> dict[str, str]:
    """A mapping from (lower-cased) domains to values kept as written (zone ids are upper case)."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    return {str(k).strip().lower(): str(v).strip() for k, v in (value or {}).items()}


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _as_mapping(value: Any) -> dict[str, int]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    return {str(k): int(v) for k, v in (value or {}).items()}


def _as_names(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    return {str(k).strip().lower(): str(v) for k, v in (value or {}).items()}


def _as_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in value.replace(",", " ").split() if part]
    return tuple(str(v).strip().lower() for v in (value or ()))


# Settings an environment block holds, each also accepted alone on the command line (-c key=value).
OVERRIDE_KEYS: tuple[str, ...] = (
    "account",
    "region",
    "logRetentionDays",
    "reservedConcurrency",
    "provisionedConcurrency",
    "waf",
    "platformDomains",
    "platformCertificates",
    "alarmEmail",
    "mailSenders",
    "mailFrom",
    "mailHostedZones",
    "platforms",
    "retainData",
    "stubLayer",
)


def deployment_from_context(context: Mapping[str, Any]) -> Deployment:
    """The deployment named by ``context["env"]``, with command-line overrides applied."""
    name = str(context.get("env") or "dev")
    environments = context.get("environments") or {}
    if isinstance(environments, str):
        environments = json.loads(environments)
    if name not in environments:
        raise ValueError(f"unknown environment {name!r}; cdk.json defines {sorted(environments)}")
    values: dict[str, Any] = {**environments[name]}
    for key in OVERRIDE_KEYS:
        if context.get(key) is not None:
            values[key] = context[key]
    platform_domains = _as_tuple(values.get("platformDomains"))
    platforms = _platforms(name, values.get("platforms"))
    mail_from = str(values.get("mailFrom") or "").strip() or None
    if mail_from is not None:
        sender_domain(mail_from)
    return Deployment(
        name=name,
        account=values.get("account") or None,
        region=values.get("region") or None,
        log_retention_days=int(values.get("logRetentionDays", 30)),
        reserved_concurrency=_as_mapping(values.get("reservedConcurrency")),
        provisioned_concurrency=_as_mapping(values.get("provisionedConcurrency")),
        waf=str(values.get("waf") or "off"),
        platform_domains=platform_domains,
        platform_certificates=_as_names(values.get("platformCertificates")),
        alarm_email=values.get("alarmEmail") or None,
        mail_senders=_mail_senders(platform_domains, values.get("mailSenders"), platforms),
        mail_from=mail_from,
        mail_hosted_zones=_as_strings(values.get("mailHostedZones")),
        platforms=platforms,
        retain_data=_as_bool(values.get("retainData", True)),
        stub_layer=_as_bool(values.get("stubLayer", False)),
    )


def _platforms(environment: str, value: Any) -> tuple[PlatformDeclaration, ...]:
    """The declared platforms; a mistake stops the synth naming the setting (``platforms[1].domain``)."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    try:
        return parse_declarations(value)
    except InvalidDeclaration as exc:
        raise InvalidDeclaration(f"environment {environment!r}: {exc}") from None


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` block of cdk.json (the CLI passes it too; ``python -m infra.app`` reads it)."""
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return context
