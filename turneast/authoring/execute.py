"""Run notebooks in place and store their outputs, the way the tests will compare them.

    python -m turneast.authoring.execute notebooks/*.ipynb solutions/*.ipynb

Each notebook runs with a fresh, empty progress file and with question options in bank order
(TURNEAST_FIXED_ORDER=1), so stored outputs never depend on anyone's saved answers or learner id.
Widget views are removed from stored outputs, so GitHub and other static viewers show each
question's readable text; running the cell in JupyterLab brings the live widget back.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from . import command

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widget_views(nb: nbformat.NotebookNode) -> None:
    """Drop widget-view output data (model ids change every run; nbval ignores them anyway)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if WIDGET_VIEW in out.get("data", {}):
                del out["data"][WIDGET_VIEW]
    nb.metadata.pop("widgets", None)


@contextmanager
def course_environment(progress: Path) -> Iterator[None]:
    """Set TURNEAST_PROGRESS and TURNEAST_FIXED_ORDER for kernels started inside; restore them afterwards."""
    wanted = {"TURNEAST_PROGRESS": str(progress), "TURNEAST_FIXED_ORDER": "1"}
    old = {k: os.environ.get(k) for k in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute(
    nb: nbformat.NotebookNode, cwd: Path, timeout: int = 300, progress: Path | None = None
) -> nbformat.NotebookNode:
    """Run a notebook in memory, in folder cwd, with an empty progress file (a temporary one by default)."""
    with tempfile.TemporaryDirectory() as tmp, course_environment(progress or Path(tmp) / "progress.json"):
        NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            store_widget_state=False,
            resources={"metadata": {"path": str(cwd)}},
        ).execute()
    return nb


def run(path: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Execute one notebook file in its own folder and save it with its outputs."""
    nb = execute(nbformat.read(path, as_version=4), path.parent, timeout)
    strip_widget_views(nb)
    nbformat.write(nb, path)
    return nb


WHAT = (
    "Run notebooks in place and store their outputs "
    "(fresh progress file, options in bank order, widget views stripped)."
)


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = command("execute", WHAT)
    p.add_argument("notebooks", nargs="+", type=Path, help="notebook files to run and save")
    p.add_argument("--timeout", type=int, default=300, help="seconds allowed per cell (default 300)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    args = parser().parse_args(argv)
    missing = [str(p) for p in args.notebooks if p.suffix != ".ipynb" or not p.is_file()]
    if missing:
        print(f"error: not a notebook file: {', '.join(missing)}", file=sys.stderr)
        return 2
    for path in args.notebooks:
        try:
            run(path, args.timeout)
        except CellExecutionError as exc:
            print(f"error: {path} stopped with an error, so it was not saved:\n{exc}", file=sys.stderr)
            return 1
        print(f"executed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
