"""What learners call (te.answer, te.check, te.ask, te.progress, te.score, te.my_answers, ...): honest feedback,
never a traceback, the widget's Python side, and how a question reads where no widget runs.

The progress store itself (locking, damage, backups) is tested in test_store.py; the widget's front end in a
real browser in test_browser.py.
"""

from __future__ import annotations

import decimal
import fractions
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import turneast as te
from turneast import quiz, store
from turneast.questions import CORRECT, INCORRECT, INVALID, SAVED, STATUSES, all_questions, get, shown
from turneast.quiz import STATIC, Feedback, QuestionWidget, as_html, as_text

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "progress.json"
    monkeypatch.setenv("TURNEAST_PROGRESS", str(path))
    monkeypatch.setitem(quiz._saving, "on", True)
    return path


def _attempts(path: Path) -> list[dict]:
    return json.loads(path.read_text())["attempts"] if path.exists() else []


# ---------------------------------------------------------------- answering from code
def test_answer_from_code_is_deterministic_and_saved(fresh_progress: Path) -> None:
    first = repr(te.answer("start.first_year", "B"))
    assert first.startswith("[start.first_year] Correct.")
    assert "Evidence: excerpt 'asan-turn-to-east'" in first
    assert repr(te.answer("start.first_year", "B")) == first
    assert [a["status"] for a in _attempts(fresh_progress)] == ["correct", "correct"]
    assert _attempts(fresh_progress)[0]["notebook"] == "00_start_here"


def test_save_false_checks_without_saving_and_says_so(fresh_progress: Path) -> None:
    result = te.answer("start.poll_china", 98, save=False)
    assert result.status == CORRECT
    assert result.lines[-1] == "(Not saved: checked with save=False.)"
    reflection = te.answer("start.expectation", "A thought.", save=False)
    assert repr(reflection).startswith("[start.expectation] Not saved: checked with save=False.")
    assert "Saved." not in repr(reflection)
    assert te.check("start.poll_china", 98, save=False).status == CORRECT
    assert _attempts(fresh_progress) == []


def test_save_answers_off_for_the_session(fresh_progress: Path) -> None:
    said = te.save_answers(False)
    assert isinstance(said, Feedback) and len(said.lines) == 1 and "not saved" in repr(said)
    assert repr(te.check("start.poll_china", 98)).startswith("[start.poll_china] Correct.")
    assert "saving is off" in repr(te.answer("start.expectation", "A thought."))
    widget = te.ask("start.first_year")
    widget.submit("2012")
    assert _attempts(fresh_progress) == []
    assert "True or False" in repr(te.save_answers("no"))
    te.save_answers(True)
    te.answer("start.poll_china", 98)
    assert len(_attempts(fresh_progress)) == 1


def test_invalid_answers_are_explained_and_not_saved(fresh_progress: Path) -> None:
    result = te.answer("start.poll_china", "twelve")
    assert result.status == INVALID
    assert repr(result).startswith("[start.poll_china] Not checked: 'twelve' is not a number")
    assert not fresh_progress.exists()


def test_unknown_or_odd_question_ids_name_the_problem() -> None:
    result = te.answer("start.first_yaer", "B")
    assert result.status == INVALID
    assert "no question with id 'start.first_yaer'" in repr(result)
    assert "'start.first_year'" in repr(result)
    assert "no question with id 'zzz'" in repr(te.ask("zzz"))
    for odd in (42, None, ["start.first_year"], {"a": 1}, b"start.first_year"):
        for call in (te.answer(odd, "B"), te.ask(odd), te.hint(odd), te.explain(odd), te.saved_answer(odd)):
            assert isinstance(call, Feedback) and call.status == INVALID, (odd, call)
            assert "question id is a text" in repr(call)
    long = te.answer("x" * 100_000, "B")
    assert len(repr(long)) < 400


def test_check_says_not_answered_yet_for_placeholders(fresh_progress: Path) -> None:
    assert "Not answered yet" in repr(te.check("start.poll_china", None))
    assert "Not answered yet" in repr(te.check("start.poll_china", ...))
    assert not fresh_progress.exists()
    assert te.check("start.poll_china", 98).status == CORRECT


