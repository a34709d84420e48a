"""The authoring tools (turneast.authoring): banks, exercises, execution, excerpts, nbgrader, lint.

Run just these with:
    .venv/bin/python -m pytest -q -p no:xdist -o addopts="-p no:cacheprovider" tests/test_authoring.py
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import venv
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from needs import IN_CI, unavailable

from turneast import questions, store
from turneast.authoring import bank, excerpts, execute, exercises, leaks, nbgrader
from turneast.authoring.exercises import MasterError
from turneast.paths import ROOT
from turneast.questions import Question

MASTERS = exercises.masters()


# ================================================================ question banks
def _bank_file(tmp_path: Path, *qs: dict, name: str = "questions.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(bank.seal_bank({"thread": "t", "notebook": "nb", "questions": list(qs)})))
    return path


def _q(**changes: object) -> dict:
    q = {
        "id": "t.q",
        "type": "single",
        "prompt": "p",
        "options": ["a", "b"],
        "answer": "a",
        "feedback": "f",
        "refs": [{"excerpt": "lukin-peak"}],
        "level": "apply",
    }
    q.update(changes)
    return q


def test_bank_seal_unseal_round_trip() -> None:
    plain = {
        "thread": "t",
        "notebook": "nb",
        "questions": [
            {
                "id": "t.q",
                "type": "single",
                "prompt": "p",
                "options": ["a", "b"],
                "answer": "a",
                "feedback": "f",
                "level": "recall",
            }
        ],
    }
    sealed = bank.seal_bank(plain)
    assert "answer" not in sealed["questions"][0] and "feedback" not in sealed["questions"][0]
    assert '"a"' not in json.dumps(sealed["questions"][0]["sealed"])
    assert sealed["questions"][0]["level"] == "recall"  # the level is not secret
    assert bank.unseal_bank(sealed) == plain


def test_a_valid_question_has_no_problems(tmp_path) -> None:
    assert bank.problems(_bank_file(tmp_path, _q())) == []


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda q: q.update(answer="zzz"), "not one of the options"),
        (
            lambda q: q.update(type="numeric", answer={"value": 1, "tolerance": 0}, unit="%"),
            "tolerance must be a positive",
        ),
        (lambda q: q.update(type="numeric", answer={"value": 1, "tolerance": 0.5}), "needs a unit"),
        (lambda q: q.update(refs=[{"excerpt": "no-such-excerpt"}]), "unknown excerpt"),
        (lambda q: q.update(refs=[{"dataset": "china/nothing"}]), "unknown dataset"),
        (lambda q: q.update(refs=[]), "no refs"),
        (lambda q: q.update(feedback=""), "no feedback"),
        (lambda q: q.update(type="essay"), "unknown type"),
        (
            lambda q: q.update(type="ordering", items=["a", "b", "c"], answer=["a", "b", "c"]),
            "already in the right order",
        ),
        (lambda q: q.update(type="matching", left=["x"], right=["X"], answer={"x": "Q"}), "map every left item"),
        (lambda q: q.pop("level"), "no level"),
        (lambda q: q.update(level="remember"), "not one of recall, apply, analyse, evaluate"),
        (lambda q: q.update(options=["a", " "]), "non-empty text"),
        (lambda q: q.update(options=["a", "A "]), "not distinct"),
        (lambda q: q.update(type="multiple", options=["a", "b", "b"], answer=["a"]), "not distinct"),
        (lambda q: q.update(type="ordering", items=["a", "", "c"], answer=["", "a", "c"]), "non-empty text"),
        (
            lambda q: q.update(type="numeric", unit="%", answer={"value": 24.06, "tolerance": 0.001}),
            "smaller than the rounding",
        ),
        (lambda q: q.update(type="numeric", unit="%", answer={"value": 3, "tolerance": 4}), "opposite sign"),
        (lambda q: q.update(type="numeric", unit="t", answer={"value": 200, "tolerance": 30}), "loose"),
    ],
)
def test_bank_validation_finds_each_kind_of_mistake(tmp_path, change, problem) -> None:
    q = _q()
    change(q)
    found = bank.problems(_bank_file(tmp_path, q))
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    "value, tolerance", [(29.54, 0.5), (2016, 0.1), (4, 0.5), (0.46, 0.02), (-47.3, 0.6), (0, 0.1)]
)
def test_sane_tolerances_pass(value: float, tolerance: float) -> None:
    assert bank.numeric_problems(value, tolerance) == []


def test_bank_validation_finds_duplicate_ids_across_banks(tmp_path) -> None:
    q = {"id": "t.q", "type": "reflection", "prompt": "p", "answer": None, "feedback": "f", "level": "evaluate"}
    seen: dict = {}
    found = []
    for name in ("a.json", "b.json"):
        found = bank.problems(_bank_file(tmp_path, q, name=name), seen)
    assert any("id also used" in p for p in found)


def test_unsealed_bank_is_rejected(tmp_path) -> None:
    path = tmp_path / "questions.json"
    path.write_text(json.dumps({"thread": "t", "notebook": "nb", "questions": [_q()]}))
    assert any("not sealed" in p for p in bank.problems(path))


def _mix(notebook: str, levels: str) -> list[Question]:
    """Questions of a notebook with these levels (r=recall, a=apply, n=analyse, e=evaluate, -=none)."""
    names = {"r": "recall", "a": "apply", "n": "analyse", "e": "evaluate", "-": ""}
    return [
        Question(id=f"{notebook}.{i}", type="single", prompt="p", notebook=notebook, thread="t", level=names[c])
        for i, c in enumerate(levels)
    ]


@pytest.mark.parametrize(
    "notebook, levels, ok",
    [
        ("01_china", "rraa", True),  # half
        ("01_china", "rrra", False),
        ("05_india", "r-an", True),
        ("06_after_2022", "raa", True),  # two thirds
        ("06_after_2022", "rraa", False),  # half is not enough here
        ("00_start_here", "rrrr", True),  # not a thread lesson
        ("07_synthesis", "rrrr", True),
        ("ex01_china", "rrrr", True),  # exercises are not held to the lesson rule
    ],
)
def test_level_rules_for_thread_lessons(notebook: str, levels: str, ok: bool) -> None:
    found = bank.level_rule_problems(bank.level_mix(_mix(notebook, levels)))
    assert (found == []) is ok, found


def test_level_rule_counts_graded_questions_only() -> None:
    reflection = Question(id="x.r", type="reflection", prompt="p", notebook="02_x", thread="t", level="evaluate")
    mix = bank.level_mix([*_mix("02_x", "ra"), reflection])
    assert mix["02_x"] == Counter({"recall": 1, "apply": 1, "reflection": 1})
    assert bank.level_rule_problems(mix) == []
    table = bank.level_table(mix)
    assert table.splitlines()[0].split() == [
        "notebook",
        "recall",
        "apply",
        "analyse",
        "evaluate",
        "none",
        "graded",
        "apply+",
        "needs",
        "reflections",
    ]
    assert table.splitlines()[1].split() == ["02_x", "1", "1", "0", "0", "0", "2", "50%", ">=", "1/2", "1"]


def test_every_bank_in_the_course_is_valid_apart_from_levels() -> None:
    seen: dict = {}
    found = [p for path in questions.bank_paths() for p in bank.problems(path, seen)]
    assert [p for p in found if "level" not in p] == []
    assert len(seen) >= 6


def test_every_question_has_a_level_and_thread_lessons_ask_more_than_recall() -> None:
    """Fails until the content team has given every question a level (issue 13, item 3)."""
    found, qs = bank.validate(questions.bank_paths())
    assert qs, "no questions found"
    assert [p for p in found if "level" in p or "thread lesson" in p] == []


def test_bank_command_line(capsys) -> None:
    assert bank.main(["levels"]) == 0
    out = capsys.readouterr().out
    assert "Level mix per notebook" in out and "01_china" in out
    with pytest.raises(SystemExit) as exc:
        bank.main([])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        bank.main(["seal", "only-one-argument.json"])
    assert exc.value.code == 2


def test_bank_command_line_reports_a_bad_bank(tmp_path, capsys) -> None:
    bad = _bank_file(tmp_path, _q(answer="zzz"))
    assert bank.main(["validate", str(bad)]) == 1
    assert "not one of the options" in capsys.readouterr().out
    assert bank.main(["unseal", str(tmp_path / "missing.json")]) == 1
    assert "missing" in capsys.readouterr().err


def test_seal_and_unseal_from_the_command_line(tmp_path, capsys) -> None:
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"thread": "t", "notebook": "nb", "questions": [_q()]}))
    sealed = tmp_path / "questions.json"
    assert bank.main(["seal", str(plain), str(sealed)]) == 0
    assert "answer" not in json.loads(sealed.read_text())["questions"][0]
    capsys.readouterr()
    assert bank.main(["unseal", str(sealed)]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(plain.read_text())


# ================================================================ exercises: markers
def test_marker_transform() -> None:
    code = "x = None\n### BEGIN SOLUTION\nx = 41 + 1\n### END SOLUTION\nte.check('q', x)"
    assert exercises.student(code, "code") == "x = None\n" + exercises.CODE_PLACEHOLDER + "te.check('q', x)"
    assert exercises.solved(code, "code") == "x = None\nx = 41 + 1\nte.check('q', x)"
    text = "Argue.\n<!-- BEGIN SOLUTION -->\nThe answer.\n<!-- END SOLUTION -->\n"
    assert exercises.student(text, "markdown") == "Argue.\n" + exercises.TEXT_PLACEHOLDER
    assert exercises.solved(text, "markdown") == "Argue.\nThe answer.\n"


def test_indented_solution_keeps_its_indentation() -> None:
    code = "for i in range(3):\n    ### BEGIN SOLUTION\n    print(i)\n    ### END SOLUTION\n"
    assert exercises.student(code, "code") == "for i in range(3):\n    " + exercises.CODE_PLACEHOLDER


BAD_CELLS = [
    ("code", "### BEGIN SOLUTION\na = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\n", "line 3: nested"),
    ("code", "x = None\n### BEGIN SOLUTION\nx = 1\n", "line 2: '### BEGIN SOLUTION' is never closed"),
    ("code", "x = 1\n### END SOLUTION\n", "line 2: '### END SOLUTION' without a '### BEGIN SOLUTION'"),
    ("markdown", "Argue.\n### BEGIN SOLUTION\nText\n### END SOLUTION\n", "is the marker for code cells"),
    ("code", "<!-- BEGIN SOLUTION -->\nx = 1\n<!-- END SOLUTION -->\n", "is the marker for Markdown cells"),
    ("raw", "### BEGIN SOLUTION\nx\n### END SOLUTION\n", "in a raw cell"),
    ("code", "# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "not a marker this tool reads"),
    ("markdown", "Text <!-- BEGIN SOLUTION --> answer\n<!-- END SOLUTION -->\n", "not a marker this tool reads"),
    ("code", "### BEGIN SOLUTION\n\n### END SOLUTION\n", "is empty"),
]


def _master(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    made = {
        "code": nbformat.v4.new_code_cell,
        "markdown": nbformat.v4.new_markdown_cell,
        "raw": nbformat.v4.new_raw_cell,
    }
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import turneast as te")] + [made[t](s) for t, s in cells]
    )


@pytest.mark.parametrize("cell_type, source, words", BAD_CELLS, ids=[w for _, _, w in BAD_CELLS])
@pytest.mark.parametrize("kind", exercises.KINDS)
def test_misplaced_markers_stop_the_build_naming_file_and_cell(
    cell_type: str, source: str, words: str, kind: str
) -> None:
    master = _master(("markdown", "# Title"), (cell_type, source))
    with pytest.raises(MasterError) as exc:
        exercises.render(master, kind, "masters/ex99_test.ipynb")
    message = str(exc.value)
    assert message.startswith("masters/ex99_test.ipynb, cell 3 ("), message
    assert words in message


def test_nothing_is_written_when_one_master_is_wrong(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(exercises, "ROOT", tmp_path)
    good, bad = tmp_path / "ex01_good.ipynb", tmp_path / "ex02_bad.ipynb"
    nbformat.write(_master(("code", "x = None\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n")), good)
    nbformat.write(_master(("code", "x = None\n### BEGIN SOLUTION\nx = 1\n")), bad)
    with pytest.raises(MasterError, match=r"ex02_bad\.ipynb, cell 2"):
        exercises.build(execute=False, only=[good, bad])
    assert exercises.main([str(good), str(bad), "--no-execute"]) == 1
    assert "Nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "exercises").exists() and not (tmp_path / "solutions").exists()
    assert exercises.main([str(good), str(bad), "--nbgrader", str(tmp_path / "nbg")]) == 1
    assert not (tmp_path / "nbg").exists()


def test_exercises_command_line_rejects_what_is_not_a_master(tmp_path, capsys) -> None:
    assert exercises.main([str(tmp_path / "nothing.ipynb")]) == 2
    assert "not a master notebook" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        exercises.main(["--check", "--nbgrader", str(tmp_path)])
    assert exc.value.code == 2


def test_execute_command_line_rejects_what_is_not_a_notebook(tmp_path, capsys) -> None:
    assert execute.main([str(tmp_path / "x.txt")]) == 2
    assert "not a notebook file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        execute.main([])


@pytest.mark.parametrize("module", [bank, exercises, execute, excerpts, leaks])
def test_every_command_line_has_help(module, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        module.main(["--help"])
    assert exc.value.code == 0
    assert "usage: python -m turneast.authoring." in capsys.readouterr().out


# ================================================================ exercises and solutions on disk
def test_exercises_and_solutions_are_up_to_date_with_masters() -> None:
    assert exercises.out_of_date() == []


def test_no_solution_text_leaks_into_exercises() -> None:
    for master in MASTERS:
        student = (ROOT / "exercises" / master.name).read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in student and "END SOLUTION" not in student
        for cell in nbformat.read(master, as_version=4).cells:
            for block in exercises.solution_blocks(cell.source, cell.cell_type):
                for line in block.splitlines():
                    line = line.strip()
                    if len(line) > 25 and not line.startswith("#"):
                        assert line not in student, f"{master.name}: solution line in exercises/: {line!r}"


@pytest.mark.parametrize("path", MASTERS, ids=lambda p: p.name)
def test_solutions_switch_saving_off_in_their_first_code_cell(path: Path) -> None:
    nb = exercises.render(nbformat.read(path, as_version=4), "solution", path.name)
    first = next(c for c in nb.cells if c.cell_type == "code")
    lines = first.source.splitlines()
    assert lines[lines.index(exercises.IMPORT_LINE) + 1] == exercises.NO_SAVING.strip()
    student = exercises.render(nbformat.read(path, as_version=4), "exercise", path.name)
    assert "save_answers" not in "".join(c.source for c in student.cells)


def test_a_master_without_the_import_in_its_first_code_cell_is_refused() -> None:
    master = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas as pd")])
    with pytest.raises(MasterError, match="first code cell must contain the line 'import turneast as te'"):
        exercises.render(master, "solution", "masters/ex99.ipynb")


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb")), ids=lambda p: p.name)
def test_running_a_solution_saves_no_answers(path: Path, tmp_path) -> None:
    progress = tmp_path / "progress.json"
    nb = execute.execute(nbformat.read(path, as_version=4), path.parent, progress=progress)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [], f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else ""
    assert store.attempts(progress) == [], f"{path.name} saved answers into the learner's progress file"


# ================================================================ no exercise states its own answers
@pytest.mark.parametrize("path", sorted((ROOT / "exercises").glob("*.ipynb")), ids=lambda p: p.name)
def test_no_exercise_states_the_answer_to_one_of_its_tasks(path: Path) -> None:
    assert leaks.leaks(path) == []


def _numeric(qid: str, unit: str, value: float, tolerance: float) -> Question:
    """A numeric exercise question with this key, for the leak checker."""
    answer = {"value": value, "tolerance": tolerance}
    return Question(id=qid, type="numeric", prompt="p", notebook="ex", thread="t", unit=unit, answer=answer)


NUM24 = _numeric("t.vol", "%", 24.06, 0.3)
YEARS4 = _numeric("t.years", "years", 4, 0.1)
YEAR = _numeric("t.peak", "year", 2016, 0.1)
FALL = _numeric("t.fall", "%", -48.1, 0.5)
INDEX = _numeric("t.idx", "%", 99.63, 0.5)
VERDICT = Question(
    id="t.verdict",
    type="single",
    prompt="p",
    notebook="ex",
    thread="t",
    options=("It was prices", "It was volumes"),
    answer="It was volumes",
)


@pytest.mark.parametrize(
    "q, text",
    [
        (NUM24, "TASS reported volume **+24 percent** from 2022 to 2023"),
        (NUM24, "volumes grew 24.1% that year"),
        (YEARS4, "Only four calendar years have a comparable total"),
        (YEAR, "The busiest year for summits (2016) had the lowest trade"),
        (FALL, "trade fell 48.1% between 2014 and 2016"),
        (FALL, "a change of −48 percent"),
        (VERDICT, "As you will find, it was volumes."),
    ],
)
def test_stated_answers_are_found(q: Question, text: str) -> None:
    assert leaks.stated(q, text), text


@pytest.mark.parametrize(
    "q, text",
    [
        (YEARS4, "## Task 4: what was a tonne worth?"),
        (YEARS4, "four resolutions were voted on"),  # a number word needs the unit next to it
        (YEARS4, "**Next:** [04 Korea](../notebooks/04_korea.ipynb) and ES-11/4"),
        (INDEX, "each year divided by the 2020 figure, times 100; Index, 2020 = 100"),
        (YEAR, "from 2014 to 2017, and 2012–2022"),
        (NUM24, "FY2021-22 and 2024"),
        (VERDICT, "Was it prices or volumes? It was prices, or it was volumes."),  # both options: no giveaway
    ],
)
def test_labels_and_other_numbers_are_not_answers(q: Question, text: str) -> None:
    assert leaks.stated(q, text) == [], text


# ================================================================ excerpts
def test_every_excerpt_is_verbatim_and_no_source_is_over_its_budget() -> None:
    try:
        sources = excerpts.load_sources()
    except excerpts.SourcesMissing as exc:
        pytest.skip(str(exc))
    report = excerpts.check(ROOT, sources)
    print(report.text())
    assert report.checked > 0
    assert report.misquotes == [], report.text()
    assert report.over_budget == [], report.text()


SOURCE = (
    "The turn to the east was announced with great fanfare in 2012, and many in Moscow's elite expected that "
    "the Asian economies would replace Europe as the main market for Russian energy within a decade. "
) * 3


def _course(tmp_path: Path, *quotes: str) -> Path:
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "data").mkdir()
    cells = [nbformat.v4.new_markdown_cell(f"Text.\n\n> {q}\n\nMore.") for q in quotes]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), root / "notebooks" / "01_x.ipynb")
    return root


def test_excerpt_check_accepts_verbatim_quotes_with_typographic_variants(tmp_path) -> None:
    root = _course(
        tmp_path,
        "The turn to the east was announced with *great fanfare* in 2012 \u2026 many in Moscow\u2019s elite expected",
    )
    report = excerpts.check(root, {"a.txt": excerpts.normalise(SOURCE)})
    assert (report.checked, report.verbatim, report.failed) == (1, 1, False)
    assert 0 < report.shares["a.txt"] < excerpts.MAX_SHARE


def test_excerpt_check_fails_on_a_misquote(tmp_path) -> None:
    root = _course(tmp_path, "The turn to the east was proclaimed with great fanfare in 2012, and many in Moscow")
    report = excerpts.check(root, {"a.txt": excerpts.normalise(SOURCE)})
    assert report.failed and len(report.misquotes) == 1
    assert "MISQUOTE notebooks/01_x.ipynb#cell0" in report.text()


def test_excerpt_check_fails_when_a_source_is_quoted_beyond_its_budget(tmp_path) -> None:
    one = SOURCE.split(". ")[0]
    root = _course(tmp_path, one)
    report = excerpts.check(root, {"a.txt": excerpts.normalise(SOURCE)})
    assert report.over_budget == ["a.txt"] and report.failed
    assert "over the limit" in report.text()


def test_excerpt_check_lists_quotes_from_elsewhere_without_failing(tmp_path) -> None:
    root = _course(tmp_path, "Completely different words that no source of this course has ever printed")
    report = excerpts.check(root, {"a.txt": excerpts.normalise(SOURCE)})
    assert len(report.elsewhere) == 1 and not report.failed


def test_excerpt_check_says_where_it_looked_when_the_texts_are_absent(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(excerpts.ENV, str(tmp_path / "nowhere"))
    assert excerpts.sources_dir() == tmp_path / "nowhere"
    with pytest.raises(excerpts.SourcesMissing) as exc:
        excerpts.load_sources()
    assert str(tmp_path / "nowhere") in str(exc.value) and excerpts.ENV in str(exc.value)
    assert excerpts.main([]) == 2
    assert "TURNEAST_SOURCES" in capsys.readouterr().err
    monkeypatch.delenv(excerpts.ENV)
    assert excerpts.sources_dir() == (ROOT.parent / "shared" / "sources").resolve()


def test_excerpt_check_skips_exercises_and_hidden_folders(tmp_path) -> None:
    root = _course(tmp_path, "ignored")
    for folder in ("exercises", ".venv/share", ".ipynb_checkpoints"):
        (root / folder).mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(), root / folder / "x.ipynb")
    assert [p.relative_to(root).as_posix() for p in excerpts.course_notebooks(root)] == ["notebooks/01_x.ipynb"]


# ================================================================ nbgrader
def test_nbgrader_source_notebooks_have_the_right_cells(tmp_path) -> None:
    written = nbgrader.write_course(tmp_path)
    assert [p.parent.name for p in written] == [m.stem for m in MASTERS]
    for path in written:
        nb = nbformat.read(path, as_version=4)
        meta = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
        ids = [m["grade_id"] for m in meta]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate grade ids"
        tests = [
            c
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")
            and c.cell_type == "code"
            and not c.metadata["nbgrader"]["solution"]
        ]
        checks = sum(
            len(re.findall(r"^te\.check\(", c.source, re.M))
            for c in nbformat.read(ROOT / "masters" / path.name, as_version=4).cells
        )
        assert len(tests) == checks, f"{path.name}: one test cell per te.check in the master"
        for cell in tests:
            assert "### BEGIN HIDDEN TESTS\nte.save_answers(False)" in cell.source
            assert 'assert feedback.status == "correct"' in cell.source
        for cell in nb.cells:
            m = cell.metadata.get("nbgrader", {})
            if m.get("solution") and cell.cell_type == "code" and not m.get("grade"):
                assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
            if cell.cell_type == "markdown" and m.get("solution"):
                assert m["grade"] and m["points"] == nbgrader.WRITTEN_POINTS
                assert "SOLUTION" not in cell.source
        nbformat.validate(nb)


NBGRADER_VENV = ROOT / ".venv-nbgrader"
NBGRADER_BIN = NBGRADER_VENV / ("Scripts" if os.name == "nt" else "bin")
NBGRADER_PY = NBGRADER_BIN / ("python.exe" if os.name == "nt" else "python")
NBGRADER_DRIVER = r"""
import json, sys
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config

