"""Class view: exports round-trip; a folder with one corrupt and three valid files aggregates correctly."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import turneast as te
from turneast import classview


@pytest.fixture
def class_folder(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "submissions"
    folder.mkdir()
    plans = {"ada": {"start.first_year": "B", "start.poll_china": 98},
             "bo": {"start.first_year": "A", "start.poll_china": 98},
             "cy": {"start.first_year": "B", "start.poll_china": 50, "start.expectation": "Little."}}
    for name, answers in plans.items():
        monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / f"{name}-progress.json"))
        for qid, value in answers.items():
            te.answer(qid, value)
        classview.export(folder / f"{name}.json", name=name.title())
    (folder / "broken.json").write_text('{"format": "turneast-answers", "answers": [', encoding="utf-8")
    return folder


def test_export_holds_latest_answers_only(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TURNEAST_PROGRESS", str(tmp_path / "p.json"))
    te.answer("start.first_year", "A")
    te.answer("start.first_year", "B")
    doc = json.loads(classview.export(tmp_path / "out.json", "Ada").read_text())
    assert doc["format"] == "turneast-answers" and doc["learner"] == "Ada"
    assert [(a["qid"], a["status"]) for a in doc["answers"]] == [("start.first_year", "correct")]


def test_one_corrupt_and_three_valid_files(class_folder: Path) -> None:
    g = classview.gather(class_folder)
    assert g.learners == 3
    assert g.skipped == [("broken.json", g.skipped[0][1])] and "cannot be read as JSON" in g.skipped[0][1]
    assert sorted(set(g.answers["learner"])) == ["learner 1", "learner 2", "learner 3"]
    table = classview.by_question(g)
    assert table.loc["start.first_year", ["answered", "correct"]].tolist() == [3, 2]
    assert table.loc["start.poll_china", "share_correct_pct"] == pytest.approx(66.7)
    assert table.loc["start.poll_china", "commonest_wrong"] == "50.0"
    assert table.loc["start.expectation", "answered"] == 1


def test_names_only_on_request(class_folder: Path) -> None:
    assert sorted(set(classview.gather(class_folder, names=True).answers["learner"])) == ["Ada", "Bo", "Cy"]


@pytest.mark.parametrize("content, reason", [
    ("[1, 2]", "not a course answers file"),
    ('{"format": "turneast-answers", "answers": "all"}', "not a list of answers"),
    ('{"format": "turneast-answers", "answers": [{"qid": 3, "status": "correct"}]}', "answer 1 is malformed"),
    ('{"format": "turneast-answers", "learner": ' + json.dumps("x" * 300) + ', "answers": []}', "short text"),
    ("__import__('os').system('echo pwned')", "cannot be read as JSON"),
])
def test_bad_files_are_reported_and_skipped(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")
    g = classview.gather(tmp_path)
    assert g.learners == 0 and reason in g.skipped[0][1]


def test_oversized_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "big.json").write_text(" " * (classview.MAX_BYTES + 1), encoding="utf-8")
    assert "larger than" in classview.gather(tmp_path).skipped[0][1]


def test_command_line_writes_tables_and_chart(class_folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "report"
    assert classview.main(["gather", str(class_folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "WARNING: skipped broken.json" in printed and "3 learners" in printed
    assert (out / "by_question.csv").exists() and (out / "by_learner.csv").exists()
    assert (out / "by_question.png").read_bytes()[:4] == b"\x89PNG"
    assert "Ada" not in (out / "by_learner.csv").read_text()