def test_explain_and_hint() -> None:
    assert "Answer: 2012" in repr(te.explain("start.first_year"))
    assert repr(te.hint("start.order")).startswith("[start.order] Hint:")


def test_feedback_has_no_dead_attributes() -> None:
    assert not hasattr(te.answer("start.first_year", "B"), "correct")
    assert repr(Feedback("q", CORRECT, ("a", "b"))) == "a\nb"


# ---------------------------------------------------------------- no traceback, short echoes, for any value
class Hostile:
    """An object whose every method a message might call raises."""

    def __repr__(self) -> str:
        raise RuntimeError("repr")

    def __str__(self) -> str:
        raise RuntimeError("str")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq")

    def __hash__(self) -> int:
        raise RuntimeError("hash")

    def __iter__(self):
        raise RuntimeError("iter")

    def __float__(self) -> float:
        raise RuntimeError("float")


def _deep(n: int) -> list:
    value: list = []
    for _ in range(n):
        value = [value]
    return value


ODD_VALUES = [
    None,
    ...,
    True,
    10**400,
    -(10**400),
    float("nan"),
    float("inf"),
    "\udcff",
    "x" * 2_000_000,
    "−12,5",
    "29,5",
    "1,234",
    b"98",
    bytearray(b"1"),
    np.int64(98),
    np.float32(98.0),
    np.array(98.0),
    np.arange(5),
    decimal.Decimal("98"),
    fractions.Fraction(196, 2),
    complex(1, 2),
    pd.Series(range(10_000)),
    pd.DataFrame({"a": [1]}),
    {1, 2},
    frozenset("AB"),
    {"a": Hostile()},
    [None],
    [[["A"]]],
    _deep(5000),
    Hostile(),
    object(),
    print,
    range(10**9),
    iter([1, 2]),
    ("A", "B"),
    {"x": "y"},
]


@pytest.mark.parametrize(
    "qid",
    ["start.first_year", "start.unfriendly", "start.poll_china", "start.order", "start.who_said", "start.expectation"],
)
def test_no_value_gives_a_traceback_or_a_long_echo(qid: str) -> None:
    for value in ODD_VALUES:
        result = te.answer(qid, value, save=False)
        assert isinstance(result, Feedback) and result.status in STATUSES, (qid, type(value))
        assert len(repr(result)) < 2000, (qid, type(value), len(repr(result)))
        widget = te.ask(qid)
        widget._on_message(widget, {"event": "check", "value": value if isinstance(value, str) else None}, [])
        assert widget.feedback.status in STATUSES, (qid, type(value), widget.feedback)


@pytest.mark.parametrize(
    "value",
    [
        [None],
        5,
        None,
        3.5,
        {"a": 1},
        Hostile(),
        [["start.order"]],
        _deep(3000),
        ["x" * 1_000_000],
        iter(["start.order"]),
    ],
)
def test_score_and_saved_answer_never_raise(value: object) -> None:
    for result in (te.score(value), te.saved_answer(value)):
        assert isinstance(result, Feedback) and result.status == INVALID
        assert len(repr(result)) < 600


def test_score_over_a_quiz() -> None:
    ids = ["start.first_year", "start.unfriendly", "start.expectation"]
    assert repr(te.score(ids)) == "Score: 0 of 2 correct (0 answered)."
    te.answer("start.first_year", "B")
    te.answer("start.unfriendly", ["A"])
    assert repr(te.score(ids)) == "Score: 1 of 2 correct (2 answered).\nTo revisit: start.unfriendly"
    assert repr(te.score(tuple(ids) + ("start.first_year",))) == repr(te.score(ids))  # a duplicate counts once
    assert "Unknown question id(s): nope" in repr(te.score(["nope"]))
    assert "Unknown question id(s): None" in repr(te.score([None]))
    assert repr(te.score("start.first_year")) == "Score: 1 of 1 correct (1 answered)."  # one id, not its letters
    assert "list of question ids" in repr(te.score(5))


