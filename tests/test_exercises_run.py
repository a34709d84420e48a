"""Every student exercise notebook runs top to bottom without an error (placeholders say 'Not answered yet')."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from turneast.paths import ROOT

EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_exercise_runs_without_errors(path: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / "progress.json"))
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    nb = nbformat.read(copy, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    text = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "")
                   for c in nb.cells for o in c.get("outputs", []))
    assert "Not answered yet" in text, "the student version should report unanswered tasks"
    assert "Correct." not in text, "a student notebook must not arrive already solved"
