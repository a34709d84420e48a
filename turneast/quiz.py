"""What notebooks call: ask() shows a question, answer()/check() grade from code, progress() and my_answers() sum up.

Every entry point returns a Feedback (or a widget) and never lets a traceback reach the learner, for any value.
Grading happens here in Python (questions.grade); the widget's front end (static/question.js) only renders
the question and sends the learner's response.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import pandas as pd
import traitlets

from . import store
from ._errors import CourseError
from .questions import (
    CORRECT,
    INCORRECT,
    INVALID,
    LETTERS,
    SAVED,
    Grade,
    Question,
    _fixed_order,
    all_questions,
    explanation,
    get,
    grade,
    short,
    shown,
)

STATIC = Path(__file__).parent / "static"
TYPE_NAMES = {
    "single": "single choice",
    "multiple": "select all that apply",
    "numeric": "number",
    "ordering": "put in order",
    "matching": "matching",
    "reflection": "reflection (saved, not graded)",
}
HINT, EXPLAINED, UNANSWERED = "hint", "explained", "unanswered"
_ID_PREVIEW = 80  # characters of an unknown id echoed back


@dataclass(frozen=True)
class Feedback:
    """What the learner reads after an action: its text is deterministic and says what to do next."""

    qid: str
    status: str
    lines: tuple[str, ...]

    def __repr__(self) -> str:
        return "\n".join(self.lines)


# ---------------------------------------------------------------- saving switch
_saving = {"on": True}


def save_answers(on: Any = True) -> Feedback:
    """Switch saving answers on or off for the rest of this session (solution notebooks switch it off)."""
    if not isinstance(on, bool):
        return Feedback(
            "save_answers",
            INVALID,
            (
                f"te.save_answers takes True or False, not {short(on, _ID_PREVIEW)}: "
                "te.save_answers(False) stops saving answers in this session, te.save_answers(True) saves them again.",
            ),
        )
    _saving["on"] = on
    if on:
        return Feedback("save_answers", SAVED, ("Answers are saved again from now on.",))
    return Feedback(
        "save_answers",
        SAVED,
        (
            "Answers are checked but not saved for the rest of this session "
            "(your saved answers stay as they are; te.save_answers(True) saves again).",
        ),
    )


# ---------------------------------------------------------------- look-up, grading and saving
def _lookup(qid: Any) -> Question | Feedback:
    """The question with this id, or a Feedback explaining why there is none (never raises)."""
    if not isinstance(qid, str):
        return Feedback(
            "?",
            INVALID,
            (f'A question id is a text in quotes such as "start.first_year", not {short(qid, _ID_PREVIEW)}.',),
        )
    try:
        return get(qid)
    except CourseError as exc:
        return Feedback(short(qid, _ID_PREVIEW), INVALID, (short(str(exc), 400),))


def _as_shown(q: Question) -> Question:
    """The question with options in this learner's order (bank order under the tests: no learner id is written)."""
    return q if _fixed_order() else shown(q, store.learner_id())  # learner_id() never raises


def _grade_lines(g: Grade) -> tuple[str, ...]:
    """The feedback lines of a grade, the same in widgets and in code (saving is described separately)."""
    message = str(g.message)
    if g.status == INVALID:
        message = f"Not checked: {message}"
    elif g.status == SAVED:  # a reflection: whether it was saved is said by _graded(), from what happened
        message = message.removeprefix("Saved.").strip()
    return (f"[{g.qid}] {message}".rstrip(), *(str(d) for d in g.details if d))


def _graded(q: Question, response: Any, save: bool) -> Feedback:
    """Grade a response, save it if asked and possible, and say truthfully what happened."""
    g = grade(q, response)
    lines = list(_grade_lines(g))
    if g.status == INVALID:
        return Feedback(q.id, g.status, tuple(lines))
    reflection = g.status == SAVED
    if not save:
        note = "Not saved: checked with save=False."
    elif not _saving["on"]:
        note = (
            "Not saved: saving is off in this session (te.save_answers(True) turns it back on)." if reflection else ""
        )
    else:
        try:
            store.record(q.id, q.notebook, g.response, g.status)
            note = "Saved." if reflection else ""
        except store.NotSaved as exc:  # its message is a sentence: "Answers are graded but not saved, because ..."
            note = f"Not saved. {exc} Copy your text somewhere safe." if reflection else str(exc)
    if reflection:
        head = lines[0].removeprefix(f"[{q.id}]").strip()
        lines[0] = f"[{q.id}] {note or 'Not saved.'} {head}".rstrip()
    elif note:
        lines.append(f"({note})")
    return Feedback(q.id, g.status, tuple(lines))