def test_saved_answer_shows_the_last_answer_cut_short() -> None:
    assert "not answered this yet" in repr(te.saved_answer("start.expectation"))
    te.answer("start.expectation", "Closer to China.")
    assert repr(te.saved_answer("start.expectation")).endswith(": Closer to China.")
    te.answer("start.order", ["A", "B", "C", "D", "E"])
    assert " → " in repr(te.saved_answer("start.order"))
    assert "not ['id']" in repr(te.saved_answer(["id"]))


# ---------------------------------------------------------------- saving, honestly
def _not_saved(*_: object, **__: object) -> None:
    raise store.NotSaved("Answers are graded but not saved, because the folder /x is read-only.")


def test_not_saved_says_why_and_never_saved(monkeypatch) -> None:
    monkeypatch.setattr(store, "record", _not_saved)
    graded = repr(te.answer("start.first_year", "B"))
    assert graded.startswith("[start.first_year] Correct.")
    assert graded.endswith("(Answers are graded but not saved, because the folder /x is read-only.)")
    reflection = repr(te.answer("start.expectation", "My thoughts."))
    assert reflection.startswith("[start.expectation] Not saved. Answers are graded but not saved, because")
    assert "Copy your text somewhere safe." in reflection and "Saved." not in reflection
    widget = te.ask("start.first_year")
    widget.submit("2012")
    assert "not saved, because the folder /x is read-only" in repr(widget.feedback)


def test_a_reflection_says_saved_only_when_it_was(fresh_progress: Path) -> None:
    assert repr(te.answer("start.expectation", "My thoughts.")).startswith("[start.expectation] Saved.")
    assert _attempts(fresh_progress)[-1]["status"] == SAVED


def test_a_damaged_progress_file_still_gives_feedback(fresh_progress: Path) -> None:
    fresh_progress.write_text("{ this is not json")
    with pytest.warns(store.ProgressWarning):
        widget = te.ask("start.first_year")
        assert isinstance(widget, QuestionWidget)
        assert te.answer("start.first_year", "B").status == CORRECT
        assert isinstance(te.progress(), quiz.Summary)
        assert isinstance(te.my_answers(), quiz.MyAnswers)


# ---------------------------------------------------------------- progress, my answers, revisit, start afresh
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


def test_revisit_prints_plain_text() -> None:
    assert repr(te.revisit()) == "Nothing to revisit yet."
    te.answer("start.first_year", "A")
    te.answer("start.poll_china", 12)
    text = repr(te.revisit(1))
    assert text.startswith("[start.first_year] Answer: 2012")
    assert text.endswith("1 more to revisit: te.revisit(2) shows them all.")
    assert "[start.poll_china] Answer:" in repr(te.revisit())


def test_my_answers_lists_answers_and_reflections_in_course_order() -> None:
    empty = te.my_answers()
    assert repr(empty).startswith("You have not saved any answers yet")
    assert "not saved any answers" in empty._repr_html_()
    te.answer("start.order", ["A", "B", "C", "D", "E"])
    te.answer("start.first_year", "A")
    te.answer("start.first_year", "B")
    te.answer("start.expectation", "Closer to China <b>and</b>\nnothing else.")
    te.answer("start.poll_china", "twelve")  # invalid: not saved, not listed
    mine = te.my_answers()
    assert list(mine.answers["question"]) == ["start.first_year", "start.order"]  # bank order within a notebook
    assert list(mine.answers["status"]) == ["correct", "not yet correct"]
    assert mine.answers["answer"].iloc[0] == "2012"
    assert mine.reflections["reflection"].iloc[0] == "Closer to China <b>and</b>\nnothing else."
    text = repr(mine)
    assert "start.first_year [correct" in text and "    nothing else." in text
    page = mine._repr_html_()
    assert "&lt;b&gt;and&lt;/b&gt;" in page and "<b>and</b>" not in page


def test_start_afresh_asks_first_then_keeps_a_backup(fresh_progress: Path) -> None:
    assert "Nothing to put aside" in repr(te.start_afresh(confirm=True))
    te.answer("start.first_year", "B")
    asked = te.start_afresh()
    assert "te.start_afresh(confirm=True)" in repr(asked) and "1 question" in repr(asked)
    assert len(_attempts(fresh_progress)) == 1
    done = te.start_afresh(confirm=True)
    assert "Started afresh" in repr(done)
    backup = Path(re.search(r"kept in (.+)\.$", repr(done)).group(1))
    assert backup.exists() and _attempts(fresh_progress) == []
    assert te.progress().table.loc["00_start_here", "answered"] == 0


