"""Class view and gradebook: real exports in, the real command line, real files out.

The fixtures are real exports (made by answering through te.answer / te.check with separate progress
files and the real export function, see tests/fixtures/exports/make_fixtures.py). The hostile corpus in
tests/hostile/exports/ (its expected outcomes in expected.csv) is run by one test. Every command-line
run has a timeout, so nothing here can hang.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import turneast as te
from turneast import classview, store
from turneast.paths import ROOT
from turneast.questions import all_questions

FIXTURES = ROOT / "tests" / "fixtures" / "exports"
SUBMISSIONS = FIXTURES / "submissions"
HOSTILE = ROOT / "tests" / "hostile" / "exports"
TIMEOUT = 120  # seconds for one command-line run; a hang fails the test instead of stopping CI


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run `python -m turneast.classview ...` as an instructor would, with a timeout."""
    env = {**os.environ, "TURNEAST_FIXED_ORDER": "1", "PYTHONWARNINGS": "default"}
    result = subprocess.run(
        [sys.executable, "-m", "turneast.classview", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    return result


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _graded(notebook: str) -> int:
    """How many graded questions (reflections excluded) a notebook has in the current banks."""
    return sum(q.notebook == notebook and q.type != "reflection" for q in all_questions().values())


def _score(learner: str, notebook: str, points: float) -> str:
    """The score the gradebook must write: the learner's right answers / the notebook's graded questions."""
    answers = _load_maker().LEARNERS[learner]["answers"]
    right = sum(answers.get(qid) == "right" for qid, q in all_questions().items() if q.notebook == notebook)
    return f"{points * right / _graded(notebook):.2f}".rstrip("0").rstrip(".")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Exports made now, through te.answer and the export function (the committed fixtures' recipe)."""
    saved = {k: os.environ.get(k) for k in ("TURNEAST_PROGRESS", "TURNEAST_FIXED_ORDER")}
    try:
        return _load_maker().make(tmp_path_factory.mktemp("fresh"))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _answers(path: Path) -> tuple[str, dict]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return doc["identifier"], {a["qid"]: a["response"] for a in doc["answers"]}


# ---------------------------------------------------------------- fixtures are real exports
def test_committed_fixtures_are_what_the_real_export_path_makes(fresh: Path) -> None:
    committed = sorted(p.relative_to(SUBMISSIONS) for p in SUBMISSIONS.rglob("*") if p.is_file())
    assert committed == sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    for rel in committed:
        if rel.suffix != ".json":
            continue
        try:
            expected = _answers(fresh / rel)
        except json.JSONDecodeError:  # the damaged upload: damaged in both
            with pytest.raises(json.JSONDecodeError):
                _answers(SUBMISSIONS / rel)
            continue
        assert _answers(SUBMISSIONS / rel) == expected, f"{rel}: regenerate with make_fixtures.py"


# ---------------------------------------------------------------- export
def test_export_holds_latest_answers_login_and_version_stamp(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / "p.json"))
    te.answer("start.first_year", "2008")
    te.answer("start.first_year", "2012")
    doc = json.loads(classview.export(tmp_path / "out.json", " ana@uni.example ").read_text())
    assert doc["format"] == "turneast-answers" and doc["version"] == 2 and doc["identifier"] == "ana@uni.example"
    assert [(a["qid"], a["response"]) for a in doc["answers"]] == [("start.first_year", "2012")]
    assert doc["banks"] == classview.bank_checksums() and set(doc["banks"]) >= {"core", "china"}
    assert doc["course_version"] == classview.course_version() and len(doc["bank_checksum"]) == 16
    assert doc["learner_id"] == store.learner_id() != ""


def test_bank_checksum_covers_grading_content_only() -> None:
    sums = classview.bank_checksums()
    assert len(set(sums.values())) == len(sums)  # each bank its own
    assert classview.stamp()["banks"] == sums


@pytest.mark.parametrize("bad", ["a\u202eb", "x" * 201, "tab\there"])
def test_export_refuses_an_unusable_login(tmp_path: Path, monkeypatch, bad: str) -> None:
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / "p.json"))
    with pytest.raises(ValueError):
        classview.export(tmp_path / "out.json", bad)


def test_export_command_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / "p.json"))
    te.answer("start.poll_china", 98)
    ok = cli("export", "mine.json", "--id", "ana@uni.example", cwd=tmp_path)
    bad = cli("export", "bad.json", "--id", "a\u202eb", cwd=tmp_path)
    assert ok.returncode == 0 and "Wrote your answers to mine.json" in ok.stdout
    assert _answers(tmp_path / "mine.json") == ("ana@uni.example", {"start.poll_china": 98.0})
    assert bad.returncode == 1 and "invisible characters" in bad.stdout and not (tmp_path / "bad.json").exists()


