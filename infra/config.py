"""Deployment settings of one environment (dev, prod, ...), read from cdk.json context, never from code.

``cdk.json`` holds ``"environments": {"dev": {...}, "prod": {...}}``; ``-c env=prod`` picks one
(default ``dev``) and any single value can be overridden with ``-c <key>=<value>`` on the command line.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    ValidationError,
    field_validator,
)
from pydantic.alias_generators import to_camel

from infra import wiring
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


class InvalidEnvironment(ValueError):
    """An environment block (or a ``-c`` override) that cannot be deployed: the message names each
    setting at fault, and ``python -m infra.app`` prints it alone and exits non-zero."""


def sender_domain(sender: str) -> str:
    """The domain of a sender (``Shop <no-reply@oms.lu>`` -> ``oms.lu``)."""
    _, address = parseaddr(sender)
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or domain.endswith(".localhost"):
        raise InvalidMailSender(f"mail sender {sender!r} is not an address on a public domain")
    return domain.lower()


def _from_json(value: Any) -> Any:
    """``-c key=value`` arrives as a string: a JSON object there is read as one."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return {}
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"expected a JSON object, got {value!r}") from error
    return value


def _from_words(value: Any) -> Any:
    """``-c platformDomains=oms.lu,loyalty.lu`` (commas or spaces) as well as a JSON list in cdk.json."""
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    return value


