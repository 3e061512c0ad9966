"""The dependency layer: the project's runtime dependencies (uv.lock) plus ``shared/orion`` for arm64.

CDK calls :class:`UvLocalBundling` during synth: ``uv pip install`` resolves manylinux aarch64 wheels
for the Lambda Python version into ``python/`` (``--only-binary :all:``, so nothing is compiled for the
wrong machine and Docker is never needed), then the ``orion`` package is copied next to them, tests
and caches are stripped, and the size is checked against Lambda's 250 MB limit with headroom.

Run ``python -m layers.dependency_layer <dir>`` to build it by hand and see its size.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

REPO_ROOT = Path(__file__).resolve().parents[1]
ORION_PACKAGE = REPO_ROOT / "shared" / "orion"
STUB_DIR = Path(__file__).resolve().parent / "stub"
LAMBDA_PYTHON = "3.13"
# Lambda Python 3.13 runs on Amazon Linux 2023 (glibc 2.34): manylinux_2_28 wheels fit, and some
# dependencies (argon2-cffi-bindings) publish no manylinux2014 aarch64 wheel any more.
PLATFORM = "aarch64-manylinux_2_28"
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
STRIP_DIRS = {"__pycache__", "tests", "test", ".pytest_cache"}
STRIP_SUFFIXES = (".pyc", ".pyo", ".pyi")


def uv_executable() -> str:
    """uv, wherever ``make venv`` found or put it: ``$UV`` (the Makefile exports it), PATH, or the user
    scripts folder ``pip install --user`` fills (often not on PATH, e.g. ``~/.local/bin``)."""
    found = os.environ.get("UV") or shutil.which("uv")
    if found:
        return found
    user_scripts = Path(sysconfig.get_path("scripts", f"{os.name}_user"))
    candidates = [
        user_scripts / "uv",
        Path.home() / ".local" / "bin" / "uv",
        Path.home() / ".cargo" / "bin" / "uv",
    ]
    return str(next((path for path in candidates if path.is_file()), candidates[0]))


def uv_environment() -> dict[str, str]:
    """The environment every uv call of the build runs with: never coloured. When its output is not a
    terminal the CDK CLI sets ``FORCE_COLOR=0``, which uv reads as "force colour" (any value counts), and
    an exported requirements file starting with ANSI escapes is one pip cannot read."""
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "CLICOLOR_FORCE"}}
    env.update(NO_COLOR="1", UV_NO_PROGRESS="1")
    return env


def uv(*arguments: str) -> list[str]:
    """A uv command line that never colours its output, whatever the environment says."""
    return [uv_executable(), "--color", "never", *arguments]


def runtime_requirements() -> str:
    """The locked runtime dependencies (no dev or infra groups), as a hashed requirements file."""
    result = subprocess.run(
        uv("export", "--frozen", "--no-dev", "--no-group", "infra", "--no-emit-project", "--no-header"),
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
        env=uv_environment(),
    )
    return result.stdout


def layer_hash() -> str:
    """Changes whenever the locked dependencies, the orion package or this builder change."""
    digest = hashlib.sha256()
    digest.update(runtime_requirements().encode())
    digest.update(Path(__file__).read_bytes())
    # Every file the layer ships (code, and data such as the shopper translations' JSON), bytecode aside.
    for path in sorted(p for p in ORION_PACKAGE.rglob("*") if p.is_file() and p.suffix not in (".pyc",)):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(ORION_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def strip(site: Path) -> None:
    """Drop what Lambda never imports: test suites, caches, stubs, compiled files for another Python."""
    shutil.rmtree(site / "bin", ignore_errors=True)  # console scripts of the installed packages
    for path in sorted(site.rglob("*"), reverse=True):
        if path.is_dir() and path.name in STRIP_DIRS and path.parent != site:
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file() and path.suffix in STRIP_SUFFIXES:
            path.unlink()


def lambda_python() -> list[str] | None:
    """A command running the Lambda's Python version here, if any (``ORION_LAYER_PYTHON``,
    ``python3.13`` on PATH, or a pyenv-installed 3.13)."""
    candidates: list[tuple[list[str], dict[str, str]]] = []
    if os.environ.get("ORION_LAYER_PYTHON"):
        candidates.append(([os.environ["ORION_LAYER_PYTHON"]], {}))
    if shutil.which(f"python{LAMBDA_PYTHON}"):
        candidates.append(([f"python{LAMBDA_PYTHON}"], {}))
        if shutil.which("pyenv"):
            versions = subprocess.run(
                ["pyenv", "versions", "--bare"], capture_output=True, text=True, check=False
            ).stdout.split()
            candidates += [
                ([f"python{LAMBDA_PYTHON}"], {"PYENV_VERSION": v})
                for v in versions
                if v.startswith(f"{LAMBDA_PYTHON}.")
            ]
    for command, extra_env in candidates:
        probe = subprocess.run(
            [*command, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **extra_env},
        )
        if probe.returncode == 0 and probe.stdout.strip() == LAMBDA_PYTHON:
            return [*[f"{k}={v}" for k, v in extra_env.items()], *command]
    return None


def compile_bytecode(site: Path) -> bool:
    """Ship .pyc when an interpreter of the Lambda's Python version is at hand (cold starts skip the
    compile); bytecode of another version would be ignored by Lambda, so none is shipped then."""
    command = lambda_python()
    if command is None:
        print(f"dependency layer: no Python {LAMBDA_PYTHON} here, shipping sources without .pyc")
        return False
    subprocess.run(
        [
            "env",
            *command,
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            str(site),
        ],
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )
    return True


def size_of(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def install_command(site: Path, requirements: Path) -> list[str]:
    return uv(
        "pip",
        "install",
        "--quiet",
        "--python-platform",
        PLATFORM,
        "--python-version",
        LAMBDA_PYTHON,
        "--only-binary",
        ":all:",
        "--target",
        str(site),
        "--requirement",
        str(requirements),
    )


def _install(site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as work:
        requirements = Path(work) / "requirements.txt"
        requirements.write_text(runtime_requirements())
        return subprocess.run(
            [*install_command(site, requirements), *extra],
            cwd=REPO_ROOT,
            env=uv_environment(),
            check=False,
            capture_output=True,
            text=True,
        )


def wheels_reachable() -> bool:
    """Whether the layer can be built here: every wheel in uv's cache, or the package index reachable."""
    with tempfile.TemporaryDirectory() as work:
        site = Path(work) / "python"
        return any(_install(site, "--dry-run", *mode).returncode == 0 for mode in (["--offline"], []))


