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


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After a notebook's last cell under nbval: running it top to bottom must not have saved any answer."""
    parent = item.parent
    if parent is None or type(parent).__name__ != "IPyNbFile" or (nextitem is not None and nextitem.parent is parent):
        return
    import json

    path = os.environ["TURNEAST_PROGRESS"]
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            saved = [a.get("qid") for a in json.load(fh).get("attempts", [])]
        assert not saved, f"{parent.path.name}: Run All saved answers for the learner: {saved}"


def pytest_report_header() -> str:
    """Say up front whether the real-browser tests can run here (the same lookup the tests use)."""
    from tests.needs import CHROMIUM, IN_CI

    if CHROMIUM:
        return f"browser tests: will run with {CHROMIUM}"
    return f"browser tests: Chromium not found, so they will {'FAIL (CI)' if IN_CI else 'be SKIPPED'}"
