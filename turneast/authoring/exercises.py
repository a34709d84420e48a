"""Build exercises/ and solutions/ from the masters in masters/, then run the solutions to store outputs.

In a master, solution code sits between '### BEGIN SOLUTION' and '### END SOLUTION' lines (in a code
cell) and written answers between '<!-- BEGIN SOLUTION -->' and '<!-- END SOLUTION -->' lines (in a
Markdown cell). The student version gets a placeholder instead; the solution version drops the markers
and switches off saving answers in its first code cell, so that running a solution never records its
answers as the learner's. A misplaced marker (nested, unclosed, an END without a BEGIN, a marker in the
wrong kind of cell) stops the build with the master's name and cell number before anything is written.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..paths import ROOT
from . import command

CODE_BEGIN, CODE_END = "### BEGIN SOLUTION", "### END SOLUTION"
TEXT_BEGIN, TEXT_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
CODE_PLACEHOLDER = "# YOUR CODE HERE: replace this line with your answer\n"
TEXT_PLACEHOLDER = "*Write your answer here (double-click this cell to edit it).*\n"
IMPORT_LINE = "import turneast as te"
NO_SAVING = "te.save_answers(False)  # a solution notebook: its answers are not saved as yours\n"
KINDS = ("exercise", "solution")
FOLDERS = {"exercise": "exercises", "solution": "solutions"}
_MENTION = re.compile(r"\b(BEGIN|END) SOLUTION\b")


class MasterError(ValueError):
    """A master notebook cannot be turned into an exercise and a solution; the message says where and why."""


@dataclass(frozen=True)
class Block:
    """One solution block of a cell: its lines (with line ends), and where it starts and ends."""

    begin: int  # index of the BEGIN marker line
    end: int  # index of the END marker line
    indent: str  # the BEGIN line's indentation
    lines: tuple[str, ...]  # the lines between the markers

    @property
    def text(self) -> str:
        """The block's content as one string."""
        return "".join(self.lines)


def _markers(cell_type: str) -> tuple[str, str]:
    return (CODE_BEGIN, CODE_END) if cell_type == "code" else (TEXT_BEGIN, TEXT_END)


def _where(name: str, index: int, cell_type: str, source: str) -> str:
    """'masters/ex01.ipynb, cell 8 (code, starting "x = None")': enough to find the cell."""
    first = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    first = first if len(first) <= 50 else first[:47] + "..."
    return f"{name}, cell {index + 1} ({cell_type} cell, counting from 1, starting {first!r})"


def parse(source: str, cell_type: str, where: str = "a cell") -> list[Block]:
    """The solution blocks of one cell, or a MasterError saying what is wrong with its markers."""
    begin_marker, end_marker = _markers(cell_type)
    other = (TEXT_BEGIN, TEXT_END) if cell_type == "code" else (CODE_BEGIN, CODE_END)
    lines = source.splitlines(keepends=True)
    blocks: list[Block] = []
    start: int | None = None
    for i, line in enumerate(lines):
        text = line.strip()
        if not _MENTION.search(text):
            continue
        at = f"{where}, line {i + 1}"
        if cell_type not in ("code", "markdown"):
            raise MasterError(
                f"{at}: a solution marker in a {cell_type} cell; markers belong in code or Markdown cells only."
            )
        if text.startswith(other) or text == other[1]:
            right = f"'{begin_marker}' / '{end_marker}'"
            raise MasterError(
                f"{at}: {text!r} is the marker for {'Markdown' if cell_type == 'code' else 'code'} "
                f"cells; in a {cell_type} cell use {right}."
            )
        if text.startswith(begin_marker) and (cell_type == "code" or text == begin_marker):
            if start is not None:
                raise MasterError(
                    f"{at}: nested '{begin_marker}': the block opened on line {start + 1} "
                    f"is not closed yet. Close it with '{end_marker}' first."
                )
            start = i
        elif text.startswith(end_marker) and (cell_type == "code" or text == end_marker):
            if start is None:
                raise MasterError(f"{at}: '{end_marker}' without a '{begin_marker}' before it.")
            if not "".join(lines[start + 1 : i]).strip():
                raise MasterError(f"{at}: the solution block opened on line {start + 1} is empty.")
            indent = re.match(r"[ \t]*", lines[start]).group(0)
            blocks.append(Block(start, i, indent, tuple(lines[start + 1 : i])))
            start = None
        else:
            raise MasterError(
                f"{at}: {text!r} is not a marker this tool reads. Put '{begin_marker}' or "
                f"'{end_marker}' on a line of its own (nothing else on that line in Markdown)."
            )
    if start is not None:
        raise MasterError(
            f"{where}, line {start + 1}: '{begin_marker}' is never closed; add '{end_marker}' after the solution."
        )
    return blocks


def _rebuild(source: str, cell_type: str, keep: bool, where: str) -> str:
    """The cell with every block replaced by a placeholder (keep=False) or by its content (keep=True)."""
    blocks = parse(source, cell_type, where)
    if not blocks:
        return source
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    for b in blocks:
        out += lines[pos : b.begin]
        if keep:
            out += b.lines
        elif cell_type == "code":
            out.append(b.indent + CODE_PLACEHOLDER)
        else:
            out.append(TEXT_PLACEHOLDER)
        pos = b.end + 1
    out += lines[pos:]
    return "".join(out)


def student(source: str, cell_type: str, where: str = "a cell") -> str:
    """A cell's source with every solution block replaced by a placeholder."""
    return _rebuild(source, cell_type, keep=False, where=where)