def answer(qid: str, value: Any, *, save: bool = True) -> Feedback:
    """Check an answer from code and save it (save=False checks without saving, e.g. for a demonstration)."""
    q = _lookup(qid)
    if isinstance(q, Feedback):
        return Feedback(q.qid, q.status, (f"[{q.qid}] Not checked: {q.lines[0]}",))
    return _graded(_as_shown(q), value, save)


def check(task_id: str, value: Any, *, save: bool = True) -> Feedback:
    """Check an exercise task; an unanswered task (None or ...) says so instead of failing."""
    if value is None or value is Ellipsis:
        label = short(task_id, _ID_PREVIEW) if isinstance(task_id, str) else "?"
        return Feedback(label, UNANSWERED, (f"[{label}] Not answered yet: complete the cell above and run it again.",))
    return answer(task_id, value, save=save)


def explain(qid: str) -> Feedback:
    """Show the right answer and why, with its evidence."""
    q = _lookup(qid)
    if isinstance(q, Feedback):
        return q
    return Feedback(q.id, EXPLAINED, tuple(explanation(q).splitlines()))


def _hint_lines(q: Question) -> tuple[str, ...]:
    return (f"[{q.id}] Hint: {q.hint or 'no hint for this one; re-read the excerpt.'}",)


def hint(qid: str) -> Feedback:
    """Show a question's hint."""
    q = _lookup(qid)
    if isinstance(q, Feedback):
        return q
    return Feedback(q.id, HINT, _hint_lines(q))


# ---------------------------------------------------------------- how a question reads where no widget runs
def _example(q: Question) -> tuple[str, str]:
    """A placeholder answer for te.answer (never the answer itself) and a note on it."""
    return {
        "single": ('"<letter>"', ""),
        "multiple": ('["<letter>", "<letter>", ...]', ""),
        "numeric": ("<number>", ""),
        "ordering": ('["<letter>", ...]', "  # every letter once, first item first"),
        "matching": ('{"<item>": "<letter>", ...}', ""),
    }.get(q.type, ('"your text"', ""))


def as_text(q: Question) -> str:
    """A readable, deterministic text version of a question (shown where widgets cannot be)."""
    lines = [f"Question {q.id} ({TYPE_NAMES.get(q.type, q.type)})", q.prompt]
    if q.type in ("single", "multiple"):
        lines += [f"  {LETTERS[i]}) {o}" for i, o in enumerate(q.options)]
    elif q.type == "ordering":
        lines += [f"  {LETTERS[i]}) {o}" for i, o in enumerate(q.items)]
    elif q.type == "matching":
        lines += [f"  {item}" for item in q.left] + ["  choices:"]
        lines += [f"    {LETTERS[i]}) {o}" for i, o in enumerate(q.right)]
    elif q.type == "numeric":
        lines.append(f"  Answer in {q.unit}." if q.unit else "  Answer with a number.")
    example, note = _example(q)
    lines.append(f'Answer from code: te.answer("{q.id}", {example}){note}')
    return "\n".join(lines)