mode, root, *assignments = sys.argv[1:]
config = Config()
config.CourseDirectory.root = root
api = NbGraderAPI(config=config)
out = {}
if mode == "generate":
    for a in assignments:
        r = api.generate_assignment(a, force=True, create=True)
        out[a] = {"success": r["success"], "log": r.get("log", "")[-3000:], "error": r.get("error", "")[-3000:]}
else:
    for a in assignments:
        for student in ("solved", "untouched"):
            r = api.autograde(a, student, force=True, create=True)
            if not r["success"]:
                out[f"{a}/{student}"] = {"success": False, "log": r.get("log", "")[-3000:]}
    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        for a in assignments:
            for student in ("solved", "untouched"):
                nb = gb.find_submission_notebook(a, a, student)
                tests = [g for g in nb.grades
                         if g.cell.cell_type == "code" and not g.cell.name.startswith("answer_")]
                out.setdefault(f"{a}/{student}", {"success": True}).update({
                    "auto": sum(g.auto_score or 0 for g in tests), "max_auto": sum(g.max_score for g in tests),
                    "failed": [g.cell.name for g in tests if (g.auto_score or 0) < g.max_score],
                    "manual": sum(g.max_score for g in nb.grades if g not in tests),
                })
print("RESULT " + json.dumps(out))
"""


def _nbgrader_venv() -> None:
    """Create or refresh .venv-nbgrader (nbgrader + the course package, editable); skip or fail if impossible."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (ROOT / "requirements.txt").read_bytes())
    stamp = NBGRADER_VENV / ".installed"
    if NBGRADER_PY.exists() and stamp.exists() and stamp.read_text() == wanted.hexdigest():
        return
    why = ""
    try:
        if not NBGRADER_PY.exists():
            venv.EnvBuilder(with_pip=True).create(NBGRADER_VENV)
        done = subprocess.run(
            [
                str(NBGRADER_PY),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-q",
                "-r",
                str(ROOT / "requirements.txt"),
                "-e",
                f"{ROOT}[nbgrader]",
            ],
            capture_output=True,
            text=True,
            timeout=1200,
        )
        why = done.stderr[-2000:] if done.returncode else ""
    except (OSError, subprocess.SubprocessError) as exc:
        why = str(exc)
    if why:
        message = (
            f"could not install nbgrader into {NBGRADER_VENV} (it needs network access to PyPI the first "
            f"time; about 600 MB): {why}"
        )
        unavailable(message)
    stamp.write_text(wanted.hexdigest())