def solved(source: str, cell_type: str, where: str = "a cell") -> str:
    """A cell's source with the solution markers removed and the solutions kept."""
    return _rebuild(source, cell_type, keep=True, where=where)


def solution_blocks(source: str, cell_type: str = "") -> list[str]:
    """The text inside every solution block of a cell (of either kind when cell_type is not given)."""
    kinds = [cell_type] if cell_type else ["code", "markdown"]
    found: list[str] = []
    for kind in kinds:
        try:
            found += [b.text for b in parse(source, kind)]
        except MasterError:
            if cell_type:
                raise
    return found


def cells(master: nbformat.NotebookNode, name: str) -> Iterator[tuple[int, nbformat.NotebookNode, str]]:
    """Each cell of a master with its index and its location text for messages."""
    for i, cell in enumerate(master.cells):
        yield i, cell, _where(name, i, cell.cell_type, cell.source)


def check_master(master: nbformat.NotebookNode, name: str = "a master") -> None:
    """Raise MasterError for the first misplaced marker in a master (nothing is written)."""
    for _, cell, where in cells(master, name):
        parse(cell.source, cell.cell_type, where)


def _switch_off_saving(nb: nbformat.NotebookNode, name: str) -> None:
    """Make the first code cell call te.save_answers(False) right after importing the package."""
    first = next((c for c in nb.cells if c.cell_type == "code"), None)
    lines = first.source.splitlines(keepends=True) if first is not None else []
    for i, line in enumerate(lines):
        if line.strip() == IMPORT_LINE:
            if not line.endswith("\n"):
                lines[i] = line + "\n"
            first.source = "".join(lines[: i + 1] + [NO_SAVING] + lines[i + 1 :]).rstrip("\n")
            return
    raise MasterError(
        f"{name}: the first code cell must contain the line '{IMPORT_LINE}' (the solution "
        "version switches saving off right after it)."
    )


def render(master: nbformat.NotebookNode, kind: str, name: str = "a master") -> nbformat.NotebookNode:
    """The student ('exercise') or solved ('solution') version of a master notebook, without outputs.

    Raises MasterError (naming the master, the cell and what is wrong) on a misplaced marker.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    nb = copy.deepcopy(master)
    for _, cell, where in cells(nb, name):
        cell.source = (solved if kind == "solution" else student)(cell.source, cell.cell_type, where)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if kind == "solution":
        _switch_off_saving(nb, name)
    nb.metadata.pop("widgets", None)
    return nb


def masters() -> list[Path]:
    """Every master notebook."""
    return sorted((ROOT / "masters").glob("*.ipynb"))


def _name(path: Path) -> str:
    """A path as shown in messages: relative to the course root where possible."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def read_master(path: Path) -> nbformat.NotebookNode:
    """Read one master notebook."""
    return nbformat.read(path, as_version=4)


def out_of_date() -> list[str]:
    """Which generated notebooks differ (in cell sources) from what their master yields."""
    stale = []
    for path in masters():
        master = read_master(path)
        for kind in KINDS:
            target = ROOT / FOLDERS[kind] / path.name
            want = [(c.cell_type, c.source) for c in render(master, kind, _name(path)).cells]
            have = None
            if target.exists():
                have = [(c.cell_type, c.source) for c in nbformat.read(target, as_version=4).cells]
            if want != have:
                stale.append(str(target.relative_to(ROOT)))
    return stale


def build(execute: bool = True, only: list[Path] | None = None) -> list[Path]:
    """Write exercises/ and solutions/ from masters/ (or only some); execute the solutions to store outputs.

    Every master is rendered (and so checked) before the first file is written.
    """
    from .execute import run

    rendered = []
    for path in only or masters():
        master = read_master(path)
        for kind in KINDS:
            rendered.append((ROOT / FOLDERS[kind] / path.name, kind, render(master, kind, _name(path))))
    written = []
    for target, kind, nb in rendered:
        target.parent.mkdir(exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
        if execute and kind == "solution":
            run(target)
    return written


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = command(
        "exercises",
        "Build exercises/ and solutions/ from masters/ (and run the solutions to store their "
        "outputs), check that they are up to date, or write nbgrader source notebooks.",
    )
    p.add_argument("masters", nargs="*", type=Path, help="only these master notebooks (default: all in masters/)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--check", action="store_true", help="exit 1 if exercises/ or solutions/ are out of date")
    what.add_argument(
        "--nbgrader",
        metavar="COURSE_DIR",
        type=Path,
        help="write nbgrader source notebooks to COURSE_DIR/source/<exercise>/<exercise>.ipynb",
    )
    p.add_argument("--no-execute", action="store_true", help="write the notebooks without running the solutions")
    return p


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    args = parser().parse_args(argv)
    only = [p.resolve() for p in args.masters] or None
    for path in only or []:
        if path.suffix != ".ipynb" or not path.is_file():
            print(f"error: {path} is not a master notebook (masters/exNN_name.ipynb)", file=sys.stderr)
            return 2
    try:
        if args.check:
            stale = out_of_date()
            print("\n".join(f"out of date: {s}" for s in stale) or "exercises/ and solutions/ are up to date.")
            return 1 if stale else 0
        if args.nbgrader:
            from .nbgrader import write_course

            written = write_course(args.nbgrader, only)
        else:
            written = build(execute=not args.no_execute, only=only)
    except MasterError as exc:
        print(f"error: {exc}\nNothing was written.", file=sys.stderr)
        return 1
    for target in written:
        print(f"wrote {_name(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
