"""Platforms declared per environment (cdk.json ``environments.<env>.platforms``): what a declaration
may say, and applying one to the platform it names, idempotently, at every deploy.

The rule (docs/operations.md, Platforms and the first admin):

- an undeclared platform is created with the declared fields;
- a declared platform that exists gets the declared fields (name, languages, modules, default tier)
  set to the declaration, and the declared domain added in first place if it lost it; everything
  else is left as it is at run time: other domains a platform admin added, the default theme, and
  every merchant, store, user and order;
- a platform no longer declared (or a whole declaration removed) is never deleted or changed;
- applying the same declaration twice writes nothing the second time.

``mailFrom`` is not stored on the platform: it is the sender of the declared domain, which the
deployment turns into an SES identity and the outbox sender's ``ORION_MAIL_SENDERS`` entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from email.utils import parseaddr
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_serializer
from pydantic.alias_generators import to_camel

from orion import runtime
from orion.errors import Conflict, Invalid
from orion.tenancy.directory import tenant_directory
from orion.tenancy.domains import canonical_host
from orion.tenancy.errors import InvalidDeclaration
from orion.tenancy.hosts import normalize_host
from orion.tenancy.models import LANGUAGES, Code, Platform, Tier
from orion.tenancy.repository import TenancyRepository


def _public_domain(value: str) -> str:
    host = normalize_host(value)
    if host is None or host != value.strip().lower() or "." not in host or host.endswith(".localhost"):
        raise ValueError("must be a public domain name such as 'oms.lu' (no scheme, port or path)")
    return host


def _languages(value: tuple[str, ...]) -> tuple[str, ...]:
    if not value:
        raise ValueError("must name at least one language (the first is the default)")
    unknown = [language for language in value if language not in LANGUAGES]
    if unknown:
        raise ValueError(f"unsupported {', '.join(unknown)}; Orion speaks {', '.join(LANGUAGES)}")
    if len(set(value)) != len(value):
        raise ValueError("lists a language twice")
    return value


def _modules(value: frozenset[str]) -> frozenset[str]:
    from orion.modules.registry import missing_dependencies, optional_module_codes

    unknown = sorted(value - optional_module_codes())
    if unknown:
        known = ", ".join(sorted(optional_module_codes()))
        raise ValueError(f"not optional modules: {', '.join(unknown)} (optional modules: {known})")
    missing = missing_dependencies(value)
    if missing:
        needs = "; ".join(f"{module} needs {', '.join(deps)}" for module, deps in sorted(missing.items()))
        raise ValueError(f"a module's dependencies are not declared: {needs}")
    return value


def _address(value: str) -> str:
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or domain.lower().endswith(".localhost"):
        raise ValueError("must be an e-mail address on a public domain, e.g. 'OMS <no-reply@oms.lu>'")
    return value.strip()


class PlatformDeclaration(BaseModel):
    """One platform as an environment declares it (camelCase in cdk.json)."""

    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True)

    code: Code
    name: str = Field(min_length=1, max_length=120)
    domain: Annotated[str, AfterValidator(_public_domain)]
    # The platform site's languages, default first.
    languages: Annotated[tuple[str, ...], AfterValidator(_languages)] = ("en",)
    # The optional modules switched on (core modules always are).
    modules: Annotated[frozenset[str], AfterValidator(_modules)] = frozenset()
    default_tier: Tier = Tier.ESSENTIAL
    mail_from: Annotated[str, AfterValidator(_address)]

    @field_serializer("modules")
    def _sorted_modules(self, modules: frozenset[str]) -> list[str]:
        return sorted(modules)  # a stable custom resource property (a set has no order)

    @property
    def sender_domain(self) -> str:
        return parseaddr(self.mail_from)[1].rpartition("@")[2].lower()


def parse_declarations(raw: Any, setting: str = "platforms") -> tuple[PlatformDeclaration, ...]:
    """The declarations in ``raw`` (a list of objects, as cdk.json holds them), checked together: codes
    and domains unique. Any mistake raises :class:`InvalidDeclaration` naming the first bad setting."""
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise InvalidDeclaration(f"{setting}: must be a list of platform declarations")
    declarations: list[PlatformDeclaration] = []
    for index, entry in enumerate(raw):
        try:
            declarations.append(PlatformDeclaration.model_validate(entry))
        except ValidationError as exc:
            raise InvalidDeclaration(_first_problem(exc, f"{setting}[{index}]")) from None
    for field, value_of in (("code", _code), ("domain", _domain)):
        seen: dict[str, int] = {}
        for index, declaration in enumerate(declarations):
            value = value_of(declaration)
            if value in seen:
                raise InvalidDeclaration(
                    f"{setting}[{index}].{field}: {value!r} is already declared by {setting}[{seen[value]}]"
                )
            seen[value] = index
    return tuple(declarations)


def _code(declaration: PlatformDeclaration) -> str:
    return declaration.code


def _domain(declaration: PlatformDeclaration) -> str:
    return declaration.domain


def _first_problem(exc: ValidationError, where: str) -> str:
    problem = exc.errors()[0]
    path = "".join(
        f"[{part}]" if isinstance(part, int) else f".{to_camel(str(part))}" for part in problem["loc"]
    )
    message = str(problem["msg"]).removeprefix("Value error, ")
    if problem["type"] == "missing":
        message = "is required"
    elif problem["type"] == "extra_forbidden":
        message = "is not a platform setting (code, name, domain, languages, modules, defaultTier, mailFrom)"
    return f"{where}{path}: {message}"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class Applied(BaseModel):
    """What applying one declaration did."""

    model_config = ConfigDict(frozen=True)

    code: str
    outcome: Outcome
    changed: tuple[str, ...] = ()  # the fields an update set


def declared_platform(declaration: PlatformDeclaration, current: Platform | None) -> Platform:
    """The platform as it should be after applying ``declaration`` over ``current`` (None: new)."""
    domain = canonical_host(declaration.domain)
    declared: dict[str, Any] = {
        "name": declaration.name,
        "languages": declaration.languages,
        "default_language": declaration.languages[0],
        "enabled_modules": declaration.modules,
        "default_tier": declaration.default_tier,
    }
    if current is None:
        return Platform(code=declaration.code, domains=(domain,), **declared)
    # The declared domain leads (links and e-mails use a platform's first domain); domains added at
    # run time stay.
    domains = (domain, *(d for d in current.domains if d != domain))
    return current.model_copy(update={**declared, "domains": domains})


def apply_declaration(declaration: PlatformDeclaration) -> Applied:
    """Create or update the declared platform (see the module's rule); a declared domain another
    platform serves is a Conflict and nothing is written."""
    repository = runtime.repository(TenancyRepository)
    current = repository.get_platform(declaration.code)
    wanted = declared_platform(declaration, current)
    holder = repository.lookup_domains([wanted.domains[0]]).get(wanted.domains[0])
    if holder is not None and (holder.platform != wanted.code or holder.store is not None):
        raise Conflict(
            f"platform {wanted.code!r}: the declared domain {wanted.domains[0]} already serves "
            f"{holder.platform}{'/' + holder.store if holder.store else ''}"
        )
    if current is None:
        repository.put_platform(wanted)
        tenant_directory().forget()
        return Applied(code=wanted.code, outcome=Outcome.CREATED)
    changed = tuple(
        field
        for field in ("name", "domains", "languages", "default_language", "enabled_modules", "default_tier")
        if getattr(current, field) != getattr(wanted, field)
    )
    if not changed:
        return Applied(code=wanted.code, outcome=Outcome.UNCHANGED)
    repository.put_platform(wanted)
    tenant_directory().forget()
    return Applied(code=wanted.code, outcome=Outcome.UPDATED, changed=changed)


def apply_declarations(raw: Iterable[Any]) -> list[Applied]:
    """Apply every declaration in ``raw`` in order (the deploy's custom resource); an invalid one is
    Invalid (4xx) before anything is written."""
    try:
        declarations = parse_declarations(list(raw))
    except InvalidDeclaration as exc:
        raise Invalid(str(exc)) from None
    return [apply_declaration(declaration) for declaration in declarations]
