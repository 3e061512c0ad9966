"""Lighthouse on the demo store (issue 20): performance, accessibility, best practices and SEO of the home
page, the listing and a product page, mobile profile, against the local cloud `make run` starts.

Lighthouse 12.2.3 (the last line that runs on Node 20) is pinned in ``tests/bench/lighthouse/`` and
installed there with ``npm ci`` when its lock file changed; it drives Debian's headless Chromium
(``CHROME_PATH``). Each page is fetched once first, so no cold start is measured, then audited
``ORION_LIGHTHOUSE_RUNS`` times (3); the median of each category is reported against the goal of 95,
with what Lighthouse found on every page below it. Reports (JSON and HTML, every run) go to
``test-artifacts/lighthouse/``. A score under the goal is reported, not failed, like every benchmark's
goal; the run fails only when Lighthouse could not measure a page (docs/development.md, Lighthouse).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.environment import ARTIFACTS
from tests.local_server import LocalServer, running_local_server

HERE = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
# Written after a successful `npm ci`: the lock file it installed (so the next run skips the install).
INSTALLED_STAMP = HERE / "node_modules" / ".orion-installed-lock"
REPORTS = ARTIFACTS / "lighthouse"

STORE_HOST = "wizamart.oms.localhost"  # Chromium resolves every *.localhost name to loopback
PAGES = (
    ("home", "/"),
    ("listing", "/products"),
    ("product", "/products/classic-t-shirt"),  # variants, one out of stock
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LABELS = {
    "performance": "perf",
    "accessibility": "a11y",
    "best-practices": "best practices",
    "seo": "SEO",
}
GOAL = 95
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
# One Lighthouse run of a page takes 10-20 s here; a run that hangs is stopped.
RUN_TIMEOUT_SECONDS = 180


class CannotMeasure(Exception):
    """Lighthouse could not measure: not installed, crashed, or the page did not load."""


@dataclass
class Finding:
    """An audit that cost points in a category, as Lighthouse titled it."""

    audit: str
    title: str
    score: float | None
    display: str
    where: list[str] = field(default_factory=list)  # the first elements or resources it names


@dataclass
class PageResult:
    name: str
    path: str
    url: str
    runs: list[dict[str, float]] = field(default_factory=list)  # category -> score (0-100), per run
    findings: dict[str, dict[str, Finding]] = field(default_factory=dict)  # category -> audit -> it
    reports: list[Path] = field(default_factory=list)
    errored: set[str] = field(default_factory=set)  # audits Lighthouse could not run (no score)
    benchmark_index: list[float] = field(default_factory=list)

    def median(self, category: str) -> float:
        return statistics.median(run[category] for run in self.runs)

    def spread(self, category: str) -> str:
        values = [run[category] for run in self.runs]
        return "" if min(values) == max(values) else f" ({min(values):.0f}-{max(values):.0f})"

    @property
    def passed(self) -> bool:
        return all(self.median(category) >= GOAL for category in CATEGORIES)


# --- installing -------------------------------------------------------------------------------------


def chrome_path() -> str:
    found = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise CannotMeasure("Debian's chromium is not installed (make browser installs it)")
    return found


def ensure_lighthouse() -> None:
    """`npm ci` in tests/bench/lighthouse unless its node_modules already holds that lock file."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise CannotMeasure("Lighthouse needs Node.js (>= 18.16, 20 here) and npm")
    lock = hashlib.sha256((HERE / "package-lock.json").read_bytes()).hexdigest()
    if LIGHTHOUSE.exists() and INSTALLED_STAMP.exists() and INSTALLED_STAMP.read_text() == lock:
        return
    print("installing the pinned Lighthouse (npm ci in tests/bench/lighthouse)...", flush=True)
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CannotMeasure(f"npm ci failed ({done.returncode}):\n{done.stderr[-2000:]}")
    INSTALLED_STAMP.write_text(lock)


# --- measuring ---------------------------------------------------------------------------------------


def warm(server: LocalServer) -> None:
    """Each page once, so the functions' cold starts are not what Lighthouse measures; each must be a 200."""
    with server.client(STORE_HOST) as shop:
        for _, path in PAGES:
            answer = shop.get(path)
            if answer.status_code != 200:
                raise CannotMeasure(f"{path} answered {answer.status_code}")