def _driver(mode: str, course: Path, assignments: list[str], tmp_path: Path) -> dict:
    env = {
        **os.environ,
        "PATH": f"{NBGRADER_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "TURNEAST_PROGRESS": str(tmp_path / "grader-progress.json"),
        "TURNEAST_FIXED_ORDER": "1",
    }
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [str(NBGRADER_PY), "-c", NBGRADER_DRIVER, mode, str(course), *assignments],
        capture_output=True,
        text=True,
        env=env,
        cwd=course,
        timeout=1800,
    )
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    assert done.returncode == 0 and lines, f"nbgrader {mode} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.mark.skipif(
    os.environ.get("TURNEAST_SKIP_NBGRADER") == "1" and not IN_CI,
    reason="TURNEAST_SKIP_NBGRADER=1: nbgrader round trip not run (it always runs in CI)",
)
def test_nbgrader_generates_and_autogrades_every_exercise(tmp_path) -> None:
    """nbgrader itself: generate_assignment strips solutions; autograde gives the solution full marks, the
    untouched exercise zero. Runs in its own .venv-nbgrader (nbgrader would add JupyterLab extensions to .venv)."""
    _nbgrader_venv()
    course = tmp_path / "course"
    written = nbgrader.write_course(course)
    names = [p.parent.name for p in written]
    generated = _driver("generate", course, names, tmp_path)
    assert all(r["success"] for r in generated.values()), generated
    for name in names:
        source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        text = "\n".join(c.source for c in release.cells)
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "save_answers" not in text
        for cell in source.cells:
            m = cell.metadata.get("nbgrader", {})
            for block in exercises.solution_blocks(cell.source, cell.cell_type) if m.get("solution") else []:
                for line in (ln.strip() for ln in block.splitlines()):
                    assert len(line) < 25 or line.startswith("#") or line not in text, f"{name}: {line!r}"
        # submissions: one with every answer cell filled in from the source, one untouched
        solved = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        answers = {
            c.metadata["nbgrader"]["grade_id"]: c.source
            for c in source.cells
            if c.metadata.get("nbgrader", {}).get("solution")
        }
        for cell in solved.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in answers:
                cell.source = answers[gid]
        for student, nb in (("solved", solved), ("untouched", release)):
            (course / "submitted" / student / name).mkdir(parents=True)
            nbformat.write(nb, course / "submitted" / student / name / f"{name}.ipynb")
    results = _driver("autograde", course, names, tmp_path)
    print(json.dumps(results, indent=1))
    for name in names:
        solved, untouched = results[f"{name}/solved"], results[f"{name}/untouched"]
        assert solved["success"] and untouched["success"], results
        assert solved["max_auto"] > 0
        assert solved["auto"] == solved["max_auto"], f"{name}: solution lost points on {solved['failed']}"
        assert untouched["auto"] == 0, f"{name}: the untouched exercise scored {untouched['auto']}"
    assert not (tmp_path / "grader-progress.json").exists() or store.attempts(tmp_path / "grader-progress.json") == []


