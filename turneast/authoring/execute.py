"""Run notebooks in place and store their outputs, the way the tests will compare them.

    python -m turneast.authoring.execute notebooks/*.ipynb solutions/*.ipynb

Each notebook runs with a fresh, empty progress file, so stored outputs never depend on anyone's
saved answers. Widget views are removed from stored outputs, so GitHub and other static viewers
show each question's readable text; running the cell in JupyterLab brings the live widget back.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widget_views(nb: nbformat.NotebookNode) -> None:
    """Drop widget-view output data (model ids change every run; nbval ignores them anyway)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if WIDGET_VIEW in out.get("data", {}):
                del out["data"][WIDGET_VIEW]
    nb.metadata.pop("widgets", None)


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run a notebook in memory, in folder cwd, with a fresh, empty progress file."""
    with tempfile.TemporaryDirectory() as tmp:
        old = os.environ.get("TURNEAST_PROGRESS")
        os.environ["TURNEAST_PROGRESS"] = str(Path(tmp) / "progress.json")
        try:
            NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                           resources={"metadata": {"path": str(cwd)}}).execute()
        finally:
            if old is None:
                os.environ.pop("TURNEAST_PROGRESS", None)
            else:
                os.environ["TURNEAST_PROGRESS"] = old
    return nb


def run(path: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Execute one notebook file in its own folder and save it with its outputs."""
    nb = execute(nbformat.read(path, as_version=4), path.parent, timeout)
    strip_widget_views(nb)
    nbformat.write(nb, path)
    return nb


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    for name in argv:
        run(Path(name))
        print(f"executed {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
