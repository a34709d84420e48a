"""Test set-up shared by the unit tests and nbval: every run uses throwaway progress files."""
from __future__ import annotations

import os
import tempfile

import pytest

_TMP = tempfile.mkdtemp(prefix="turneast-tests-")
os.environ["TURNEAST_PROGRESS"] = os.path.join(_TMP, "progress.json")
os.environ["TURNEAST_FIXED_ORDER"] = "1"  # bank order for question options (see questions.shown)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Give each notebook under nbval its own empty progress file, set before its kernel starts."""
    parent = item.parent
    if parent is not None and type(parent).__name__ == "IPyNbFile":
        os.environ["TURNEAST_PROGRESS"] = os.path.join(_TMP, f"{parent.path.parent.name}-{parent.path.stem}.json")


def pytest_report_header() -> str:
    """Say up front whether the real-browser tests can run here."""
    import shutil
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    return f"browser tests: {'will run with ' + chromium if chromium else 'will be SKIPPED: Chromium not found'}"
