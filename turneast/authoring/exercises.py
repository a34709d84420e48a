"""Build exercises/ and solutions/ from the masters in masters/, then run the solutions to store outputs.

    python -m turneast.authoring.exercises            # rebuild both folders and execute solutions/
    python -m turneast.authoring.exercises masters/ex01_china.ipynb   # just one master
    python -m turneast.authoring.exercises --check    # exit 1 if either folder is out of date with masters/

In a master, solution code sits between '### BEGIN SOLUTION' and '### END SOLUTION' lines (in a code
cell) and written answers between '<!-- BEGIN SOLUTION -->' and '<!-- END SOLUTION -->' (in a
Markdown cell). The student version gets a placeholder instead; the solution version drops the markers.
"""
from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from typing import Any

import nbformat

from ..paths import ROOT

CODE_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*(\n|$)", re.S | re.M)
TEXT_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->\n?(.*?)<!-- END SOLUTION -->\n?", re.S)
CODE_PLACEHOLDER = "# YOUR CODE HERE: replace this line with your answer\n"
TEXT_PLACEHOLDER = "*Write your answer here (double-click this cell to edit it).*\n"


def student(source: str, cell_type: str) -> str:
    """A cell's source with every solution block replaced by a placeholder."""
    if cell_type == "code":
        return CODE_BLOCK.sub(lambda m: m.group(1) + CODE_PLACEHOLDER, source)
    return TEXT_BLOCK.sub(TEXT_PLACEHOLDER, source)


def solved(source: str, cell_type: str) -> str:
    """A cell's source with the solution markers removed and the solutions kept."""
    if cell_type == "code":
        return CODE_BLOCK.sub(lambda m: m.group(2), source)
    return TEXT_BLOCK.sub(lambda m: m.group(1), source)


def solution_blocks(source: str) -> list[str]:
    """The text inside every solution block of a cell."""
    return [m.group(2) for m in CODE_BLOCK.finditer(source)] + [m.group(1) for m in TEXT_BLOCK.finditer(source)]


def render(master: Any, kind: str) -> Any:
    """The student ('exercise') or solved ('solution') version of a master notebook, without outputs."""
    nb = copy.deepcopy(master)
    transform = student if kind == "exercise" else solved
    for cell in nb.cells:
        cell.source = transform(cell.source, cell.cell_type)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    return nb


def masters() -> list[Path]:
    """Every master notebook."""
    return sorted((ROOT / "masters").glob("*.ipynb"))


def out_of_date() -> list[str]:
    """Which generated notebooks differ (in cell sources) from what their master yields."""
    stale = []
    for path in masters():
        master = nbformat.read(path, as_version=4)
        for kind, folder in (("exercise", "exercises"), ("solution", "solutions")):
            target = ROOT / folder / path.name
            want = [(c.cell_type, c.source) for c in render(master, kind).cells]
            have = None
            if target.exists():
                have = [(c.cell_type, c.source) for c in nbformat.read(target, as_version=4).cells]
            if want != have:
                stale.append(str(target.relative_to(ROOT)))
    return stale


def build(execute: bool = True, only: list[Path] | None = None) -> list[Path]:
    """Write exercises/ and solutions/ from masters/ (or only some); execute the solutions to store outputs."""
    from .execute import run

    written = []
    for path in only or masters():
        master = nbformat.read(path, as_version=4)
        for kind, folder in (("exercise", "exercises"), ("solution", "solutions")):
            target = ROOT / folder / path.name
            target.parent.mkdir(exist_ok=True)
            nbformat.write(render(master, kind), target)
            written.append(target)
            if execute and kind == "solution":
                run(target)
    return written


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    if "--check" in argv:
        stale = out_of_date()
        print("\n".join(f"out of date: {s}" for s in stale) or "exercises/ and solutions/ are up to date.")
        return 1 if stale else 0
    only = [Path(a).resolve() for a in argv if a.endswith(".ipynb")] or None
    for target in build(execute="--no-execute" not in argv, only=only):
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