def as_html(q: Question) -> str:
    """A readable, deterministic HTML version of a question for static viewers (GitHub, the course website).

    Prompt, options or unit, and how to answer live; never the answer or the hint.
    """
    e = html.escape
    parts = [
        f"<p><strong>Question</strong> <small>({e(TYPE_NAMES.get(q.type, q.type))}; id <code>{e(q.id)}</code>)"
        f"</small></p>",
        f"<p>{e(q.prompt)}</p>",
    ]

    def lettered(texts: tuple[str, ...]) -> str:  # letters written out: viewers' CSS may number an <ol type="A">
        return "<p>" + "<br>\n".join(f"{LETTERS[i]}) {e(t)}" for i, t in enumerate(texts)) + "</p>"

    if q.type in ("single", "multiple", "ordering"):
        parts.append(lettered(q.items if q.type == "ordering" else q.options))
    elif q.type == "matching":
        parts.append("<p>Match each statement:</p><ul>" + "".join(f"<li>{e(t)}</li>" for t in q.left) + "</ul>")
        parts.append("<p>with one of:</p>" + lettered(q.right))
    elif q.type == "numeric":
        parts.append(f"<p>Answer with a number{f', in {e(q.unit)}' if q.unit else ''}.</p>")
    elif q.type == "reflection":
        parts.append("<p>Answer in a few sentences; reflections are saved, not graded.</p>")
    example, _ = _example(q)
    parts.append(
        f"<p><em>Answer it live in JupyterLab: run this cell to get the question with its Check, Hint and "
        f'Explain buttons, or answer from code with</em> <code>te.answer("{e(q.id)}", {e(example)})</code>'
        f"<em>.</em></p>"
    )
    body = "\n".join(parts)
    return f'<div class="turneast-question-static tex2jax_ignore mathjax_ignore">\n{body}\n</div>'


# ---------------------------------------------------------------- the widget
@dataclass(frozen=True)
class Controls:
    """What the front end needs to draw a question, and how responses map to and from its controls' value."""

    spec: dict[str, Any]
    to_value: Callable[[Any], Any]  # a (normalised) response -> the controls' value
    from_value: Callable[[Any], Any]  # the controls' value -> a response for grade()


def _number_text(response: Any) -> str:
    """A saved number as the learner would type it."""
    if isinstance(response, float):
        return f"{response:g}"
    return "" if response is None else str(response)


def _build(q: Question) -> Controls:
    """The description the front end draws, and the conversions _fill() and checking need."""
    spec: dict[str, Any] = {
        "id": q.id,
        "type": q.type,
        "type_name": TYPE_NAMES.get(q.type, q.type),
        "prompt": q.prompt,
        "has_hint": bool(q.hint),
        "check_label": "Save" if q.type == "reflection" else "Check",
    }

    def same(value: Any) -> Any:
        return value

    if q.type in ("single", "multiple"):
        spec["options"] = list(q.options)
        return Controls(spec, same, same)
    if q.type == "numeric":
        spec["unit"] = q.unit
        return Controls(spec, _number_text, same)
    if q.type == "ordering":
        spec["items"] = list(q.items)
        return Controls(spec, lambda v: list(v) if isinstance(v, (list, tuple)) else list(q.items), same)
    if q.type == "matching":
        spec["left"], spec["right"] = list(q.left), list(q.right)
        return Controls(spec, lambda v: dict(v) if isinstance(v, dict) else {}, same)
    return Controls(spec, lambda v: v if isinstance(v, str) else "", same)


