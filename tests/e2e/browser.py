"""Headless Chromium (Debian's package) for end-to-end tests: DOM dumps and screenshots."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)


def chromium() -> str:
    """The Chromium binary; the test is skipped, saying why, where it is not installed."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    return binary


def run_chromium(*arguments: str, timeout: float = 60) -> str:
    with tempfile.TemporaryDirectory(prefix="orion-chromium-") as profile:
        completed = subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *arguments],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if completed.returncode != 0:
        raise AssertionError(f"chromium failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return completed.stdout


def dump_dom(url: str) -> str:
    """The page's DOM after load, as the browser built it."""
    return run_chromium("--dump-dom", url)


def screenshot(url: str, path: Path, size: str = "1280,900") -> Path:
    """Save a PNG of the page (kept under test-artifacts/ for people to look at)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(f"--screenshot={path}", f"--window-size={size}", "--hide-scrollbars", url)
    assert path.exists() and path.stat().st_size > 1000, "chromium wrote no screenshot"
    return path
