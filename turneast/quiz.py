"""What notebooks call: ask() shows a question widget, answer() checks from code, progress() sums up."""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import pandas as pd

from . import store
from ._errors import CourseError
from .questions import LETTERS, Outcome, Question, all_questions, explanation, get, grade

_TYPE_NAMES = {"single": "single choice", "multiple": "select all that apply", "numeric": "number",
               "ordering": "put in order", "matching": "matching", "reflection": "reflection (saved, not graded)"}


@dataclass(frozen=True)
class Result:
    """The outcome of answer(): its text is deterministic and shows what to do next."""

    qid: str
    status: str
    lines: tuple[str, ...]

    @property
    def correct(self) -> bool:
        """True when the answer was right."""
        return self.status == "correct"

    def __repr__(self) -> str:
        return "\n".join(self.lines)


def _outcome_lines(outcome: Outcome) -> tuple[str, ...]:
    """Text lines for an outcome, the same in widgets and in code."""
    head = f"[{outcome.qid}] {outcome.message}"
    if outcome.status == "invalid":
        head = f"[{outcome.qid}] Not checked: {outcome.message}"
    return (head, *(d for d in outcome.details if d))


def _save(q: Question, outcome: Outcome) -> tuple[str, ...]:
    """Record a gradable outcome; return its feedback lines, with a note if saving failed."""
    lines = _outcome_lines(outcome)
    if outcome.status == "invalid":
        return lines
    try:
        store.record(q.id, q.notebook, outcome.response, outcome.status)
    except OSError as exc:
        return lines + (f"(Your answer could not be saved: {exc}. Check that {store.progress_path()} is writable.)",)
    return lines


def answer(qid: str, response: Any) -> Result:
    """Check an answer from code, save it, and return deterministic feedback."""
    try:
        q = get(qid)
    except CourseError as exc:
        return Result(str(qid), "invalid", (f"[{qid}] Not checked: {exc}",))
    outcome = grade(q, response)
    return Result(q.id, outcome.status, _save(q, outcome))


def check(task_id: str, value: Any) -> Result:
    """Check an exercise task; an unanswered task (None or ...) says so instead of failing."""
    if value is None or value is Ellipsis:
        return Result(task_id, "unanswered", (f"[{task_id}] Not answered yet: complete the cell above and run it again.",))
    return answer(task_id, value)


def explain(qid: str) -> Result:
    """Show the right answer and why, with its evidence."""
    try:
        q = get(qid)
    except CourseError as exc:
        return Result(str(qid), "invalid", (str(exc),))
    return Result(q.id, "explained", tuple(explanation(q).splitlines()))


def hint(qid: str) -> Result:
    """Show a question's hint."""
    try:
        q = get(qid)
    except CourseError as exc:
        return Result(str(qid), "invalid", (str(exc),))
    return Result(q.id, "hint", (f"[{q.id}] Hint: {q.hint or 'no hint for this one; re-read the excerpt.'}",))


def as_text(q: Question) -> str:
    """A readable, deterministic text version of a question (shown where widgets cannot be)."""
    lines = [f"Question {q.id} ({_TYPE_NAMES.get(q.type, q.type)})", q.prompt]
    example, note = '"your text"', ""
    if q.type in ("single", "multiple"):
        lines += [f"  {LETTERS[i]}) {o}" for i, o in enumerate(q.options)]
        example = '["<letter>", "<letter>", ...]' if q.type == "multiple" else '"<letter>"'
    elif q.type == "ordering":
        lines += [f"  {LETTERS[i]}) {o}" for i, o in enumerate(q.items)]
        example, note = '["<letter>", ...]', "  # all letters, first item first"
    elif q.type == "matching":
        lines += [f"  {item}" for item in q.left] + ["  choices:"] + [f"    {LETTERS[i]}) {o}" for i, o in enumerate(q.right)]
        example = '{"<item>": "<letter>", ...}'
    elif q.type == "numeric":
        lines.append(f"  Answer in {q.unit}." if q.unit else "  Answer with a number.")
        example = "<number>"
    lines.append(f'Answer from code: answer("{q.id}", {example}){note}')
    return "\n".join(lines)


