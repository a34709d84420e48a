"""Every student exercise notebook runs top to bottom without an error (placeholders say 'Not answered yet')."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from turneast.authoring.execute import execute
from turneast.paths import ROOT

EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_exercise_runs_without_errors(path: Path) -> None:
    nb = execute(nbformat.read(path, as_version=4), path.parent)  # in memory: the file is not changed
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    text = "".join(
        o.get("data", {}).get("text/plain", "") + o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
    )
    assert "Not answered yet" in text, "the student version should report unanswered tasks"
    assert "Correct." not in text, "a student notebook must not arrive already solved"
