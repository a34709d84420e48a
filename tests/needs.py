"""What several test files need from outside Python: Chromium, launched one way, and skip-here-fail-in-CI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

# CI=true is set by .ci/run; there a missing tool is an error, on a learner's machine a printed skip.
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")

CHROMIUM = next(
    (p for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()),
    None,
)
NO_CHROMIUM = "Chromium not found (install Debian's 'chromium' package or set CHROMIUM=/path/to/chromium)"

# Debian's Chromium, launched by path: no downloads, no background connections on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def unavailable(reason: str, required: bool = False) -> NoReturn:
    """Fail in CI (or when `required`), where .ci/run installs what the test needs; skip with the reason elsewhere."""
    if IN_CI or required:
        pytest.fail(f"{reason} (CI installs it: see .ci/run)")
    pytest.skip(reason)