class QuestionWidget(anywidget.AnyWidget):
    """A question drawn by static/question.js: keyboard-operable, labelled, graded here in Python."""

    _esm = STATIC / "question.js"
    _css = STATIC / "question.css"
    spec = traitlets.Dict().tag(sync=True)
    value = traitlets.Any(None).tag(sync=True)
    feedback_state = traitlets.Dict().tag(sync=True)

    def __init__(self, q: Question) -> None:
        self.question = q  # as this learner sees it (options in their order)
        self._controls = _build(q)
        self._serial = 0
        super().__init__(spec=self._controls.spec, value=self._controls.to_value(None))
        self.add_class("turneast-question")
        self.add_class("q-" + q.id.replace(".", "-"))
        self.on_msg(self._on_message)
        self._restore()

    def __repr__(self) -> str:
        return as_text(self.question)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data["text/plain"] = as_text(self.question)
        data["text/html"] = as_html(self.question)
        return data, metadata

    @property
    def feedback(self) -> Feedback:
        """What the widget shows under its buttons."""
        state = self.feedback_state
        return Feedback(self.question.id, state.get("status", ""), tuple(state.get("lines", ())))

    # -- behaviour ---------------------------------------------------------------
    def _show(self, feedback: Feedback) -> None:
        """Put feedback in the widget (a counter makes a repeated message announce again)."""
        self._serial += 1
        self.feedback_state = {"status": feedback.status, "lines": list(feedback.lines), "n": self._serial}

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """A button or key in the front end: check, hint or explain. Nothing escapes as a traceback."""
        try:
            event = content.get("event") if isinstance(content, dict) else None
            if event == "check":
                if "value" in content:
                    self.set_state({"value": content["value"]})  # as if synced; not echoed back
                self.check()
            elif event == "hint":
                self._show(Feedback(self.question.id, HINT, _hint_lines(self.question)))
            elif event == "explain":
                self._show(Feedback(self.question.id, EXPLAINED, tuple(explanation(self.question).splitlines())))
        except Exception as exc:  # noqa: BLE001 - a learner must never see a traceback here
            self._show(
                Feedback(
                    self.question.id,
                    INVALID,
                    (
                        f"Something went wrong ({exc.__class__.__name__}: {short(str(exc), 200)}). "
                        "Your saved answers are safe.",
                    ),
                )
            )

    def check(self) -> Feedback:
        """Grade what the controls hold, save it, and show the feedback."""
        feedback = _graded(self.question, self._controls.from_value(self.value), save=True)
        self._show(feedback)
        return feedback

    def submit(self, response: Any) -> Feedback:
        """Set the controls to a response and press Check (for tests and demonstrations)."""
        self._fill(response)
        return self.check()

    def _fill(self, response: Any) -> None:
        """Set the controls to a (normalised) response."""
        self.value = self._controls.to_value(response)

    def _restore(self) -> None:
        """Show the learner's last saved answer, if any."""
        last = store.latest().get(self.question.id)
        if not isinstance(last, dict) or last.get("status") not in (CORRECT, INCORRECT, SAVED):
            return
        try:
            self._fill(last.get("response"))
        except Exception:  # noqa: BLE001 - a stale saved answer must not break the question
            return
        when = str(last.get("time", ""))[:10]
        verdict = {CORRECT: "correct", INCORRECT: "not yet correct", SAVED: "saved"}[last["status"]]
        self._show(
            Feedback(self.question.id, last["status"], (f"Your saved answer from {when} ({verdict}) is filled in.",))
        )


def ask(qid: str) -> QuestionWidget | Feedback:
    """Show one question as a widget (or a clear message if the id is unknown)."""
    q = _lookup(qid)
    if isinstance(q, Feedback):
        return q
    return QuestionWidget(_as_shown(q))


# ---------------------------------------------------------------- progress
@dataclass(frozen=True)
class Summary:
    """Progress per notebook: a table plus the questions to revisit."""

    table: pd.DataFrame
    revisit: tuple[str, ...]

    def __repr__(self) -> str:
        lines = [self.table.to_string()]
        answered = int(self.table["answered"].sum()) if "answered" in self.table else 0
        nothing = "Nothing to revisit yet." if not answered else "To revisit: nothing, well done."
        lines.append("To revisit: " + ", ".join(self.revisit) if self.revisit else nothing)
        return "\n".join(lines)

    def chart(self) -> None:
        """Bars per notebook: questions, answered and correct, in the course's chart style."""
        from .charts import PALETTE, figure, finish

        t = self.table.iloc[::-1]
        fig, ax = figure(8, 0.4 * len(t) + 1.5)
        ax.barh(t.index, t["questions"], color="#dddddd", label="questions")
        ax.barh(t.index, t["answered"], color=PALETTE[5], label="answered")
        ax.barh(t.index, t["correct"], color=PALETTE[0], hatch="//", label="correct")
        ax.legend(loc="lower right", frameon=False)
        done, total = int(t["answered"].sum()), int(t["questions"].sum())
        finish(
            fig,
            ax,
            title=f"You have answered {done} of the course's {total} questions",
            units="Number of questions per notebook",
            source="Source: your saved answers (te.progress())",
            alt=f"Horizontal bars per notebook comparing questions, answered and correct; {done} of {total} answered.",
        )


