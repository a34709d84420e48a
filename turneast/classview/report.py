"""The class report: a table by question and one by learner, and the files an instructor gets from gather."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..questions import CORRECT, INCORRECT, SAVED, Question
from .barchart import chart
from .discussion import discussion_html, discussion_markdown
from .gathering import Gathered
from .grading import course_questions
from .text import safe, show, write_csv

if TYPE_CHECKING:
    import pandas as pd

_BY_QUESTION = [
    "notebook",
    "qid",
    "question",
    "answered",
    "learners",
    "answered_of",
    "correct",
    "share_correct_pct",
    "commonest_wrong",
    "commonest_wrong_count",
    "evidence",
]


def pointer(q: Question) -> str:
    """Where the evidence for a question is (its excerpts and datasets), never the answer itself."""
    parts = []
    for ref in q.refs:
        if ref.get("excerpt"):
            parts.append(f"excerpt '{ref['excerpt']}'")
        if ref.get("dataset"):
            parts.append(f"dataset {ref['dataset']}" + (f" (rows where {ref['rows']})" if ref.get("rows") else ""))
    return "; ".join(parts)


def by_question(g: Gathered) -> pd.DataFrame:
    """Per graded question (course order): answered, correct, share correct, commonest wrong answer, evidence."""
    # The share correct is of those who answered; the evidence is shown only where someone answered wrongly.
    import pandas as pd

    rows = [_question_row(q, g) for q in course_questions() if q.type != "reflection"]
    return pd.DataFrame(rows, columns=_BY_QUESTION).set_index("qid")


def _question_row(q: Question, g: Gathered) -> dict[str, Any]:
    """One row of by_question: how the class answered q."""
    everyone = g.count
    given = [ln.answers[q.id] for ln in g.learners if q.id in ln.answers]
    correct = sum(a.status == CORRECT for a in given)
    wrong = Counter(show(a.response) for a in given if a.status == INCORRECT)
    top = sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))[:1]
    return {
        "notebook": q.notebook,
        "qid": q.id,
        "question": q.prompt,
        "answered": len(given),
        "learners": everyone,
        "answered_of": f"{len(given)} of {everyone} answered",
        "correct": correct,
        "share_correct_pct": round(100 * correct / len(given), 1) if given else float("nan"),
        "commonest_wrong": top[0][0] if top else "",
        "commonest_wrong_count": top[0][1] if top else 0,
        "evidence": pointer(q) if top else "",
    }


def by_learner(g: Gathered, names: bool = False) -> pd.DataFrame:
    """One row per learner: version, answered, correct, then the status of each question (course order)."""
    import pandas as pd

    order = [q for q in course_questions() if any(q.id in ln.answers for ln in g.learners)]
    rows = []
    for ln in g.learners:
        graded = [a for a in ln.answers.values() if a.status != SAVED]
        row = {
            "learner": ln.label,
            "version": ln.version,
            "answered": len(graded),
            "correct": sum(a.status == CORRECT for a in graded),
        }
        if names:
            row["files"] = ", ".join(ln.files)
        for q in order:
            a = ln.answers.get(q.id)
            row[q.id] = "" if a is None else ("reflection" if a.status == SAVED else a.status)
        rows.append(row)
    return pd.DataFrame(rows).set_index("learner") if rows else pd.DataFrame()


def _safe_filename(text: str) -> str:
    """A file name made of letters, digits, '_', '.' and '-' only, at most 60 characters."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:60]


def write_class_view(g: Gathered, out: Path, names: bool = False) -> list[Path]:
    """Write the class view files: CSV tables, charts, the discussion sheet and a report; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = by_question(g)
    written = [write_csv(out / "by_question.csv", ["qid", *table.columns], _index_rows(table))]
    learners = by_learner(g, names)
    written.append(write_csv(out / "by_learner.csv", ["learner", *learners.columns], _index_rows(learners)))
    (out / "discussion.html").write_text(discussion_html(g, names), encoding="utf-8")
    (out / "discussion.md").write_text(discussion_markdown(g, names), encoding="utf-8")
    written += [out / "discussion.html", out / "discussion.md"]
    problems = _write_charts(table, out, written)
    (out / "report.txt").write_text(report_text(g, written, problems), encoding="utf-8")
    written.append(out / "report.txt")
    return written


def _index_rows(table: pd.DataFrame) -> list[list[Any]]:
    """A table's rows as lists, each starting with its index value."""
    return [[idx, *row] for idx, row in zip(table.index, table.itertuples(index=False))]


def _write_charts(table: pd.DataFrame, out: Path, written: list[Path]) -> list[str]:
    """Draw the whole-class chart and one per notebook answered, each with its description; the problems."""
    problems = []
    for nb in [None, *dict.fromkeys(table.loc[table["answered"] > 0, "notebook"])]:
        target = out / ("by_question.png" if nb is None else f"chart_{_safe_filename(nb)}.png")
        try:
            _, alt = chart(table, target, nb)
            (target.with_suffix(".txt")).write_text(alt + "\n", encoding="utf-8")
            written.append(target)
        except Exception as exc:  # noqa: BLE001 - a chart must not stop the other files
            problems.append(f"chart {target.name} not drawn ({exc.__class__.__name__}: {safe(exc, 80)})")
    return problems


def report_text(g: Gathered, written: list[Path] | None = None, problems: list[str] | None = None) -> str:
    """The plain-text report: counts, every file skipped and why, notes, caps and the files written."""
    lines = [
        f"{g.count} learner(s) counted; {len(g.skipped)} file(s) skipped"
        + (f"; {g.ignored} other file(s) ignored (not .json, e.g. notebooks)" if g.ignored else "")
        + "."
    ]
    lines += [f"SKIPPED {name}: {why}" for name, why in g.skipped]
    lines += [f"NOTE {note}" for note in g.notes]
    lines += [f"PROBLEM {p}" for p in problems or []]
    if written:
        lines.append("Wrote " + ", ".join(p.name for p in written) + ".")
    return "\n".join(lines) + "\n"
