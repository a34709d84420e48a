"""nbgrader source notebooks from the exercise masters (for instructors who grade with nbgrader).

    python -m turneast.authoring.exercises --nbgrader COURSE_DIR [masters/ex01_china.ipynb ...]

writes COURSE_DIR/source/<exercise>/<exercise>.ipynb for every master; then, in COURSE_DIR,
`nbgrader generate_assignment <exercise>` makes the student version and `nbgrader autograde <exercise>`
grades submissions. How each part of a master becomes an nbgrader cell:

* solution code followed by `te.check(...)` -> an autograded answer cell (markers kept, as nbgrader wants)
  and, for each check, an autograder test cell worth TEST_POINTS that asserts the check says "correct";
* solution code with no check (a chart, a chosen claim) -> a manually graded code cell (CODE_POINTS);
* a written answer (<!-- BEGIN SOLUTION --> in Markdown) -> a manually graded Markdown cell (WRITTEN_POINTS);
* everything else is copied unchanged.

Test cells start with a hidden block (removed from the student version, restored when grading) that
switches saving off, so grading never writes students' answers into the grader's own progress file.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from .exercises import MasterError, _name, cells, masters, parse, read_master

TEST_POINTS = 1
CODE_POINTS = 2
WRITTEN_POINTS = 4
CHECK = re.compile(r'^te\.check\(\s*(["\'])(?P<task>[^"\']+)\1\s*,\s*(?P<value>.+?)\s*\)\s*$')
HIDDEN_NO_SAVING = (
    "### BEGIN HIDDEN TESTS\n"
    "te.save_answers(False)  # while grading: keep these answers out of the grader's own progress file\n"
    "### END HIDDEN TESTS\n"
)


def _meta(grade_id: str, *, solution: bool, grade: bool, points: int = 0) -> dict:
    """nbgrader cell metadata (schema version 3)."""
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def _checks(source: str) -> list[tuple[str, str]] | None:
    """(task id, value expression) for each line when every non-blank line is a te.check call, else None."""
    lines = [ln.strip() for ln in source.splitlines() if ln.strip()]
    found = [CHECK.match(ln) for ln in lines]
    if not lines or not all(found):
        return None
    return [(m["task"], m["value"]) for m in found]


def autograder_test(task: str, value: str) -> str:
    """The autograder test cell for one task."""
    return (
        f"# Autograder test for task {task} ({TEST_POINTS} point{'s' * (TEST_POINTS != 1)})\n"
        + HIDDEN_NO_SAVING
        + f'feedback = te.check("{task}", {value})\n'
        "print(feedback)\n"
        'assert feedback.status == "correct", "not right yet: see the feedback above"'
    )


def _cell(cell_type: str, source: str, metadata: dict | None = None) -> nbformat.NotebookNode:
    if cell_type == "code":
        return nbformat.v4.new_code_cell(source, metadata=metadata or {})
    return nbformat.v4.new_markdown_cell(source, metadata=metadata or {})


def convert(master: nbformat.NotebookNode, name: str = "a master") -> nbformat.NotebookNode:
    """The nbgrader source version of one master (raises MasterError on a misplaced marker)."""
    stem = _slug(Path(name).stem)
    out: list[nbformat.NotebookNode] = []
    pending_answer: nbformat.NotebookNode | None = None  # an answer cell waiting to learn whether a check follows
    used: set[str] = set()

    def grade_id(base: str) -> str:
        gid, n = base, 2
        while gid in used:
            gid, n = f"{base}_{n}", n + 1
        used.add(gid)
        return gid

    def settle(tasks: list[tuple[str, str]] | None) -> None:
        """Mark the waiting answer cell as autograded (checks follow) or manually graded (none do)."""
        nonlocal pending_answer
        if pending_answer is not None:
            if tasks:  # named after the task it answers, so the id stays put when cells move
                gid = grade_id(f"answer_{_slug(tasks[0][0])}")
                pending_answer.metadata = _meta(gid, solution=True, grade=False)
            else:
                gid = grade_id(f"answer_{stem}_{len(out)}")
                pending_answer.metadata = _meta(gid, solution=True, grade=True, points=CODE_POINTS)
        pending_answer = None

    def tests(found: list[tuple[str, str]]) -> None:
        for task, value in found:
            out.append(
                _cell(
                    "code",
                    autograder_test(task, value),
                    _meta(grade_id(f"test_{_slug(task)}"), solution=False, grade=True, points=TEST_POINTS),
                )
            )

    for _, cell, where in cells(master, name):
        blocks = parse(cell.source, cell.cell_type, where)
        if cell.cell_type == "code":
            found = _checks(cell.source)
            if found and not blocks:
                if pending_answer is None:
                    raise MasterError(f"{where}: a check cell with no solution cell before it.")
                settle(found)
                tests(found)
                continue
            settle(None)
            if not blocks:
                out.append(_cell("code", cell.source))
                continue
            lines = cell.source.splitlines(keepends=True)
            answer, rest = "".join(lines[: blocks[-1].end + 1]), "".join(lines[blocks[-1].end + 1 :])
            after = _checks(rest)
            if after is None:  # code after the solution that is not a check: keep the cell whole
                answer = cell.source
            pending_answer = _cell("code", answer.rstrip("\n"), _meta("", solution=True, grade=False))
            out.append(pending_answer)
            if after:
                settle(after)
                tests(after)
            continue
        settle(None)
        if cell.cell_type != "markdown" or not blocks:
            out.append(copy_cell(cell))
            continue
        lines = cell.source.splitlines(keepends=True)
        pos = 0
        for b in blocks:
            before = "".join(lines[pos : b.begin]).strip("\n")
            if before.strip():
                out.append(_cell("markdown", before))
            out.append(
                _cell(
                    "markdown",
                    b.text.strip("\n"),
                    _meta(grade_id(f"written_{stem}_{len(out) + 1}"), solution=True, grade=True, points=WRITTEN_POINTS),
                )
            )
            pos = b.end + 1
        after_text = "".join(lines[pos:]).strip("\n")
        if after_text.strip():
            out.append(_cell("markdown", after_text))
    settle(None)
    nb = nbformat.v4.new_notebook(cells=out, metadata=dict(master.metadata))
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    return nb


def copy_cell(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of a plain cell without outputs."""
    return (
        _cell(cell.cell_type, cell.source)
        if cell.cell_type in ("code", "markdown")
        else nbformat.v4.new_raw_cell(cell.source)
    )


def write_course(course_dir: Path, only: list[Path] | None = None) -> list[Path]:
    """Write COURSE_DIR/source/<exercise>/<exercise>.ipynb for every master (all converted before any is written)."""
    converted = []
    for path in only or masters():
        converted.append((path.stem, convert(read_master(path), _name(path))))
    written = []
    for stem, nb in converted:
        target = Path(course_dir) / "source" / stem / f"{stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
    return written
