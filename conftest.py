"""Test set-up shared by the unit tests and nbval: every run uses throwaway progress files."""
from __future__ import annotations

import os
import tempfile

import pytest

_TMP = tempfile.mkdtemp(prefix="turneast-tests-")
os.environ["TURNEAST_PROGRESS"] = os.path.join(_TMP, "progress.json")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Give each notebook under nbval its own empty progress file, set before its kernel starts."""
    parent = item.parent
    if parent is not None and type(parent).__name__ == "IPyNbFile":
        os.environ["TURNEAST_PROGRESS"] = os.path.join(_TMP, f"{parent.path.parent.name}-{parent.path.stem}.json")