def _html_lines(lines: tuple[str, ...], status: str) -> str:
    """Feedback lines as HTML, coloured by status."""
    colour = {"correct": "#1a7f37", "incorrect": "#9a3412", "invalid": "#6b21a8", "saved": "#1d4ed8"}.get(status, "#333")
    body = "<br>".join(html.escape(line) for line in lines)
    return f'<div role="status" aria-live="polite" style="color:{colour}">{body}</div>'


class QuestionWidget(w.VBox):
    """An ipywidgets 8 question: controls, Check, Hint and Explain buttons and a feedback line."""

    def __init__(self, q: Question) -> None:
        self.question = q
        self.feedback = w.HTML(layout=w.Layout(margin="4px 0 0 0"))
        self.control, self._read = self._build()
        self.check_button = w.Button(description="Save" if q.type == "reflection" else "Check",
                                     button_style="primary", tooltip="Check your answer")
        self.hint_button = w.Button(description="Hint", tooltip="Show a hint", disabled=not q.hint)
        self.explain_button = w.Button(description="Explain", tooltip="Show the answer and why")
        self.check_button.on_click(self._guard(self._on_check))
        self.hint_button.on_click(self._guard(lambda _: self._show((f"Hint: {q.hint}",), "hint")))
        self.explain_button.on_click(self._guard(lambda _: self._show(tuple(explanation(q).splitlines()), "explained")))
        title = w.HTML(f"<b>{html.escape(q.prompt)}</b> <small>({_TYPE_NAMES.get(q.type, q.type)}; id {q.id})</small>")
        buttons = w.HBox([self.check_button, self.hint_button, self.explain_button])
        super().__init__([title, self.control, buttons, self.feedback],
                         layout=w.Layout(border="1px solid #ccc", padding="8px", margin="8px 0"))
        self.add_class("turneast-question")
        self.add_class("q-" + q.id.replace(".", "-"))
        self._restore()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = as_text(self.question)
        return bundle

    # -- building the controls -------------------------------------------------
    def _build(self) -> tuple[w.Widget, Any]:
        """The input control for this type and a function that reads the learner's response."""
        q = self.question
        wide = w.Layout(width="auto")
        if q.type == "single":
            radio = w.RadioButtons(options=list(q.options), value=None, layout=wide)
            return radio, lambda: radio.value
        if q.type == "multiple":
            boxes = [w.Checkbox(description=o, value=False, indent=False, layout=wide) for o in q.options]
            return w.VBox(boxes), lambda: [b.description for b in boxes if b.value]
        if q.type == "numeric":
            text = w.Text(placeholder="type a number", layout=w.Layout(width="12em"))
            return w.HBox([text, w.Label(q.unit)]), lambda: text.value
        if q.type == "ordering":
            box = w.Select(options=list(q.items), rows=len(q.items), layout=w.Layout(width="95%"))
            up, down = w.Button(description="Move up", icon="arrow-up"), w.Button(description="Move down", icon="arrow-down")
            up.on_click(self._guard(lambda _: self._move(box, -1)))
            down.on_click(self._guard(lambda _: self._move(box, +1)))
            return w.VBox([w.Label("Select an item, then move it (earliest or first at the top):"), box,
                           w.HBox([up, down])]), lambda: list(box.options)
        if q.type == "matching":
            drops = [w.Dropdown(options=[("— choose —", None)] + [(r, r) for r in q.right], value=None,
                                layout=w.Layout(width="auto")) for _ in q.left]
            rows = [w.HBox([w.HTML(html.escape(item), layout=w.Layout(width="55%")), d]) for item, d in zip(q.left, drops)]
            return w.VBox(rows), lambda: {item: d.value for item, d in zip(q.left, drops) if d.value is not None}
        area = w.Textarea(placeholder="Write a few sentences", layout=w.Layout(width="95%", height="8em"))
        return area, lambda: area.value

    @staticmethod
    def _move(box: w.Select, step: int) -> None:
        """Move the selected item of an ordering list up or down by one."""
        items = list(box.options)
        if box.value is None:
            return
        i = items.index(box.value)
        j = min(max(i + step, 0), len(items) - 1)
        items[i], items[j] = items[j], items[i]
        chosen = box.value
        box.options = items
        box.value = chosen

    # -- behaviour ---------------------------------------------------------------
    def _guard(self, callback: Any) -> Any:
        """Wrap a callback so that no error escapes into the notebook's output."""
        def run(*args: Any) -> None:
            try:
                callback(*args)
            except Exception as exc:  # noqa: BLE001 - a learner must never see a traceback here
                self._show((f"Something went wrong ({exc.__class__.__name__}: {exc}). Your saved answers are safe.",), "invalid")
        return run

    def _show(self, lines: tuple[str, ...], status: str) -> None:
        """Put feedback lines in the widget."""
        self.feedback.value = _html_lines(lines, status)

    def _on_check(self, _: Any = None) -> None:
        """Grade the current response, save it, and show the feedback."""
        outcome = grade(self.question, self._read())
        self._show(_save(self.question, outcome), outcome.status)

    def submit(self, response: Any) -> None:
        """Set the controls to a response and press Check (for tests and demos)."""
        self._fill(response)
        self._on_check()

    def _fill(self, response: Any) -> None:
        """Set the controls to a (normalised) response."""
        q, c = self.question, self.control
        if q.type == "single":
            c.value = response
        elif q.type == "multiple":
            for box in c.children:
                box.value = box.description in response
        elif q.type == "numeric":
            c.children[0].value = "" if response is None else f"{response:g}" if isinstance(response, float) else str(response)
        elif q.type == "ordering":
            c.children[1].options = list(response)
        elif q.type == "matching":
            for item, row in zip(q.left, c.children):
                row.children[1].value = response.get(item)
        else:
            c.value = response

    def _restore(self) -> None:
        """Show the learner's last saved answer, if any."""
        try:
            last = store.latest().get(self.question.id)
        except OSError:
            return
        if not last:
            return
        try:
            self._fill(last["response"])
        except Exception:  # noqa: BLE001 - a stale saved answer must not break the question
            return
        when = last["time"][:10]
        verdict = {"correct": "correct", "incorrect": "not yet correct", "saved": "saved"}[last["status"]]
        self._show((f"Your saved answer from {when} ({verdict}) is filled in.",), last["status"])