def lighthouse(url: str, output: Path) -> dict[str, Any]:
    """One Lighthouse run (mobile, the default form factor): its report, also saved as JSON and HTML."""
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": chrome_path()}
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise CannotMeasure(f"Lighthouse took more than {RUN_TIMEOUT_SECONDS} s on {url}") from error
    report_path = output.with_name(output.name + ".report.json")
    if done.returncode != 0 or not report_path.exists():
        raise CannotMeasure(f"Lighthouse failed on {url} ({done.returncode}):\n{done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(report_path.read_text())
    if report.get("runtimeError"):
        failure = report["runtimeError"]
        raise CannotMeasure(
            f"Lighthouse could not load {url}: {failure.get('code')}: {failure.get('message')}"
        )
    return report


def scores_of(report: dict[str, Any]) -> dict[str, float]:
    scores = {}
    for category in CATEGORIES:
        score = report["categories"][category]["score"]
        if score is None:  # an audit of the category errored
            raise CannotMeasure(f"no {category} score for {report['finalDisplayedUrl']}")
        scores[category] = round(score * 100)
    return scores


def findings_of(report: dict[str, Any]) -> dict[str, dict[str, Finding]]:
    """Per category, the audits that cost it points (weighted, below a full score); for performance
    also the opportunities and diagnostics that flag something (they feed the metrics, unweighted)."""
    found: dict[str, dict[str, Finding]] = {}
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if score is None or score >= 1 or audit.get("scoreDisplayMode") in ("informative", "manual"):
                continue
            if ref.get("weight", 0) == 0 and not (category == "performance" and score < 0.9):
                continue
            found.setdefault(category, {})[ref["id"]] = Finding(
                ref["id"], audit["title"], score, audit.get("displayValue", ""), where_of(audit)
            )
    return found


def where_of(audit: dict[str, Any], most: int = 3) -> list[str]:
    """What an audit's details name first: an element's selector, a resource's URL, a message."""
    named = []
    for item in (audit.get("details") or {}).get("items") or []:
        node = item.get("node") if isinstance(item.get("node"), dict) else None
        if node and node.get("selector"):
            named.append(f"{node['selector']} {node.get('snippet', '')}".strip())
        elif item.get("description") and isinstance(item.get("sourceLocation"), dict):
            named.append(f"{item['description']} ({item['sourceLocation'].get('url', '')})")
        elif isinstance(item.get("url"), str):
            named.append(item["url"])
        if len(named) == most:
            break
    return named


def measure(server: LocalServer, runs: int) -> list[PageResult]:
    results = []
    for name, path in PAGES:
        result = PageResult(name, path, f"http://{STORE_HOST}:{server.port}{path}")
        for run in range(1, runs + 1):
            started = time.perf_counter()
            report = lighthouse(result.url, REPORTS / f"{name}-{run}")
            result.runs.append(scores_of(report))
            result.errored.update(
                audit for audit, found in report["audits"].items() if found.get("scoreDisplayMode") == "error"
            )
            for category, findings in findings_of(report).items():
                result.findings.setdefault(category, {}).update(findings)
            result.reports.append(REPORTS / f"{name}-{run}.report.html")
            result.benchmark_index.append(float(report.get("environment", {}).get("benchmarkIndex", 0)))
            scores = " ".join(f"{LABELS[c]} {s:.0f}" for c, s in result.runs[-1].items())
            print(f"  {name} run {run}: {scores} ({time.perf_counter() - started:.0f} s)", flush=True)
        results.append(result)
    return results


# --- reporting ---------------------------------------------------------------------------------------


def print_table(results: list[PageResult], runs: int) -> None:
    print(
        f"\nLighthouse {lighthouse_version()} (mobile), median of {runs} run{'s' if runs > 1 else ''}"
        f" per page (range when runs differ); goal: every category >= {GOAL}"
    )
    header = f"{'page':<9} {'URL':<26}" + "".join(f" {LABELS[c]:>14}" for c in CATEGORIES) + "  verdict"
    print(header)
    for result in results:
        cells = "".join(f" {f'{result.median(c):.0f}{result.spread(c)}':>14}" for c in CATEGORIES)
        print(f"{result.name:<9} {result.path:<26}{cells}  {'PASS' if result.passed else 'FAIL'}")
    for result in results:
        for category in CATEGORIES:
            findings = result.findings.get(category, {})
            if not findings:
                continue
            print(f"  {result.name}, {LABELS[category]} ({result.median(category):.0f}):")
            for finding in findings.values():
                score = "n/a" if finding.score is None else f"{finding.score:.2f}"
                shown = f" ({finding.display})" if finding.display else ""
                print(f"    {finding.audit} [{score}]: {finding.title}{shown}")
                for where in finding.where:
                    print(f"      {where[:160]}")
    errored = sorted(set().union(*(result.errored for result in results)))
    if errored:
        print(
            f"audits Lighthouse could not run here (unscored diagnostics; the report says why, e.g. a trace "
            f"of a newer Chromium than it knows): {', '.join(errored)}"
        )
    indexes = [index for result in results for index in result.benchmark_index if index]
    if indexes:
        print(
            f"Lighthouse's CPU benchmark index of this machine during the runs: {min(indexes):.0f}-"
            f"{max(indexes):.0f} (performance is simulated for a mid-range phone from it; a busy machine "
            "scores lower)"
        )
    print(f"reports (JSON and HTML, every run): {REPORTS}")
    if all(result.passed for result in results):
        print(f"PASS: every page scores >= {GOAL} in all four categories")
    else:
        failing = ", ".join(result.name for result in results if not result.passed)
        print(f"FAIL: a category under {GOAL} on {failing} (findings above)")


def lighthouse_version() -> str:
    package = json.loads((LIGHTHOUSE.parents[1] / "package.json").read_text())
    return str(package["version"])


def write_summary(results: list[PageResult], runs: int) -> None:
    summary = {
        "lighthouse": lighthouse_version(),
        "form_factor": "mobile",
        "runs": runs,
        "goal": GOAL,
        "pages": [
            {
                "page": result.name,
                "url": result.url,
                "median": {c: result.median(c) for c in CATEGORIES},
                "runs": result.runs,
                "passed": result.passed,
                "findings": {category: sorted(findings) for category, findings in result.findings.items()},
            }
            for result in results
        ],
    }
    (REPORTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")


def main() -> None:
    runs = int(os.environ.get("ORION_LIGHTHOUSE_RUNS", "3"))
    try:
        chrome_path()
        ensure_lighthouse()
        if REPORTS.exists():
            shutil.rmtree(REPORTS)  # only this run's reports: a page dropped from PAGES leaves none
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            with running_local_server(Path(scratch) / "output.log", "--quiet") as server:
                print(f"local cloud up in {time.perf_counter() - started:.0f} s on 127.0.0.1:{server.port}")
                warm(server)
                results = measure(server, runs)
    except CannotMeasure as error:
        raise SystemExit(f"Lighthouse could not measure: {error}") from None
    write_summary(results, runs)
    print_table(results, runs)
