"""Saved sources ``/admin/imports/sources``: the store's catalogue feeds fetched on a schedule, each with
its address per language, format, schedule, publish policy and what becomes of products a full feed no
longer lists; a source's runs (each an import job in the history), running one now, pausing and resuming,
taking a held feed as the guards' new baseline, and deleting.

The same ``orion.imports.sources`` services, permissions (reading ``imports.view``, running
``imports.run``, configuring ``imports.configure``) and audit records as the staff API's
``/api/v1/imports/sources``. This module sorts before ``imports`` (the app mounts the page modules in
name order), so ``/admin/imports/sources`` is never taken for a job's id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from functions.console import auditing
from functions.console.pages.imports import FORMATS
from functions.console.web import Console, Posted, SignedIn, humane
from orion.errors import Conflict, Invalid
from orion.imports.models import LANGUAGES
from orion.imports.sources import service as sources
from orion.imports.sources.models import (
    MissingPolicy,
    PublishPolicy,
    RunStatus,
    Source,
    SourceChange,
    SourceInput,
    SourceSchedule,
    SourceStatus,
)
from orion.settings import get_settings

router = APIRouter()

BASE = "/admin/imports/sources"
SourceId = Annotated[str, Path(max_length=40)]
CORRECT = "Please correct the fields marked below."

SCHEDULES = (
    (SourceSchedule.DAILY.value, "Every day"),
    (SourceSchedule.HOURLY.value, "Every hour"),
    (SourceSchedule.MANUAL.value, "Only when run by hand"),
)
PUBLISH = (
    (PublishPolicy.NONE.value, "Leave the products staged: staff publish them"),
    (PublishPolicy.NEW.value, "Publish products the store does not have yet"),
    (PublishPolicy.ALL.value, "Publish every product of the feed"),
)
MISSING = (
    (MissingPolicy.KEEP.value, "Keep them"),
    (MissingPolicy.ARCHIVE.value, "Archive them"),
)
LANGUAGE_NAMES = {"fr": "French", "de": "German", "en": "English"}
RUN_LABELS = {
    RunStatus.QUEUED: "Queued",
    RunStatus.RUNNING: "Running",
    RunStatus.UNCHANGED: "Unchanged",
    RunStatus.STAGED: "Staged",
    RunStatus.HELD: "Held at staging",
    RunStatus.PUBLISHED: "Published",
    RunStatus.FAILED: "Failed",
}
FIELDS = ("name", *(f"url_{lang}" for lang in LANGUAGES), "format", "schedule", "publish", "missing")


def _values(source: Source) -> dict[str, str]:
    values = {
        "name": source.name,
        "format": source.format.value,
        "schedule": source.schedule.value,
        "publish": source.publish.value,
        "missing": source.missing.value,
    }
    values |= {f"url_{lang}": url for lang, url in source.urls.items()}
    return values


def _posted(console: Console) -> tuple[dict[str, str], dict[str, Any]]:
    """The form's values (to show again) and the body the services take: blank addresses left out."""
    form = console.form
    values = {name: form.get(name).strip() for name in FIELDS}
    body: dict[str, Any] = {
        "name": values["name"],
        "urls": {lang: values[f"url_{lang}"] for lang in LANGUAGES if values[f"url_{lang}"]},
    }
    for name in ("format", "schedule", "publish", "missing"):
        if values[name]:
            body[name] = values[name]
    return values, body


def _field(path: str) -> str:
    """A service's field (``urls.fr``, ``urls``) as the form's (``url_fr``; the first address)."""
    name, _, language = path.partition(".")
    if name == "urls":
        return f"url_{language}" if language in LANGUAGES else f"url_{LANGUAGES[0]}"
    return name


def _errors(console: Console, exc: ValidationError | Invalid) -> dict[str, str]:
    found: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        problems = [(".".join(str(p) for p in e["loc"]), str(e["msg"])) for e in exc.errors()]
    else:
        problems = [(item.field, item.message) for item in exc.errors]
    for path, said in problems:
        text = said
        if path.startswith("urls") and said.startswith(("Dictionary should have at least", "Field required")):
            text = "Give the feed's address in at least one language."
        sentence, values = humane(text)
        found.setdefault(_field(path), console._(sentence, **values))
    return found


def _options(console: Console, pairs: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(value, console._(label)) for value, label in pairs]


def _render(
    console: Console,
    template: str,
    status: int = 200,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    **context: Any,
) -> HTMLResponse:
    return console.render(
        template,
        status,
        languages=[(lang, console._(LANGUAGE_NAMES[lang])) for lang in LANGUAGES],
        formats=_options(console, FORMATS),
        schedules=_options(console, SCHEDULES),
        publish_options=_options(console, PUBLISH),
        missing_options=_options(console, MISSING),
        run_labels={status.value: console._(label) for status, label in RUN_LABELS.items()},
        allowed_hosts=get_settings().import_fetch_allowed_hosts,
        values=values if values is not None else {"format": "auto", "schedule": "daily"},
        errors=errors or {},
        message=message,
        **context,
    )