# ---------------------------------------------------------------- how a question reads without a widget
def test_text_version_names_te_answer_and_never_the_key() -> None:
    for q in all_questions().values():
        text = as_text(q)
        assert f'te.answer("{q.id}", ' in text
        assert " answer(" not in text.replace("te.answer(", "")
        assert (q.hint not in text) if q.hint else True
        assert (q.feedback not in text) if q.feedback else True


def test_html_version_for_static_viewers_reads_well_and_gives_nothing_away() -> None:
    for q in all_questions().values():
        page = as_html(q)
        assert page == as_html(q)  # deterministic, for strict nbval
        assert "Answer it live in JupyterLab" in page and f"te.answer(&quot;{q.id}&quot;" in page.replace('"', "&quot;")
        assert "tex2jax_ignore" in page  # a $ in a prompt is not typeset as maths
        for secret in (q.hint, q.feedback, "Answer:"):
            assert not secret or secret not in page, (q.id, secret)
        for text in q.options + q.items + q.left + q.right:
            assert (
                re.sub(
                    r"\s+",
                    " ",
                    text.replace("&", "&amp;")
                    .replace("<", "&lt;")
                    .replace(">", "&gt;")
                    .replace('"', "&quot;")
                    .replace("'", "&#x27;"),
                )
                in page
            )
    assert "Answer with a number, in %." in as_html(get("start.poll_china"))


def test_widget_mimebundle_has_live_view_text_and_html() -> None:
    widget = te.ask("start.order")
    data, _ = widget._repr_mimebundle_()
    assert data["text/plain"] == as_text(widget.question) == repr(widget)
    assert data["text/html"] == as_html(widget.question)
    assert WIDGET_VIEW in data and data[WIDGET_VIEW]["model_id"] == widget.model_id


def test_the_front_end_never_receives_the_key() -> None:
    for qid in (
        "start.first_year",
        "start.unfriendly",
        "start.poll_china",
        "start.order",
        "start.who_said",
        "start.expectation",
    ):
        q = get(qid)
        widget = te.ask(qid)
        assert set(widget.spec) <= {
            "id",
            "type",
            "type_name",
            "prompt",
            "has_hint",
            "check_label",
            "options",
            "unit",
            "items",
            "left",
            "right",
        }
        synced = json.dumps({k: widget.get_state()[k] for k in ("spec", "value", "feedback_state")}, ensure_ascii=False)
        for secret in (q.feedback, q.hint):
            assert not secret or secret not in synced, (qid, secret)


# ---------------------------------------------------------------- the widget's Python side
def test_widget_grades_through_its_messages(fresh_progress: Path) -> None:
    widget = te.ask("start.order")
    assert widget.spec["items"] == list(widget.question.items)
    widget._on_message(widget, {"event": "check", "value": list(get("start.order").answer)}, [])
    assert "Correct." in repr(widget.feedback)
    assert _attempts(fresh_progress)[-1]["status"] == "correct"
    widget._on_message(widget, {"event": "hint"}, [])
    assert widget.feedback.status == "hint" and "Hint:" in repr(widget.feedback)
    widget._on_message(widget, {"event": "explain"}, [])
    assert widget.feedback.status == "explained" and "Answer: APEC" in repr(widget.feedback)
    serial = widget.feedback_state["n"]
    widget._on_message(widget, {"event": "explain"}, [])
    assert widget.feedback_state["n"] == serial + 1  # the same message again is announced again
    for junk in (None, "check", {"event": "nonsense"}, {"event": "check"}, {"event": "check", "value": {"x": [1]}}):
        widget._on_message(widget, junk, [])
        assert widget.feedback.status in (*STATUSES, "explained")


def test_widget_shows_a_friendly_message_for_wrong_types() -> None:
    widget = te.ask("start.poll_china")
    widget.submit("twelve")
    assert "is not a number" in repr(widget.feedback)
    matching = te.ask("start.who_said")
    matching.submit({})
    assert matching.feedback.status == INVALID


