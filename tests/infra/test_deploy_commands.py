"""``make bootstrap | diff | deploy`` from a fresh clone: the pinned CDK CLI runs cdk.json's ``app``
whatever PATH holds (uv need not be on it) and whether or not its output is a terminal (piped, the CLI
sets ``FORCE_COLOR=0``, which uv once read as "force colour" and so wrote ANSI escapes into the
dependency layer's requirements file)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from infra.config import REPO_ROOT
from tests.infra.conftest import ALARM_EMAIL

MAKEFILE = (REPO_ROOT / "Makefile").read_text()
CDK_CLI_VERSION = re.search(r"^CDK_CLI_VERSION := (\S+)$", MAKEFILE, re.MULTILINE).group(1)  # type: ignore[union-attr]
ANSI_ESCAPE = "\x1b["
STACKS = ("data", "mail", "api", "observability", "imports", "storefront")
# What a first synth of each environment needs on top of cdk.json (prod: who gets the alarms, and an
# account, as its WAF lives in us-east-1 and CloudFront references it across regions).
ENVIRONMENTS: dict[str, dict[str, Any]] = {
    "dev": {"env": "dev", "stubLayer": True},
    "prod": {"env": "prod", "stubLayer": True, "account": "123456789012", "alarmEmail": ALARM_EMAIL},
}
EXPECTED_STACKS = {
    "dev": {f"orion-dev-{stack}" for stack in STACKS},
    "prod": {f"orion-prod-{stack}" for stack in (*STACKS, "edge-waf")},
}


def path_without_uv() -> str:
    """This PATH minus every folder that holds a ``uv`` (as on a machine where ``make venv`` put uv
    in ``~/.local/bin`` without that folder being on PATH)."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    kept = [folder for folder in folders if folder and not (Path(folder) / "uv").exists()]
    assert shutil.which("uv", path=os.pathsep.join(kept)) is None
    return os.pathsep.join(kept)


def fresh_shell_environment() -> dict[str, str]:
    """An operator's shell: HOME and a PATH without uv; nothing this test session exported."""
    keep = ("HOME", "LANG", "TMPDIR", "npm_config_cache", "JSII_RUNTIME_PACKAGE_CACHE_ROOT")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(
        PATH=path_without_uv(),
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        npm_config_loglevel="error",
        npm_config_update_notifier="false",
    )
    return env


def synthesised_stacks(outdir: Path) -> set[str]:
    manifest = json.loads((outdir / "manifest.json").read_text())
    return {
        name
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }


def run_all(commands: dict[str, tuple[str | list[str], dict[str, str]]]) -> dict[str, tuple[int, str]]:
    """Run each command at once (output piped, never a terminal); exit code and output of each."""
    started = {
        name: subprocess.Popen(
            command,
            shell=isinstance(command, str),
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, (command, env) in commands.items()
    }
    results = {}
    for name, process in started.items():
        output, _ = process.communicate(timeout=600)
        results[name] = (process.returncode, output)
    return results


def test_cdk_json_runs_the_projects_own_python_never_a_bare_uv() -> None:
    app = json.loads((REPO_ROOT / "cdk.json").read_text())["app"]

    words = shlex.split(app)
    assert "uv" not in words
    assert ".venv/bin/python" in words
    assert words[-2:] == ["-m", "infra.app"]


def pinned_cli() -> list[str] | None:
    """The CDK CLI the Makefile pins, through npx, if npm can provide it here (it may need the network
    the first time: a CI machine without it checks cdk.json's ``app`` as the CLI would run it)."""
    npx = shutil.which("npx")
    if npx is None:
        return None
    command = [npx, "--yes", f"aws-cdk@{CDK_CLI_VERSION}"]
    try:
        probe = subprocess.run(
            [*command, "--version"],
            env=fresh_shell_environment(),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    return command if probe.returncode == 0 and probe.stdout.startswith(CDK_CLI_VERSION) else None


def synth_commands(outdir: Path) -> dict[str, tuple[str | list[str], dict[str, str]]]:
    """``cdk synth --all`` of each environment with the pinned CLI; without it, exactly what the CLI
    does: cdk.json's ``app`` through a shell in the project folder, the context in CDK_CONTEXT_JSON, the
    output folder in CDK_OUTDIR and FORCE_COLOR=0, as the CLI sets when its output is not a terminal."""
    cli = pinned_cli()
    app = json.loads((REPO_ROOT / "cdk.json").read_text())["app"]
    commands: dict[str, tuple[str | list[str], dict[str, str]]] = {}
    for name, context in ENVIRONMENTS.items():
        if cli is not None:
            options = [part for key, value in context.items() for part in ("-c", f"{key}={value}")]
            command = [*cli, "synth", "--all", "--quiet", "-o", str(outdir / name), *options]
            commands[name] = (command, fresh_shell_environment())
            continue
        env = {
            **fresh_shell_environment(),
            "FORCE_COLOR": "0",
            "CDK_OUTDIR": str(outdir / name),
            "CDK_CONTEXT_JSON": json.dumps(context),
        }
        commands[name] = (app, env)
    return commands


@pytest.mark.slow  # the CDK CLI (Node) synthesising both environments: `make test-deep`, in CI too
def test_the_pinned_cli_synthesises_every_stack_of_both_environments_piped_and_without_uv(
    tmp_path: Path,
) -> None:
    commands = synth_commands(tmp_path)

    results = run_all(commands)

    for name, (code, output) in results.items():
        assert code == 0, output
        assert synthesised_stacks(tmp_path / name) == EXPECTED_STACKS[name]


def test_the_layer_s_requirements_are_plain_text_when_colour_is_forced_and_uv_is_off_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from layers.dependency_layer import runtime_requirements, uv_executable

    monkeypatch.setenv("PATH", path_without_uv())
    monkeypatch.delenv("UV", raising=False)
    for forced in ("0", "1"):
        monkeypatch.setenv("FORCE_COLOR", forced)
        monkeypatch.setenv("CLICOLOR_FORCE", forced)

        requirements = runtime_requirements()

        assert Path(uv_executable()).is_file()
        assert ANSI_ESCAPE not in requirements
        first = requirements.splitlines()[0]
        assert re.match(r"^[a-z0-9][a-z0-9._-]*==\S+ \\$", first), first
        assert "pydantic==" in requirements