def _target(source_id: str) -> str:
    return f"import_source:{source_id}"


# --- the list and adding ---------------------------------------------------------------------------------


def _list(console: Console, status: int = 200, **context: Any) -> HTMLResponse:
    access = console.need("imports.view")
    found = sources.list_sources(access.tenant)
    return _render(console, "import_sources.html", status, sources=found, **context)


@router.get(BASE)
def list_sources(console: SignedIn) -> HTMLResponse:
    return _list(console)


@router.post(BASE)
def add(console: Posted) -> Response:
    access = console.need("imports.configure")
    values, body = _posted(console)
    try:
        source = sources.create_source(
            access.tenant, SourceInput.model_validate(body), created_by=access.user_id
        )
    except (ValidationError, Invalid) as exc:
        return _list(console, 422, values=values, errors=_errors(console, exc), message=console._(CORRECT))
    except Conflict as exc:  # the store's limit of saved sources
        return _list(console, 409, values=values, message=console.error_message(exc))
    auditing.record(console, "imports.source_create", _target(source.id), {"name": source.name})
    return console.redirect(f"{BASE}/{source.id}", console._("Source saved."))


# --- one source ------------------------------------------------------------------------------------------


def _detail(console: Console, source_id: str, status: int = 200, **context: Any) -> HTMLResponse:
    access = console.need("imports.view")
    source = sources.get_source(access.tenant, source_id)
    context.setdefault("values", _values(source))
    return _render(
        console,
        "import_source.html",
        status,
        source=source,
        runs=sources.list_runs(access.tenant, source.id, 20),
        held=any(state.held_profile for state in source.state.values()),
        **context,
    )


@router.get(BASE + "/{source_id}")
def source_page(source_id: SourceId, console: SignedIn) -> HTMLResponse:
    return _detail(console, source_id)


@router.post(BASE + "/{source_id}")
def save(source_id: SourceId, console: Posted) -> Response:
    access = console.need("imports.configure")
    values, body = _posted(console)
    if not body["urls"]:
        body["urls"] = {}  # refused by the model's "at least one" rule, with the field named
    try:
        change = SourceChange.model_validate(body)
        sources.update_source(access.tenant, source_id, change)
    except (ValidationError, Invalid) as exc:
        errors = _errors(console, exc)
        return _detail(console, source_id, 422, values=values, errors=errors, message=console._(CORRECT))
    auditing.record(console, "imports.source_update", _target(source_id), {"fields": sorted(body)})
    return console.redirect(f"{BASE}/{source_id}", console._("Source saved."))


@router.post(BASE + "/{source_id}/run")
def run_now(source_id: SourceId, console: Posted) -> Response:
    access = console.need("imports.run")
    try:
        run = sources.request_run(access.tenant, source_id)
    except Conflict:  # one run at a time: this source's run is queued or under way
        message = console._("This source is already being fetched; wait for its run to end.")
        return _detail(console, source_id, 409, message=message)
    auditing.record(console, "imports.source_run", _target(source_id), {"run_id": run.id})
    return console.redirect(
        f"{BASE}/{source_id}", console._("The source is being fetched; its run appears below.")
    )


@router.post(BASE + "/{source_id}/status")
def pause_or_resume(source_id: SourceId, console: Posted) -> Response:
    access = console.need("imports.configure")
    try:
        status = SourceStatus(console.form.get("status"))
    except ValueError:
        return _detail(console, source_id, 422, message=console._("Choose a status."))
    sources.update_source(access.tenant, source_id, SourceChange(status=status))
    auditing.record(console, "imports.source_update", _target(source_id), {"status": status.value})
    notice = "Source resumed." if status is SourceStatus.ACTIVE else "Source paused."
    return console.redirect(f"{BASE}/{source_id}", console._(notice))


@router.post(BASE + "/{source_id}/accept")
def accept_feeds(source_id: SourceId, console: Posted) -> Response:
    """Take the held feeds as the guards' new baseline: the next runs compare with them."""
    access = console.need("imports.configure")
    sources.update_source(access.tenant, source_id, SourceChange(accept_feeds=True))
    auditing.record(console, "imports.source_update", _target(source_id), {"accept_feeds": True})
    return console.redirect(
        f"{BASE}/{source_id}", console._("The held feed is now what the next runs compare with.")
    )


@router.post(BASE + "/{source_id}/delete")
def delete(source_id: SourceId, console: Posted) -> Response:
    access = console.need("imports.configure")
    sources.delete_source(access.tenant, source_id)
    auditing.record(console, "imports.source_delete", _target(source_id))
    return console.redirect(BASE, console._("Source deleted. Its imports stay in the history."))