def test_widget_restores_the_saved_answer() -> None:
    te.answer("start.unfriendly", ["Japan", "South Korea"])
    widget = te.ask("start.unfriendly")
    assert widget.value == ["Japan", "South Korea"]
    assert "saved answer" in repr(widget.feedback)
    te.answer("start.poll_china", 12.5)
    assert te.ask("start.poll_china").value == "12.5"
    te.answer("start.who_said", dict.fromkeys(get("start.who_said").left, "Sergei Lavrov"))
    assert set(te.ask("start.who_said").value.values()) == {"Sergei Lavrov"}


def test_widget_callback_errors_never_escape(monkeypatch) -> None:
    widget = te.ask("start.first_year")

    def boom(*_: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(quiz, "grade", boom)
    widget._on_message(widget, {"event": "check", "value": "2012"}, [])
    assert repr(widget.feedback).startswith("Something went wrong (RuntimeError: disk on fire)")


def test_options_in_the_learners_own_order(monkeypatch, fresh_progress: Path) -> None:
    monkeypatch.delenv("TURNEAST_FIXED_ORDER", raising=False)
    learner = store.learner_id()
    q = shown(get("start.first_year"), learner)
    widget = te.ask("start.first_year")
    assert widget.spec["options"] == list(q.options) == list(widget.question.options)
    letter = "ABCD"[q.options.index("2012")]
    assert te.answer("start.first_year", letter).status == CORRECT  # letters refer to the learner's order
    assert f"{letter}) 2012" in repr(widget)
    order = te.ask("start.order").spec["items"]
    assert order != get("start.order").answer and sorted(order) == sorted(get("start.order").answer)
    monkeypatch.setenv("TURNEAST_FIXED_ORDER", "1")
    assert te.ask("start.first_year").spec["options"] == list(get("start.first_year").options)


def test_wrong_letters_are_graded_as_given(monkeypatch) -> None:
    monkeypatch.delenv("TURNEAST_FIXED_ORDER", raising=False)
    q = shown(get("start.first_year"), store.learner_id())
    wrong = "ABCD"[next(i for i, o in enumerate(q.options) if o != "2012")]
    assert te.answer("start.first_year", wrong).status == INCORRECT


# ---------------------------------------------------------------- the front-end files
def test_front_end_files_are_shipped_with_the_package() -> None:
    assert (STATIC / "question.js").is_file() and (STATIC / "question.css").is_file()
    project = (Path(quiz.__file__).parent.parent / "pyproject.toml").read_text()
    assert re.search(r'turneast\s*=\s*\[[^\]]*"static/\*', project), "pyproject.toml must ship turneast/static"


def test_front_end_contract() -> None:
    js = (STATIC / "question.js").read_text()
    for needed in (
        '"data-lm-suppress-shortcuts"',
        'role: "status"',
        '"aria-live"',
        "fieldset",
        "legend",
        '"— choose —"',
        "Move up",
        "Move down",
        'event: "check"',
        'event: "hint"',
        'event: "explain"',
        "export default",
    ):
        assert needed in js, needed
    widget = te.ask("start.poll_china")
    for trait in ("spec", "value", "feedback_state"):
        assert f'"{trait}"' in js and widget.has_trait(trait)
    css = (STATIC / "question.css").read_text()
    for state, var, fallback in (
        ("correct", "success", "#1a7f37"),
        ("incorrect", "error", "#9a3412"),
        ("invalid", "warn", "#6b21a8"),
        ("saved", "brand", "#1d4ed8"),
    ):
        block = css.split(f'[data-status="{state}"]')[1].split("}")[0]
        assert f"var(--jp-{var}-color1" in block, state
        assert re.search(r"color-mix\(in srgb, var\(--te-fb-theme\) 70%, var\(--jp-content-font-color0", css)
        assert f"--te-{state}: {fallback}" in css


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js not found: the ES module's syntax is not checked")
def test_front_end_module_parses() -> None:
    done = subprocess.run(
        ["node", "--check", "--input-type=module"],
        input=(STATIC / "question.js").read_text(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