def ask(qid: str) -> QuestionWidget | Result:
    """Show one question as a widget (or a clear message if the id is unknown)."""
    try:
        return QuestionWidget(get(qid))
    except CourseError as exc:
        return Result(str(qid), "invalid", (str(exc),))


# ---------------------------------------------------------------- progress
@dataclass(frozen=True)
class Summary:
    """Progress per notebook: a table plus the questions to revisit."""

    table: pd.DataFrame
    revisit: tuple[str, ...]

    def __repr__(self) -> str:
        lines = [self.table.to_string()]
        lines.append("To revisit: " + (", ".join(self.revisit) if self.revisit else "nothing, well done."))
        return "\n".join(lines)


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
            row["correct"] += last["status"] == "correct"
            if last["status"] == "incorrect":
                row["to revisit"] += 1
                revisit.append(qid)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "notebook"
    return Summary(table, tuple(revisit))


def score(qids: list[str]) -> Result:
    """A score over a list of questions (for example a cumulative quiz), from the saved answers."""
    known = all_questions()
    unknown = [q for q in qids if q not in known]
    if unknown:
        return Result("score", "invalid", (f"Unknown question id(s): {', '.join(unknown)}.",))
    graded = [q for q in qids if known[q].type != "reflection"]
    latest = store.latest()
    answered = [q for q in graded if q in latest]
    correct = [q for q in answered if latest[q]["status"] == "correct"]
    lines = [f"Score: {len(correct)} of {len(graded)} correct ({len(answered)} answered)."]
    missed = [q for q in graded if q not in correct]
    if missed and answered:
        lines.append("To revisit: " + ", ".join(missed))
    return Result("score", "score", tuple(lines))


def saved_answer(qid: str) -> Result:
    """The learner's last saved answer to a question, as text."""
    last = store.latest().get(qid)
    if not last:
        return Result(qid, "unanswered", (f"[{qid}] You have not answered this yet.",))
    return Result(qid, last["status"], (f"[{qid}] Your answer of {last['time'][:10]}: {last['response']}",))