# ================================================================ lint, format, packaging
MY_FILES = ["turneast/authoring", "tests/test_authoring.py"]
EVERYWHERE = ["turneast", "tests", "tools", "lite", "course.py", "conftest.py"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    if subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True).returncode:
        pytest.fail("ruff is not installed: run python3 course.py test (it installs requirements-dev.txt)")
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean_on_the_authoring_tools(command: list[str]) -> None:
    done = _ruff(*command, *MY_FILES)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean_everywhere(command: list[str]) -> None:
    done = _ruff(*command, *EVERYWHERE)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr


def _names(lines: list[str]) -> set[str]:
    return {
        re.split(r"[<>=!~ \[;]", ln.split("#")[0].strip().strip("\"',"))[0].lower()
        for ln in lines
        if ln.split("#")[0].strip()
    }


def test_the_authoring_extra_is_installed_by_the_test_command() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    extra = re.search(r"^authoring = \[(.*?)\]", text, re.M | re.S)
    assert extra, "pyproject.toml declares no 'authoring' extra"
    wanted = _names(extra.group(1).split(","))
    installed = _names(
        (ROOT / "requirements.txt").read_text().splitlines() + (ROOT / "requirements-dev.txt").read_text().splitlines()
    )
    assert wanted <= installed, f"add {sorted(wanted - installed)} to requirements-dev.txt (and environment.yml)"