def progress() -> Summary:
    """Per notebook: questions, answered, correct and to revisit; from the saved answers."""
    latest = store.latest()
    rows: dict[str, dict[str, int]] = {}
    revisit = []
    for qid, q in sorted(all_questions().items(), key=lambda kv: (kv[1].notebook, kv[0])):
        row = rows.setdefault(q.notebook, {"questions": 0, "answered": 0, "correct": 0, "to revisit": 0})
        row["questions"] += 1
        last = latest.get(qid)
        if last:
            row["answered"] += 1
            row["correct"] += last["status"] == CORRECT
            if last["status"] == INCORRECT:
                row["to revisit"] += 1
                revisit.append(qid)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "notebook"
    return Summary(table, tuple(revisit))


def revisit(limit: int = 3) -> Feedback:
    """The explanations of the first questions to revisit, or "Nothing to revisit yet."."""
    todo = progress().revisit
    if not todo:
        return Feedback("revisit", CORRECT, ("Nothing to revisit yet.",))
    count = limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else 3
    lines: list[str] = []
    for qid in todo[:count]:
        lines += [*([""] if lines else []), *explanation(get(qid)).splitlines()]
    if len(todo) > count:
        lines += ["", f"{len(todo) - count} more to revisit: te.revisit({len(todo)}) shows them all."]
    return Feedback("revisit", EXPLAINED, tuple(lines))


def _id_list(qids: Any) -> list[Any] | None:
    """The ids given to score(): one id, or a list/tuple/set of them; None for anything else."""
    if isinstance(qids, str):
        return [qids]
    if isinstance(qids, (list, tuple, set, frozenset)):
        return list(qids)
    return None


def score(qids: Any) -> Feedback:
    """A score over a list of questions (for example a cumulative quiz), from the saved answers."""
    ids = _id_list(qids)
    if ids is None:
        return Feedback(
            "score",
            INVALID,
            (
                f"te.score takes a list of question ids such as "
                f'["start.first_year", "start.order"], not {short(qids, _ID_PREVIEW)}.',
            ),
        )
    known = all_questions()
    unknown = [short(q, _ID_PREVIEW) for q in ids if not isinstance(q, str) or q not in known]
    if unknown:
        return Feedback(
            "score",
            INVALID,
            (f"Unknown question id(s): {', '.join(unknown[:10])}{' and others' if len(unknown) > 10 else ''}.",),
        )
    graded = [q for q in dict.fromkeys(ids) if known[q].type != "reflection"]
    latest = store.latest()
    answered = [q for q in graded if q in latest]
    correct = [q for q in answered if latest[q].get("status") == CORRECT]
    lines = [f"Score: {len(correct)} of {len(graded)} correct ({len(answered)} answered)."]
    missed = [q for q in graded if q not in correct]
    if missed and answered:
        lines.append("To revisit: " + ", ".join(missed))
    return Feedback("score", "score", tuple(lines))


def _response_text(q: Question | None, response: Any) -> str:
    """A saved response as a short, readable text."""
    if q is not None and q.type == "ordering" and isinstance(response, list):
        return short(" → ".join(map(str, response)))
    if isinstance(response, list):
        return short(", ".join(map(str, response)))
    if isinstance(response, dict):
        return short("; ".join(f"{k} → {v}" for k, v in response.items()))
    if isinstance(response, float):
        unit = f" {q.unit}" if q is not None and q.unit else ""
        return f"{response:g}{unit}"
    return short(response) if not isinstance(response, str) else short(response, 200)


def saved_answer(qid: str) -> Feedback:
    """The learner's last saved answer to a question, as text."""
    q = _lookup(qid)
    if isinstance(q, Feedback):
        return q
    last = store.latest().get(q.id)
    if not last:
        return Feedback(q.id, UNANSWERED, (f"[{q.id}] You have not answered this yet.",))
    text = (
        last.get("response")
        if q.type == "reflection" and isinstance(last.get("response"), str)
        else _response_text(q, last.get("response"))
    )
    return Feedback(
        q.id, str(last.get("status", "")), (f"[{q.id}] Your answer of {str(last.get('time', ''))[:10]}: {text}",)
    )


# ---------------------------------------------------------------- the learner's own answers (notebook 08)
_STATUS_WORDS = {CORRECT: "correct", INCORRECT: "not yet correct", SAVED: "saved"}