def test_export_widget_writes_next_to_the_notebook(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / "p.json"))
    monkeypatch.chdir(tmp_path)
    te.answer("start.first_year", "2012")
    box = te.export_answers()
    # accessible names: the text field's label and the button's text
    assert box.identifier.description == "Your course-site login or email"
    assert box.button.description == "Write my answers file" and box.button.tooltip
    assert "Write my answers file" in box._repr_mimebundle_()["text/plain"]
    box.identifier.value = "ana@uni.example"
    box.button.click()
    assert 'role="status"' in box.status.value and str(tmp_path / "my-answers.json") in box.status.value
    assert _answers(tmp_path / "my-answers.json") == ("ana@uni.example", {"start.first_year": "2012"})
    box.identifier.value = ""
    assert "match the file by hand" in box.write()
    box.identifier.value = "a\u202eb"
    assert "invisible characters" in box.write()


def test_export_widget_says_why_it_could_not_write(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / "p.json"))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    box = classview._export_widget_class()(folder=blocker)
    box.identifier.value = "ana"
    message = box.write()
    assert message.startswith("Could not write my-answers.json") and "Traceback" not in message


# ---------------------------------------------------------------- safe reading
def test_depth_is_decided_before_parsing_and_in_linear_time() -> None:
    assert classview._too_deep("[" * 21 + "]" * 21) and not classview._too_deep("[" * 20 + "]" * 20)
    assert not classview._too_deep('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')  # brackets inside a string
    assert not classview._too_deep('{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')  # after an escaped quote
    assert classview._too_deep('{"a": "\\\\", "b": ' + "[" * 30 + "]" * 30 + "}")  # after an escaped backslash
    start = time.perf_counter()
    assert classview._too_deep("[" * 1_000_000)
    assert not classview._too_deep('"' + '\\"' * 400_000)  # unterminated string of escaped quotes
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=1+2", "'=1+2"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+9)", "'@SUM(1+9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        (" =1+2", "' =1+2"),
        ("%0A", "'%0A"),
        ("=cmd|' /C calc'!A0", "'=cmd\\|' /C calc'!A0"),
        ("|cmd", "'\\|cmd"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("-", "-"),
        ("a|b", "a|b"),
        ("plain = text", "plain = text"),
        (66.666, "66.67"),
        (float("nan"), ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_owasp_csv_injection_rule(cell: object, expected: str) -> None:
    assert classview.neutralise(cell) == expected


def test_csv_files_quote_every_field(tmp_path: Path) -> None:
    classview.write_csv(tmp_path / "t.csv", ["a;b", "c"], [["x,y", '=1;"=2"']])
    text = (tmp_path / "t.csv").read_text(encoding="utf-8")
    assert text.splitlines() == ['"a;b","c"', '"x,y","\'=1;""=2"""']


# ---------------------------------------------------------------- gather: the class view
@pytest.fixture(scope="module")
def gathered() -> classview.Gathered:
    return classview.gather(SUBMISSIONS)


def test_gather_reads_an_lms_download(gathered: classview.Gathered) -> None:
    assert gathered.count == 3 and gathered.ignored == 1  # the notebook next to the exports
    assert gathered.skipped == [("dahldana_1004_5004_my-answers.json", gathered.skipped[0][1])]
    assert gathered.skipped[0][1].startswith("not valid JSON")
    files = sorted(f for ln in gathered.learners for f in ln.files)
    assert files == [
        "Chen Wei_88213_assignsubmission_file_/my-answers.json",
        "anderssonana_1001_5001_my-answers.json",
        "bakerben_1002_5002_my-answers.json",
    ]
    assert sorted(ln.label for ln in gathered.learners) == ["learner 1", "learner 2", "learner 3"]
    assert {ln.version for ln in gathered.learners} == {"current"}, (
        "a question bank changed since the fixtures were made: run tests/fixtures/exports/make_fixtures.py"
    )


def test_questions_in_course_order_with_text_and_counts(gathered: classview.Gathered) -> None:
    table = classview.by_question(gathered)
    order = [q.id for q in classview.course_questions() if q.type != "reflection"]
    assert list(table.index) == order
    notebooks = list(dict.fromkeys(table["notebook"]))
    assert notebooks == sorted(notebooks, key=classview.notebook_key)
    assert notebooks.index("01_china") < notebooks.index("ex01_china") < notebooks.index("02_central_asia")
    assert table.loc["start.first_year", "question"] == all_questions()["start.first_year"].prompt
    row = table.loc["start.order"]
    assert (row["answered"], row["learners"], row["answered_of"], row["correct"]) == (2, 3, "2 of 3 answered", 1)
    assert row["share_correct_pct"] == 50.0
    assert table.loc["china.poll_gap", "answered_of"] == "0 of 3 answered"
    assert table.loc["china.poll_gap", "share_correct_pct"] != table.loc["china.poll_gap", "share_correct_pct"]  # NaN
    assert "start.expectation" not in table.index  # reflections are not in the percentages


def test_everyone_wrong_shows_zero_with_commonest_wrong_answer_and_evidence(gathered: classview.Gathered) -> None:
    row = classview.by_question(gathered).loc["start.who_said"]
    assert (row["share_correct_pct"], row["answered"], row["commonest_wrong_count"]) == (0.0, 3, 3)
    q = all_questions()["start.who_said"]
    assert row["evidence"] == classview.pointer(q) and "excerpt 'kortunov-pro-chinese'" in row["evidence"]
    key = "; ".join(f"{k} → {v}" for k, v in q.answer.items())
    assert key not in row["evidence"] and key != row["commonest_wrong"]


def test_status_claimed_in_a_file_is_ignored(tmp_path: Path) -> None:
    shutil.copy(HOSTILE / "forged_status.json", tmp_path / "forged.json")
    g = classview.gather(tmp_path)
    answers = g.learners[0].answers
    assert answers["china.trade_growth"].status == classview.INVALID  # "no idea" marked correct
    assert answers["start.first_year"].status == classview.CORRECT  # "2012" marked incorrect
    assert answers["start.expectation"].status == classview.SAVED  # a reflection marked correct
    table = classview.by_question(g)
    assert table.loc["china.trade_growth", "correct"] == 0 and "start.expectation" not in table.index


def test_discussion_sheet_is_anonymous_escaped_and_complete(gathered: classview.Gathered) -> None:
    page = classview.discussion_html(gathered)
    found = classview.reflections(gathered)
    assert [q.id for q, _ in found] == ["start.expectation", "china.weigh"]
    assert [len(texts) for _, texts in found] == [3, 2]
    assert "3 of 3 learners wrote one" in page and "2 of 3 learners wrote one" in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page and "<b>not bold" not in page
    assert "default-src 'none'" in page and "<script" not in page
    for who in ("BBaker", "ana.andersson", "learner 1", "bakerben"):
        assert who not in page
    md = classview.discussion_markdown(gathered)
    assert r"\$x\$" in md and r"\<b\>" in md and "=HYPERLINK" in md and "http://example.invalid" in md
    named = classview.discussion_html(classview.gather(SUBMISSIONS, names=True), names=True)
    assert "— BBaker" in named


def test_gather_command_line_writes_tables_charts_sheet_and_report(tmp_path: Path) -> None:
    result = cli("gather", str(SUBMISSIONS), "--out", "report", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "WARNING: skipped dahldana_1004_5004_my-answers.json: not valid JSON" in result.stdout
    assert "3 learner(s)" in result.stdout and "3 of 3 answered" in result.stdout
    out = tmp_path / "report"
    for name in (
        "by_question.csv",
        "by_learner.csv",
        "discussion.html",
        "discussion.md",
        "report.txt",
        "by_question.png",
        "chart_00_start_here.png",
        "chart_ex01_china.png",
    ):
        assert (out / name).exists(), name
    assert (out / "by_question.png").read_bytes()[:4] == b"\x89PNG"
    alt = (out / "by_question.txt").read_text()
    assert "3 learners answered each" in alt and "had no correct answer: start.who_said" in alt
    rows = list(csv.DictReader(open(out / "by_question.csv", encoding="utf-8")))
    assert rows[0]["qid"] == "start.first_year" and rows[0]["answered_of"] == "3 of 3 answered"
    learners = (out / "by_learner.csv").read_text(encoding="utf-8")
    assert "ana.andersson" not in learners and "learner 1" in learners
    report = (out / "report.txt").read_text(encoding="utf-8")
    assert report.startswith("3 learner(s) counted; 1 file(s) skipped; 1 other file(s) ignored")


def test_a_missing_or_empty_folder_still_gives_a_finished_report(tmp_path: Path) -> None:
    g = classview.gather(tmp_path / "nowhere")
    assert g.count == 0 and g.notes == [f"{tmp_path / 'nowhere'} is not a folder."]
    (tmp_path / "empty").mkdir()
    result = cli("gather", str(tmp_path / "empty"), "--out", "report", cwd=tmp_path)
    assert result.returncode == 1 and "0 learner(s)" in result.stdout
    assert (tmp_path / "report" / "report.txt").read_text().startswith("0 learner(s) counted; 0 file(s) skipped")
    assert (tmp_path / "report" / "discussion.html").exists() and (tmp_path / "report" / "by_question.png").exists()


def test_chart_labels_are_plain_text_and_the_work_is_bounded(gathered: classview.Gathered, tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    table = classview.by_question(gathered)
    many = pd.concat([table] * 10)  # 990 rows
    many.index = [f"$\\undefinedmacro{{{i}}}$" for i in range(len(many))]
    many["question"] = "$\\frac{1}{0}$ " + "x" * 300_000
    many["answered"], many["share_correct_pct"], many["answered_of"] = 1, 0.0, "1 of 3 answered"
    fig, alt = classview.chart(many, tmp_path / "many.png")
    from PIL import Image

    width, height = Image.open(tmp_path / "many.png").size
    assert height <= 100 * (1.6 + 0.3 * (classview.MAX_CHART_ROWS + 20)) and width == 1100
    assert "not drawn" in alt
    texts = list(fig.axes[0].texts)
    assert texts and all(not t.get_parse_math() for t in texts)
    assert all(len(t.get_text()) <= 200 for t in texts)


# ---------------------------------------------------------------- versions, duplicates, merges
def _export_as(tmp: Path, name: str, identifier: str, answers: dict, monkeypatch, progress: str | None = None) -> Path:
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp / (progress or name)) + ".progress.json")
    for qid, value in answers.items():
        te.answer(qid, value)
    return classview.export(tmp / "class" / f"{name}.json", identifier)


def test_version_stamp_flags_exports_from_another_bank(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "class").mkdir()
    _export_as(tmp_path, "now", "now@x", {"start.first_year": "2012"}, monkeypatch)
    old = _export_as(tmp_path, "old", "old@x", {"start.first_year": "2012"}, monkeypatch)
    doc = json.loads(old.read_text())
    doc["banks"]["core"], doc["course_version"] = "0000000000000000", "0.0.9"
    old.write_text(json.dumps(doc))
    legacy = {
        "format": "turneast-answers",
        "version": 1,
        "learner": "Cy",
        "exported": "2026-01-01T00:00:00+00:00",
        "answers": [
            {
                "qid": "start.first_year",
                "notebook": "00_start_here",
                "status": "correct",
                "response": "2012",
                "time": "2026-01-01T00:00:00+00:00",
            }
        ],
    }
    (tmp_path / "class" / "legacy.json").write_text(json.dumps(legacy))
    g = classview.gather(tmp_path / "class", names=True)
    versions = {ln.label: ln.version for ln in g.learners}
    assert versions["now@x"] == "current"
    assert versions["old@x"] == "older question bank: core (course 0.0.9)"
    assert versions["Cy"] == "no version stamp: an export from an older course"  # a version-1 export, still read
    assert all(ln.answers["start.first_year"].status == classview.CORRECT for ln in g.learners)
    assert any(
        "2 of 3 learner(s) exported with other question banks" in n and "graded with the current banks" in n
        for n in g.notes
    )
    assert f"The exports come from different course versions: 0.0.9 (1), {classview.course_version()} (1)." in g.notes
    assert set(classview.by_learner(g)["version"]) == {"current", versions["old@x"], versions["Cy"]}


def test_another_course_version_with_the_same_banks_changes_no_grade(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "class").mkdir()
    _export_as(tmp_path, "now", "now@x", {"start.first_year": "2012"}, monkeypatch)
    later = _export_as(tmp_path, "later", "later@x", {"start.first_year": "2012"}, monkeypatch)
    later.write_text(json.dumps({**json.loads(later.read_text()), "course_version": "9.9.9"}))
    g = classview.gather(tmp_path / "class")
    assert {ln.version for ln in g.learners} == {"current"}
    assert g.notes[-2:] == [
        f"The exports come from different course versions: {classview.course_version()} (1), 9.9.9 (1).",
        "Their question banks match the current ones, so no grade is affected.",
    ]


def test_duplicates_count_once_and_exports_of_one_learner_merge(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "class").mkdir()
    first = _export_as(tmp_path, "ana-monday", "ana@x", {"start.first_year": "2008"}, monkeypatch, "ana")
    shutil.copy(first, tmp_path / "class" / "ana-copy.json")
    time.sleep(1.1)  # answer times have one-second resolution
    later = {"start.first_year": "2012", "start.poll_china": 98}
    _export_as(tmp_path, "ana-friday", "ana@x", later, monkeypatch, "ana")
    _export_as(tmp_path, "ana-laptop", "ANA@x", {"china.trade_growth": 5}, monkeypatch, "laptop")  # another device
    _export_as(tmp_path, "ben", "ben@x", {"start.first_year": "2008"}, monkeypatch)
    g = classview.gather(tmp_path / "class")
    assert g.count == 2
    ana = next(ln for ln in g.learners if "ana-friday.json" in ln.files)
    assert set(ana.files) == {"ana-monday.json", "ana-copy.json", "ana-friday.json", "ana-laptop.json"}
    assert ana.answers["start.first_year"].status == classview.CORRECT  # the later answer wins
    assert set(ana.answers) == {"start.first_year", "start.poll_china", "china.trade_growth"}
    assert any("ana-monday.json is an identical copy of ana-copy.json" in n for n in g.notes)  # first by name
    assert any("were merged" in n for n in g.notes)


# ---------------------------------------------------------------- the hostile corpus
def _build_runtime_cases(folder: Path, cases: list[dict]) -> list[str]:
    """Make the cases that cannot be stored in git; return the names of those this system cannot make."""
    honest = {
        "ana": SUBMISSIONS / "anderssonana_1001_5001_my-answers.json",
        "ben": SUBMISSIONS / "bakerben_1002_5002_my-answers.json",
        "chen": SUBMISSIONS / "Chen Wei_88213_assignsubmission_file_" / "my-answers.json",
    }
    for who, path in honest.items():
        shutil.copy(path, folder / f"honest_{who}.json")
    shutil.copy(honest["ana"], folder / "copy_of_ana.json")
    (folder / "honest_bom.json").write_bytes(b"\xef\xbb\xbf" + honest["ben"].read_bytes())
    (folder / "honest_utf16.json").write_bytes(honest["chen"].read_text(encoding="utf-8").encode("utf-16"))
    (folder / "inner").mkdir()
    missing = []
    links = {
        "inside_link.json": folder / "honest_ana.json",
        "dev_zero.json": Path("/dev/zero"),
        "passwd.json": Path("/etc/passwd"),
        "linked_dir": folder / "inner",
    }  # a folder link is never followed
    for name, target in links.items():
        try:
            os.symlink(target, folder / name)
        except (OSError, NotImplementedError):  # e.g. Windows without the right to make links
            missing.append(name)
    special = {
        "fifo.json": lambda p: os.mkfifo(p),
        "device.json": lambda p: os.mknod(p, 0o600 | 0o020000, os.makedev(1, 3)),
    }  # like /dev/null
    for name, make in special.items():
        try:
            make(folder / name)
        except (AttributeError, OSError):  # no FIFOs on Windows; mknod needs privileges
            missing.append(name)
    (folder / "big.json").write_bytes(b" " * (classview.MAX_BYTES + 1))
    real = {"qid": "start.first_year", "response": "2012", "time": "2026-11-02T10:00:00+00:00"}
    fake = [{"qid": f"made.up_{i:04d}", "status": "correct", "response": "A"} for i in range(5000)]
    head = {"format": "turneast-answers", "version": 2, "identifier": "", "learner": ""}
    (folder / "too_many_answers.json").write_text(json.dumps({**head, "answers": fake + [real]}))
    (folder / "many_ids.json").write_text(json.dumps({**head, "answers": fake[:4999] + [real]}))
    (folder / "long_id.json").write_text(
        json.dumps(
            {
                **head,
                "answers": [{"qid": "q" * 300_000, "status": "correct", "response": "A"}, {**real, "response": "2008"}],
            }
        )
    )
    (folder / '=HYPERLINK("evil")|cmd.json').write_text(
        json.dumps({**head, "answers": [{**real, "qid": "start.poll_china", "response": 50}]})
    )
    if sys.platform.startswith("linux"):  # a name that is not UTF-8 (other systems refuse to make one)
        with open(os.path.join(os.fsencode(folder), b"undecodable_\xff.json"), "w") as fh:
            fh.write(json.dumps({**head, "answers": [{**real, "qid": "start.unfriendly", "response": ["Japan"]}]}))
    else:
        missing.append("undecodable_?.json")
    deep = folder.joinpath(*"abcdefghi")
    deep.mkdir(parents=True)
    shutil.copy(honest["ana"], deep / "deep.json")
    (folder / "notebook.ipynb").write_text("{}")
    (folder / "__MACOSX").mkdir()
    (folder / "__MACOSX" / "._honest_ana.json").write_bytes(b"\x00\x05\x16\x07 binary resource fork")
    return missing


def test_hostile_corpus(tmp_path: Path) -> None:
    cases = list(csv.DictReader(open(HOSTILE / "expected.csv", encoding="utf-8")))
    folder = tmp_path / "submissions"
    folder.mkdir()
    stored = [c["file"] for c in cases if c["made"] == "stored"]
    assert sorted(stored) == sorted(p.name for p in HOSTILE.glob("*.json")), "expected.csv and the corpus differ"
    for name in stored:
        shutil.copy(HOSTILE / name, folder / name)
    cannot = _build_runtime_cases(folder, cases)

    start = time.perf_counter()
    result = cli("gather", str(folder), "--out", "report", "--names", cwd=tmp_path)
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stdout
    report = (tmp_path / "report" / "report.txt").read_text(encoding="utf-8")
    learners = list(csv.DictReader(open(tmp_path / "report" / "by_learner.csv", encoding="utf-8")))
    counted = {f.removeprefix("'").replace("\\|", "|") for row in learners for f in row["files"].split(", ")}

    for case in cases:
        name, outcome = case["file"], case["outcome"]
        if name in cannot:
            continue
        line = f"SKIPPED {name}: "
        if outcome == "skipped":
            assert line in report, f"{name} not reported as skipped"
            reason = report.split(line, 1)[1].split("\n", 1)[0]
            assert case["reason"] in reason, f"{name}: {reason!r}"
        elif outcome == "counted":
            assert line not in report and name in counted, f"{name} not counted"
        elif outcome == "counted once":
            assert line not in report and name in counted
            assert re.search(
                rf"NOTE ({re.escape(name)} is an identical copy of|.* is an identical copy of "
                rf"{re.escape(name)}:)",
                report,
            ), f"{name} not recognised as a copy"
        elif outcome == "ignored":
            assert name not in report and name not in counted
    assert len(learners) == sum(c["outcome"] == "counted" for c in cases)  # every honest file counted once

    # every forged status was graded again, unknown ids reported (cut short), nothing dangerous in any CSV
    forged = next(r for r in learners if r["learner"] == "forged_status.json")
    assert (forged["china.trade_growth"], forged["start.first_year"], forged["start.expectation"]) == (
        "invalid",
        "correct",
        "reflection",
    )
    assert "NOTE many_ids.json: 4999 answer(s) to question ids this course does not have" in report
    assert "and 4979 more" in report and max(len(line) for line in report.splitlines()) < 3000
    assert "'$\\undefinedmacro{x}$'" in report
    for path in (tmp_path / "report").glob("*.csv"):
        for row in csv.reader(open(path, encoding="utf-8")):
            for cell in row:
                assert not cell.lstrip(" ").startswith(classview._DANGEROUS) or re.fullmatch(r"-?[\d.]+", cell), (
                    path.name,
                    cell,
                )
    assert "'=cmd\\|' /C calc'!A0" in (tmp_path / "report" / "by_learner.csv").read_text(encoding="utf-8")
    assert (tmp_path / "report" / "by_question.png").read_bytes()[:4] == b"\x89PNG"
    assert "PROBLEM" not in report
    assert elapsed < 60, f"the hostile folder took {elapsed:.0f} s"


# ---------------------------------------------------------------- gradebook
CANVAS_READ_ONLY = (
    "Current Score",
    "Current Points",
    "Current Grade",
    "Final Score",
    "Final Points",
    "Final Grade",
    "Override Score",
    "Override Grade",
    "Override Status",
)


def check_canvas_import(path: Path, roster_ids: set[str]) -> list[list[str]]:
    """The rules Canvas's gradebook importer applies to a CSV (GradebookImporter in canvas-lms, and the
    Canvas guide 'How do I import grades in the Gradebook?'); returns the rows."""
    text = path.read_bytes().decode("utf-8")  # UTF-8
    first_lines = text.splitlines()[:3]
    counts = {sep: [len(next(csv.reader([ln], delimiter=sep))) for ln in first_lines] for sep in ",;"}
    assert len(set(counts[","])) == 1 and counts[","][0] > max(counts[";"]), "Canvas would read ';' as separator"
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], "header must start Student, ID"
    i = 2
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        i = 3
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        i = 4 + bool(re.search(r"Integration\s+ID", header[4]))
        i += bool(re.search(r"Root\s+Account", header[i]))
    assert "Section" in header[i], "the last student column must be Section"
    assignments = header[i + 1 :]
    assert assignments and len(set(assignments)) == len(assignments)
    for title in assignments:
        assert not re.search("|".join(CANVAS_READ_ONLY), title), f"{title} would be dropped as a read-only column"
        assert not title.startswith("'"), "a neutralised title would name a new assignment"
    assert all(len(r) == len(header) for r in rows), "ragged rows"
    assert "Points Possible" in rows[1][0]
    points = [float(p) for p in rows[1][i + 1 :]]
    assert all(p > 0 for p in points)
    for row in rows[2:]:
        assert row[1] in roster_ids, f"unknown Canvas user {row[1]}"
        for cell, most in zip(row[i + 1 :], points):
            assert cell == "" or (re.fullmatch(r"\d+(\.\d{1,2})?", cell) and 0 <= float(cell) <= most), cell
    return rows


def check_moodle_import(path: Path, roster: Path, map_from: str) -> list[dict]:
    """The rules Moodle's CSV grade import applies (grade/import/csv, docs 'Grade import'): unique, non-empty
    column names; every row's user found by the mapped field (one unknown user aborts the import); grades
    numeric and at most 100 (gradepointmax) or '-' for no grade; no export-time column."""
    text = path.read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert all(h.strip() for h in header) and len(set(header)) == len(header)
    assert "Last downloaded from this course" not in header
    assert map_from in header
    known = {r[map_from] for r in csv.DictReader(open(roster, encoding="utf-8"))}
    grade_columns = [h for h in header if h not in classview.MOODLE_IDENTITY]
    assert grade_columns
    out = []
    for row in rows[1:]:
        assert len(row) == len(header) > 1
        record = dict(zip(header, row))
        assert record[map_from] in known, f"Moodle would abort: no user with {map_from} {record[map_from]!r}"
        for col in grade_columns:
            cell = record[col]
            assert cell == "-" or (re.fullmatch(r"\d+(\.\d{1,2})?", cell) and 0 <= float(cell) <= 100), cell
        out.append(record)
    return out


def test_canvas_gradebook_round_trip(tmp_path: Path) -> None:
    roster = FIXTURES / "roster-canvas.csv"
    result = cli("gradebook", str(SUBMISSIONS), "--roster", str(roster), "--out", "canvas.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    ids = {r["ID"] for r in csv.DictReader(open(roster, encoding="utf-8")) if r["ID"].isdigit()}
    rows = check_canvas_import(tmp_path / "canvas.csv", ids)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ex01_china (777)"]
    assert rows[1][-1] == "10"  # the existing assignment's points possible, from the roster
    scores = {r[0]: r[-1] for r in rows[2:]}
    assert scores == {
        name: _score(who, "ex01_china", 10)
        for name, who in (  # rows left out stay as they are
            ("Andersson, Ana", "ana"),
            ("Baker, Ben", "ben"),
            ("Wei, Chen", "chen"),
        )
    }
    assert "NO EXPORT Dahl, Dana (dahldana_1004_5004_my-answers.json could not be used: not valid JSON" in result.stdout
    assert "NO EXPORT Eriksen, Emil" in result.stdout
    listing = list(csv.DictReader(open(tmp_path / "canvas-unmatched.csv", encoding="utf-8")))
    assert [(r["kind"], r["who"]) for r in listing] == [
        ("roster row without an export", "Dahl, Dana"),
        ("roster row without an export", "Eriksen, Emil"),
    ]
    assert listing[0]["why"].startswith("dahldana_1004_5004_my-answers.json could not be used: not valid JSON")


def test_canvas_gradebook_with_lessons_and_new_columns(tmp_path: Path) -> None:
    result = cli(
        "gradebook",
        str(SUBMISSIONS),
        "--roster",
        str(FIXTURES / "roster-canvas.csv"),
        "--lessons",
        "--out",
        "canvas.csv",
        cwd=tmp_path,
    )
    rows = check_canvas_import(tmp_path / "canvas.csv", {"1001", "1002", "1003", "1004", "1005"})
    assert rows[0][5:] == ["00_start_here", "01_china", "ex01_china (777)"] and rows[1][5:] == ["100", "100", "10"]
    ana = next(r for r in rows if r[0] == "Andersson, Ana")
    assert ana[5:] == [
        _score("ana", "00_start_here", 100),
        _score("ana", "01_china", 100),
        _score("ana", "ex01_china", 10),
    ]
    assert "3 learner(s) scored in 3 column(s)" in result.stdout


def test_moodle_gradebook_round_trip(tmp_path: Path) -> None:
    roster = FIXTURES / "roster-moodle.csv"
    result = cli(
        "gradebook", str(SUBMISSIONS), "--roster", str(roster), "--lms", "moodle", "--out", "moodle.csv", cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout
    records = check_moodle_import(tmp_path / "moodle.csv", roster, "Email address")
    assert [(r["Email address"], r["ex01_china"]) for r in records] == [
        ("ana.andersson@uni.example", _score("ana", "ex01_china", 100)),
        ("chen.wei@uni.example", _score("chen", "ex01_china", 100)),
    ]
    # Ben typed his login, which a Moodle grade export does not hold: listed, not dropped
    assert (
        "NOT MATCHED bakerben_1002_5002_my-answers.json: the login 'BBaker' matches no roster row (closest: Ben Baker)"
    ) in result.stdout
    for name in ("Ben Baker", "Dana Dahl", "Emil Eriksen"):
        assert f"NO EXPORT {name}" in result.stdout
    kinds = [r["kind"] for r in csv.DictReader(open(tmp_path / "moodle-unmatched.csv", encoding="utf-8"))]
    assert kinds == ["export without a roster row"] + ["roster row without an export"] * 3


def _moodle_row(tmp_path: Path, out: str, *options: str) -> dict[str, str]:
    """Chen's row of a Moodle gradebook made from the fixtures with these options (checked as Moodle would)."""
    roster = FIXTURES / "roster-moodle.csv"
    cli("gradebook", str(SUBMISSIONS), "--roster", str(roster), *options, "--out", out, cwd=tmp_path)
    records = check_moodle_import(tmp_path / out, roster, "Email address")
    return next(r for r in records if r["First name"] == "Chen")


def test_moodle_scores_out_of_other_points_and_no_grade_cells(tmp_path: Path) -> None:
    chen = _moodle_row(tmp_path, "m.csv", "--lessons", "--points", "10")
    assert (chen["00_start_here"], chen["01_china"], chen["ex01_china"]) == (
        _score("chen", "00_start_here", 10),
        "-",
        _score("chen", "ex01_china", 10),
    )
    chen = _moodle_row(tmp_path, "z.csv", "--lessons", "--unattempted", "zero")
    assert chen["01_china"] == "0"


def _roster(tmp_path: Path, rows: list[str], name: str = "roster.csv", prefix: bytes = b"") -> Path:
    path = tmp_path / name
    path.write_bytes(prefix + "\n".join(rows).encode("utf-8") + b"\n")
    return path


def test_gradebook_uses_canvas_file_names_and_lists_conflicts(tmp_path: Path, monkeypatch) -> None:
    sub = tmp_path / "download"
    sub.mkdir()
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / "a.json"))
    te.check("china.ex_imports_growth", all_questions()["china.ex_imports_growth"].answer["value"])
    classview.export(sub / "nologinnils_2001_9001_my-answers.json", "")  # typed nothing: file name used
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / "b.json"))
    te.check("china.ex_volume_growth", 1)
    classview.export(sub / "impostorivan_2002_9002_my-answers.json", "nils@x")  # typed someone else's login
    roster = _roster(
        tmp_path,
        [
            "Student,ID,SIS Login ID,Section",
            '"Nils, No",2001,nils@x,A',
            '"Ivan, I",2002,ivan@x,A',
            '"Student, Test",2099,,A',
        ],
    )
    g = classview.gather(sub)
    book = classview.gradebook(g, classview.read_roster(roster))
    assert book.header == ["Student", "ID", "SIS Login ID", "Section", "ex01_china"]  # a TA's export: no SIS User ID
    one_right = f"{100 / _graded('ex01_china'):.2f}".rstrip("0").rstrip(".")
    assert [r[0] for r in book.rows] == ["Points Possible", "Nils, No"] and book.rows[1][-1] == one_right
    assert any(
        "nologinnils_2001_9001_my-answers.json: matched to Nils, No by the name Canvas gave the file" in n
        for n in book.notes
    )
    conflict = [why for files, why in book.unmatched_exports if "impostorivan" in files]
    assert conflict and "belongs to Nils, No, but Canvas filed the export under Ivan, I" in conflict[0]
    assert ("Student, Test", "Canvas's test student") in book.missing
    out = classview.write_csv(tmp_path / "out.csv", book.header, book.rows)
    check_canvas_import(out, {"2001", "2002", "2099"})