def build_layer(output_dir: Path) -> int:
    """Build the layer into ``output_dir/python``; returns its unzipped size in bytes."""
    site = output_dir / "python"
    site.mkdir(parents=True, exist_ok=True)
    # uv's cache first (no network), then the package index.
    if _install(site, "--offline").returncode != 0:
        online = _install(site)
        if online.returncode != 0:
            raise RuntimeError(f"dependency layer: uv pip install failed:\n{online.stderr}")
    shutil.copytree(ORION_PACKAGE, site / "orion", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    strip(site)
    compile_bytecode(site)
    size = size_of(output_dir)
    limit_mib = MAX_UNZIPPED_BYTES // 1024 // 1024
    print(f"dependency layer: {size / 1024 / 1024:.1f} MiB unzipped (limit {limit_mib} MiB)")
    if size > MAX_UNZIPPED_BYTES:
        raise RuntimeError(f"dependency layer is {size} bytes unzipped, over the {MAX_UNZIPPED_BYTES} limit")
    return size


@jsii.implements(ILocalBundling)
class UvLocalBundling:
    """CDK local bundling: builds the layer on this machine, so synth never needs Docker."""

    def try_bundle(self, output_dir: str, options: Any) -> bool:
        build_layer(Path(output_dir))
        return True


def dependency_layer_code(*, stub: bool) -> lambda_.Code:
    """The layer's code asset; ``stub`` (tests, quick offline synth) skips the real install.

    ``ORION_LAYER_FALLBACK=stub`` (``make synth``) uses the stub when no wheel source is reachable, so
    synthesis works offline; the stub has its own asset hash, so it is never mistaken for the real layer.
    """
    if not stub and os.environ.get("ORION_LAYER_FALLBACK") == "stub" and not wheels_reachable():
        print("dependency layer: no wheel source reachable (offline?), synthesising with the stub layer")
        stub = True
    if stub:
        return lambda_.Code.from_asset(str(STUB_DIR))
    return lambda_.Code.from_asset(
        str(STUB_DIR),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=layer_hash(),
        bundling=BundlingOptions(
            # Only used if local bundling declined, which it never does.
            image=DockerImage.from_registry("public.ecr.aws/sam/build-python3.13"),
            # jsii calls try_bundle(output_dir, options) positionally; the stub's keyword form differs.
            local=UvLocalBundling(),  # type: ignore[arg-type]
            command=["false"],
        ),
    )


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="orion-layer-"))
    build_layer(target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