@dataclass(frozen=True)
class MyAnswers:
    """The learner's last answer to every question they answered, and their reflections, in course order."""

    answers: pd.DataFrame  # notebook, question, prompt, answer, status, date
    reflections: pd.DataFrame  # notebook, question, prompt, reflection, date

    def __repr__(self) -> str:
        if self.answers.empty and self.reflections.empty:
            return "You have not saved any answers yet: answer the questions in the lessons and they appear here."
        lines = [f"Your answers ({len(self.answers)}):"]
        for row in self.answers.itertuples(index=False):
            lines.append(f"  {row.question} [{row.status}, {row.date}]: {row.answer}")
        lines.append(f"Your reflections ({len(self.reflections)}):")
        for row in self.reflections.itertuples(index=False):
            lines += [
                f"  {row.question} [{row.date}]: {row.prompt}",
                *(f"    {t}" for t in row.reflection.splitlines()),
            ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        if self.answers.empty and self.reflections.empty:
            return f"<p>{e(repr(self))}</p>"
        head = "".join(f'<th style="text-align:left">{h}</th>' for h in ("Question", "Your answer", "Status", "Date"))
        rows = "".join(
            f'<tr><td style="text-align:left">{e(r.prompt)}<br><small><code>{e(r.question)}</code></small></td>'
            f'<td style="text-align:left">{e(r.answer)}</td><td style="text-align:left">{e(r.status)}</td>'
            f'<td style="text-align:left">{e(r.date)}</td></tr>'
            for r in self.answers.itertuples(index=False)
        )
        parts = [
            f"<h4>Your answers ({len(self.answers)})</h4>",
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>" if rows else "<p>None yet.</p>",
            f"<h4>Your reflections ({len(self.reflections)})</h4>",
        ]
        for r in self.reflections.itertuples(index=False):
            body = "<br>".join(e(t) for t in r.reflection.splitlines())
            parts.append(
                f"<p><strong>{e(r.prompt)}</strong> <small>(<code>{e(r.question)}</code>, {e(r.date)})"
                f"</small></p><blockquote>{body}</blockquote>"
            )
        return "\n".join(parts)


def my_answers() -> MyAnswers:
    """Your last saved answer to each question, with its status, and your reflections, in course order."""
    known = all_questions()
    latest = store.latest()
    order = {qid: i for i, qid in enumerate(known)}
    answers, reflections = [], []
    for qid in sorted((k for k in latest if k in known), key=lambda k: (known[k].notebook, order[k])):
        last, q = latest[qid], known[qid]
        row = {"notebook": q.notebook, "question": qid, "prompt": q.prompt, "date": str(last.get("time", ""))[:10]}
        if q.type == "reflection":
            text = last.get("response")
            reflections.append({**row, "reflection": text if isinstance(text, str) else _response_text(q, text)})
        else:
            answers.append(
                {
                    **row,
                    "answer": _response_text(q, last.get("response")),
                    "status": _STATUS_WORDS.get(last.get("status"), str(last.get("status"))),
                }
            )
    columns = ["notebook", "question", "prompt", "answer", "status", "date"]
    return MyAnswers(
        pd.DataFrame(answers, columns=columns),
        pd.DataFrame(reflections, columns=["notebook", "question", "prompt", "reflection", "date"]),
    )


def start_afresh(confirm: bool = False) -> Feedback:
    """Start with an empty progress file; the old one is kept as a dated backup. Asks for confirm=True first."""
    if confirm is not True:
        count = len(store.latest())
        return Feedback(
            "start_afresh",
            UNANSWERED,
            (
                f"This would put your saved answers ({count} question{'s' if count != 1 else ''}) aside in a dated "
                "backup file next to the progress file and start an empty one.",
                "To go ahead, run: te.start_afresh(confirm=True)",
            ),
        )
    try:
        backup = store.reset()
    except (OSError, CourseError) as exc:  # store.NotSaved: "Could not start afresh, because ..."
        return Feedback("start_afresh", INVALID, (short(str(exc), 400),))
    if backup is None:
        return Feedback("start_afresh", SAVED, ("Nothing to put aside: you have no saved answers yet.",))
    return Feedback("start_afresh", SAVED, (f"Started afresh. Your earlier answers are kept in {backup}.",))