def _absent_if_empty(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


JsonObject = Annotated[dict[str, Any], BeforeValidator(_from_json)]
JsonList = Annotated[list[JsonObject], BeforeValidator(lambda value: _from_json(value) or [])]
Counts = Annotated[dict[str, NonNegativeInt], BeforeValidator(_from_json)]
Names = Annotated[dict[str, str], BeforeValidator(_from_json)]
Words = Annotated[list[str], BeforeValidator(_from_words)]
Text = Annotated[str | None, BeforeValidator(_absent_if_empty)]
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class EnvironmentSettings(BaseModel):
    """One ``environments.<name>`` block of cdk.json, validated before any stack is built: an unknown
    key, a value of the wrong type or a combination that cannot work stops the synth with a message
    naming the setting, never a traceback from deep inside a stack."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=False, frozen=True)

    account: Text = Field(default=None, pattern=r"^\d{12}$")
    region: Text = Field(default=None, pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    log_retention_days: PositiveInt = 30
    reserved_concurrency: Counts = Field(default_factory=dict)
    provisioned_concurrency: Counts = Field(default_factory=dict)
    waf: str = "off"
    platform_domains: Words = Field(default_factory=list)
    platform_certificates: Names = Field(default_factory=dict)
    alarm_email: Text = None
    mail_senders: Names = Field(default_factory=dict)
    mail_from: Text = None
    mail_hosted_zones: Names = Field(default_factory=dict)
    retain_data: bool = True
    stub_layer: bool = False
    # The platforms this environment serves, applied at deploy time; each entry is validated where it
    # is applied (the platforms declaration), this model only passes the list through.
    platforms: JsonList = Field(default_factory=list)

    @field_validator("platform_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        cleaned = [domain.strip().lower() for domain in domains]
        for domain in cleaned:
            if not _DOMAIN.match(domain):
                raise ValueError(f"{domain!r} is not a domain name")
        return cleaned

    @field_validator("platform_certificates", "mail_senders", "mail_hosted_zones")
    @classmethod
    def _by_domain(cls, mapping: dict[str, str]) -> dict[str, str]:
        """Keyed by (lower-cased) domain; values kept as written (zone ids are upper case)."""
        return {key.strip().lower(): value.strip() for key, value in mapping.items()}

    @field_validator("platform_certificates")
    @classmethod
    def _certificates(cls, certificates: dict[str, str]) -> dict[str, str]:
        for domain, arn in certificates.items():
            if not arn.startswith("arn:"):
                raise ValueError(f"the certificate of {domain} must be an ACM certificate ARN, got {arn!r}")
        return certificates

    @field_validator("reserved_concurrency", "provisioned_concurrency")
    @classmethod
    def _known_functions(cls, counts: dict[str, int]) -> dict[str, int]:
        known = {fn.name for fn in wiring.FUNCTIONS}
        unknown = sorted(set(counts) - known)
        if unknown:
            raise ValueError(f"no function is called {', '.join(unknown)} (infra/wiring.py names them)")
        return counts

    @field_validator("waf")
    @classmethod
    def _waf(cls, waf: str) -> str:
        waf = waf.strip()
        if waf in {"off", "create"} or waf.startswith("arn:"):
            return waf
        raise ValueError(f"must be 'off', 'create' or a web ACL ARN, got {waf!r}")

    @field_validator("alarm_email")
    @classmethod
    def _alarm_email(cls, email: str | None) -> str | None:
        if email is not None and not _ADDRESS.match(email.strip()):
            raise ValueError(f"{email!r} is not an e-mail address")
        return email.strip() if email else None

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, sender: str | None) -> str | None:
        if sender is not None:
            sender_domain(sender)
        return sender.strip() if sender else None

    @field_validator("mail_senders")
    @classmethod
    def _mail_senders(cls, senders: dict[str, str]) -> dict[str, str]:
        for sender in senders.values():
            sender_domain(sender)
        return senders


def _problems(error: ValidationError) -> list[str]:
    """One line per setting at fault, in cdk.json's own spelling (``alarmEmail``, not alarm_email)."""
    lines = []
    for problem in error.errors(include_url=False):
        where = ".".join(str(part) for part in problem["loc"]) or "environment"
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = f"unknown setting (known: {', '.join(sorted(OVERRIDE_KEYS))})"
        elif isinstance(problem.get("input"), str | int | float | bool) and "got" not in message:
            message = f"{message}, got {problem['input']!r}"
        lines.append(f"{where}: {message}")
    return lines


def _rules(name: str, settings: EnvironmentSettings) -> list[str]:
    """What no single setting shows: combinations an environment cannot be deployed with."""
    problems = []
    if not settings.alarm_email and (settings.retain_data or name == "prod"):
        problems.append(
            "alarmEmail: required in an environment that keeps data (retainData) or is prod, so alarms "
            "reach someone; the address gets a subscription to confirm"
        )
    if not (settings.platform_domains or settings.mail_senders or settings.mail_from or settings.platforms):
        problems.append(
            "mailFrom: no e-mail sender: declare platforms (each with its mailFrom), set platformDomains "
            "(each sends from no-reply@<domain>), mailSenders or mailFrom"
        )
    stray = sorted(set(settings.platform_certificates) - set(settings.platform_domains))
    if stray:
        problems.append(f"platformCertificates: {', '.join(stray)} is not in platformDomains")
    return problems


# Settings an environment block holds, each also accepted alone on the command line (-c key=value).
OVERRIDE_KEYS: tuple[str, ...] = tuple(
    field.alias or key for key, field in EnvironmentSettings.model_fields.items()
)


def validated_environment(name: str, values: Mapping[str, Any]) -> EnvironmentSettings:
    """The environment block ``name``, validated; raises :class:`InvalidEnvironment` naming every
    setting at fault in one message."""
    try:
        settings = EnvironmentSettings.model_validate(dict(values))
    except ValidationError as error:
        problems = _problems(error)
    else:
        problems = _rules(name, settings)
        if not problems:
            return settings
    raise InvalidEnvironment(
        f"environment {name!r} (cdk.json environments.{name}, or -c overrides) cannot be deployed:\n"
        + "\n".join(f"  - {line}" for line in problems)
    )


def deployment_from_context(context: Mapping[str, Any]) -> Deployment:
    """The deployment named by ``context["env"]``, with command-line overrides applied."""
    name = str(context.get("env") or "dev")
    environments = context.get("environments") or {}
    if isinstance(environments, str):
        environments = json.loads(environments)
    if name not in environments:
        raise InvalidEnvironment(f"unknown environment {name!r}; cdk.json defines {sorted(environments)}")
    values: dict[str, Any] = {**environments[name]}
    for key in OVERRIDE_KEYS:
        if context.get(key) is not None:
            values[key] = context[key]
    settings = validated_environment(name, values)
    platforms = _platforms(name, settings.platforms)
    platform_domains = tuple(settings.platform_domains)
    # no-reply@<domain> for every platform domain, then each declared platform's sender for its domain,
    # then what mailSenders names explicitly.
    senders = {domain: f"no-reply@{domain}" for domain in platform_domains}
    senders.update({platform.domain: platform.mail_from for platform in platforms})
    senders.update(settings.mail_senders)
    return Deployment(
        name=name,
        account=settings.account,
        region=settings.region,
        log_retention_days=settings.log_retention_days,
        reserved_concurrency=settings.reserved_concurrency,
        provisioned_concurrency=settings.provisioned_concurrency,
        waf=settings.waf,
        platform_domains=platform_domains,
        platform_certificates=settings.platform_certificates,
        alarm_email=settings.alarm_email,
        mail_senders=senders,
        mail_from=settings.mail_from,
        mail_hosted_zones=settings.mail_hosted_zones,
        retain_data=settings.retain_data,
        stub_layer=settings.stub_layer,
        platforms=platforms,
    )


def _platforms(environment: str, value: Any) -> tuple[PlatformDeclaration, ...]:
    """The declared platforms; a mistake stops the synth naming the setting (``platforms[1].domain``)."""
    try:
        return parse_declarations(value)
    except InvalidDeclaration as exc:
        raise InvalidEnvironment(
            f"environment {environment!r} (cdk.json environments.{environment}, or -c overrides) cannot be "
            f"deployed:\n  - {exc}"
        ) from None


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` block of cdk.json (the CLI passes it too; ``python -m infra.app`` reads it)."""
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return context


def is_protected(name: str, context: Mapping[str, Any] | None = None) -> bool:
    """Whether ``make destroy`` needs FORCE=yes for environment ``name``: prod, or one keeping its data."""
    environments = (context or cdk_json_context()).get("environments") or {}
    retains = str((environments.get(name) or {}).get("retainData", True)).strip().lower()
    return name == "prod" or retains not in {"false", "0", "no", "off"}


def main(argv: list[str]) -> int:
    """``python -m infra.config protected <env>``: exit 0 if the environment is protected, 1 if not."""
    if len(argv) != 3 or argv[1] != "protected":
        print("usage: python -m infra.config protected <env>", file=sys.stderr)
        return 2
    return 0 if is_protected(argv[2]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