def test_two_people_claiming_one_roster_row_are_not_scored(tmp_path: Path, monkeypatch) -> None:
    sub = tmp_path / "download"
    sub.mkdir()
    for who in ("a", "b"):
        monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / f"{who}.json"))
        te.check("china.ex_volume_growth", 1 if who == "a" else 2)
        classview.export(sub / f"{who}.json", f"{who}@x")
    roster = _roster(tmp_path, ["First name,Last name,ID number,Email address", "Al,A,1,a@x"])
    book = classview.gradebook(classview.gather(sub), classview.read_roster(roster), match="ID number")
    assert all("matches no roster row" in why for _, why in book.unmatched_exports)
    roster = _roster(tmp_path, ["First name,Last name,ID number,Email address,Username", "Al,A,a@x,a@x,b@x"])
    book = classview.gradebook(classview.gather(sub), classview.read_roster(roster))
    assert any("several different exports claim Al A" in why for _, why in book.unmatched_exports)
    assert book.rows == [] and book.missing == [("Al A", "")]


def test_roster_formats_and_mistakes(tmp_path: Path) -> None:
    semicolon = _roster(
        tmp_path,
        ["Student;ID;SIS User ID;SIS Login ID;Section", '"Baker, Ben";1002;S1;bbaker;A'],
        "semi.csv",
        prefix=b"\xef\xbb\xbf",
    )
    roster = classview.read_roster(semicolon)
    assert roster.lms == "canvas" and roster.identity == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert roster.rows == [["Baker, Ben", "1002", "S1", "bbaker", "A"]]
    nonsense = _roster(tmp_path, ["name,score", "x,1"], "nonsense.csv")
    with pytest.raises(ValueError, match="Canvas or Moodle"):
        classview.read_roster(nonsense)
    with pytest.raises(ValueError, match="Canvas's columns"):
        classview.read_roster(FIXTURES / "roster-moodle.csv", "canvas")
    result = cli("gradebook", str(SUBMISSIONS), "--roster", str(nonsense), cwd=tmp_path)
    assert result.returncode == 2 and result.stdout.strip().splitlines()[-1].startswith("ERROR: The roster")


def test_identity_cells_from_the_roster_are_neutralised_too(tmp_path: Path, gathered: classview.Gathered) -> None:
    roster = _roster(
        tmp_path,
        [
            "Student,ID,SIS Login ID,Section",
            '"=HYPERLINK(""http://x"")",1001,x,A',
            '"Wei, Chen",1003,chen.wei@uni.example,@A',
        ],
    )
    book = classview.gradebook(gathered, classview.read_roster(roster))
    out = classview.write_csv(tmp_path / "out.csv", book.header, book.rows)
    rows = list(csv.reader(open(out, encoding="utf-8")))
    assert rows[2][0] == '\'=HYPERLINK("http://x")' and rows[3][3] == "'@A"
    check_canvas_import(out, {"1001", "1003"})
