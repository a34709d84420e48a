"""answer()/ask()/progress() from code, and the progress file: atomic, shared, never silently lost."""
from __future__ import annotations

import json
import multiprocessing
import warnings
from pathlib import Path

import pytest

import turneast as te
from turneast import store
from turneast.quiz import QuestionWidget, as_text


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "progress.json"
    monkeypatch.setenv("TURNEAST_PROGRESS", str(path))
    return path


def test_answer_from_code_is_deterministic_and_saved(fresh_progress: Path) -> None:
    first = repr(te.answer("start.first_year", "B"))
    assert first.startswith("[start.first_year] Correct.")
    assert "Evidence: excerpt 'asan-turn-to-east'" in first
    assert repr(te.answer("start.first_year", "B")) == first
    saved = json.loads(fresh_progress.read_text())
    assert [a["status"] for a in saved["attempts"]] == ["correct", "correct"]
    assert saved["attempts"][0]["notebook"] == "00_start_here"


def test_invalid_answers_are_explained_and_not_saved(fresh_progress: Path) -> None:
    result = te.answer("start.poll_china", "twelve")
    assert repr(result) == "[start.poll_china] Not checked: 'twelve' is not a number: type digits, e.g. 12.5."
    assert not fresh_progress.exists()


def test_unknown_question_id_names_it_and_suggests() -> None:
    result = te.answer("start.first_yaer", "B")
    assert result.status == "invalid"
    assert "no question with id 'start.first_yaer'" in repr(result)
    assert "'start.first_year'" in repr(result)
    assert "no question with id 'zzz'" in repr(te.ask("zzz"))
    assert "not 42" in repr(te.answer(42, "B"))


def test_check_says_not_answered_yet_for_placeholders(fresh_progress: Path) -> None:
    assert "Not answered yet" in repr(te.check("start.poll_china", None))
    assert "Not answered yet" in repr(te.check("start.poll_china", ...))
    assert not fresh_progress.exists()
    assert te.check("start.poll_china", 98).correct


def test_explain_and_hint() -> None:
    assert "Answer: 2012" in repr(te.explain("start.first_year"))
    assert repr(te.hint("start.order")).startswith("[start.order] Hint:")


def test_progress_summary_counts_latest_attempts() -> None:
    te.answer("start.first_year", "A")
    te.answer("start.unfriendly", ["A", "B"])
    te.answer("start.expectation", "Some thoughts.")
    summary = te.progress()
    row = summary.table.loc["00_start_here"]
    assert (row["answered"], row["correct"], row["to revisit"]) == (3, 1, 1)
    assert summary.revisit == ("start.first_year",)
    te.answer("start.first_year", "B")
    assert te.progress().revisit == ()


def test_widget_has_readable_text_and_grades_through_its_controls(fresh_progress: Path) -> None:
    widget = te.ask("start.order")
    assert isinstance(widget, QuestionWidget)
    bundle = widget._repr_mimebundle_()
    assert bundle["text/plain"] == as_text(widget.question)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    widget.submit(widget.question.answer)
    assert "Correct." in widget.feedback.value
    assert json.loads(fresh_progress.read_text())["attempts"][-1]["status"] == "correct"


def test_widget_shows_a_friendly_message_for_wrong_types() -> None:
    widget = te.ask("start.poll_china")
    widget.submit("twelve")
    assert "is not a number" in widget.feedback.value
    matching = te.ask("start.who_said")
    matching.submit({})
    assert "Match every item" in matching.feedback.value


def test_widget_restores_the_saved_answer() -> None:
    te.answer("start.unfriendly", ["Japan", "South Korea"])
    widget = te.ask("start.unfriendly")
    ticked = [box.description for box in widget.control.children if box.value]
    assert ticked == ["Japan", "South Korea"]
    assert "saved answer" in widget.feedback.value


def test_ordering_widget_moves_items() -> None:
    widget = te.ask("start.order")
    box = widget.control.children[1]
    first = box.options[0]
    box.value = first
    widget._move(box, +1)
    assert box.options[1] == first and box.value == first


def test_widget_callback_errors_never_escape(monkeypatch) -> None:
    widget = te.ask("start.first_year")

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "record", boom)
    widget.submit("2012")
    assert "could not be saved" in widget.feedback.value


def test_corrupt_progress_file_is_backed_up_and_reported(fresh_progress: Path) -> None:
    fresh_progress.write_text("{ this is not json")
    with pytest.warns(store.ProgressWarning, match="could not be read"):
        te.answer("start.first_year", "B")
    backups = list(fresh_progress.parent.glob("progress.damaged-*.json"))
    assert len(backups) == 1 and backups[0].read_text() == "{ this is not json"
    assert json.loads(fresh_progress.read_text())["attempts"][0]["qid"] == "start.first_year"


def test_hand_edited_records_are_salvaged(fresh_progress: Path) -> None:
    te.answer("start.first_year", "B")
    doc = json.loads(fresh_progress.read_text())
    doc["attempts"].append({"qid": 7, "status": "maybe"})
    fresh_progress.write_text(json.dumps(doc))
    with pytest.warns(store.ProgressWarning, match="1 damaged record"):
        kept = store.attempts()
    assert [a["qid"] for a in kept] == ["start.first_year"]


def test_a_foreign_json_file_is_not_overwritten_silently(fresh_progress: Path) -> None:
    fresh_progress.write_text(json.dumps([1, 2, 3]))
    with pytest.warns(store.ProgressWarning, match="not a course progress file"):
        te.answer("start.first_year", "B")
    assert any(p.read_text() == "[1, 2, 3]" for p in fresh_progress.parent.glob("progress.damaged-*.json"))


def test_reset_keeps_a_backup(fresh_progress: Path) -> None:
    te.answer("start.first_year", "B")
    backup = store.reset()
    assert backup is not None and backup.exists() and not fresh_progress.exists()


def test_write_is_atomic_no_temp_files_left(fresh_progress: Path) -> None:
    for _ in range(5):
        te.answer("start.first_year", "B")
    leftovers = [p.name for p in fresh_progress.parent.iterdir() if p.name.startswith(".progress-")]
    assert leftovers == []


def _answer_many(path: str, qid: str, n: int) -> None:
    for _ in range(n):
        store.record(qid, "nb", "x", "correct", Path(path))


def test_two_processes_writing_at_once_lose_nothing(fresh_progress: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_answer_many, args=(str(fresh_progress), qid, 40)) for qid in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        saved = store.attempts(fresh_progress)
    assert sorted(a["qid"] for a in saved) == ["a"] * 40 + ["b"] * 40


def test_progress_location_default_and_override(monkeypatch, tmp_path) -> None:
    from turneast.paths import progress_path
    monkeypatch.delenv("TURNEAST_PROGRESS")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert progress_path() == tmp_path / "turneast" / "progress.json"


def test_score_over_a_quiz() -> None:
    ids = ["start.first_year", "start.unfriendly", "start.expectation"]
    assert repr(te.score(ids)) == "Score: 0 of 2 correct (0 answered)."
    te.answer("start.first_year", "B")
    te.answer("start.unfriendly", ["A"])
    assert repr(te.score(ids)) == "Score: 1 of 2 correct (2 answered).\nTo revisit: start.unfriendly"
    assert "Unknown question id(s): nope" in repr(te.score(["nope"]))


def test_saved_answer_shows_the_last_reflection() -> None:
    assert "not answered this yet" in repr(te.saved_answer("start.expectation"))
    te.answer("start.expectation", "Closer to China.")
    assert repr(te.saved_answer("start.expectation")).endswith(": Closer to China.")
