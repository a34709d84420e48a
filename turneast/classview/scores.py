"""The gradebook: learners matched to roster rows, one score per notebook, in the LMS's own CSV layout.

Learners are matched by the login they typed and by the names an LMS download gives files. Only matched
learners get a row: both LMSs leave learners who are not in the file as they are. A notebook a learner
did not try gets no score ('' for Canvas, '-' for Moodle), or 0 with unattempted="zero" (for work due).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..questions import CORRECT, all_questions
from .gathering import Gathered, Learner
from .grading import course_questions, is_exercise, notebook_key
from .roster import CANVAS_MATCH, MOODLE_MATCH, Owners, Roster, closest, name_of
from .text import safe

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_POINTS = 100


@dataclass
class Gradebook:
    """A gradebook ready to write, plus everyone and everything that could not be matched."""

    lms: str
    header: list[str]
    rows: list[list[Any]]  # includes Canvas's Points Possible row
    columns: list[str]  # the notebooks scored, in course order
    matched: list[tuple[str, str]]  # (roster name, learner files)
    unmatched_exports: list[tuple[str, str]]  # (files, why)
    missing: list[tuple[str, str]]  # roster rows without an export: (name, why, or '')
    notes: list[str]

    def table(self) -> pd.DataFrame:
        """The gradebook as a DataFrame (for a notebook)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.header)


def notebook_scores(learner: Learner, notebooks: list[str]) -> dict[str, float | None]:
    """Correct ÷ graded questions per notebook (reflections excluded); None for a notebook not tried."""
    graded: dict[str, list[str]] = {}
    for q in course_questions():
        if q.type != "reflection":
            graded.setdefault(q.notebook, []).append(q.id)
    scores: dict[str, float | None] = {}
    for nb in notebooks:
        ids = graded.get(nb, [])
        tried = [learner.answers[i] for i in ids if i in learner.answers]
        scores[nb] = sum(a.status == CORRECT for a in tried) / len(ids) if tried and ids else None
    return scores


def gradebook(
    g: Gathered,
    roster: Roster,
    lessons: bool = False,
    notebooks: list[str] | None = None,
    points: float = DEFAULT_POINTS,
    match: str | None = None,
    unattempted: str = "blank",
) -> Gradebook:
    """Match learners to roster rows and score one column per exercise notebook (with lessons=True, per lesson)."""
    columns = _match_columns(roster, match)
    owner = Owners(roster)
    assigned, unmatched, notes = _assign(g, roster, columns, owner)
    notebooks = _notebooks(assigned, notebooks, lessons)
    headers, scale = _score_columns(roster, notebooks, points)
    rows: list[list[Any]] = []
    if roster.lms == "canvas":
        rows.append(["Points Possible"] + [""] * (len(roster.identity) - 1) + [_number(s) for s in scale])
    matched, missing = [], []
    unusable = _unusable(g, owner)
    empty = "0" if unattempted == "zero" else "" if roster.lms == "canvas" else "-"
    for r, row in enumerate(roster.rows):
        ln = assigned.get(r)
        if ln is None:
            test_student = name_of(roster, row) == "Student, Test"
            extra = unusable.get(r, []) + (["Canvas's test student"] if test_student else [])
            missing.append((name_of(roster, row), "; ".join(extra)))
            continue  # not in the file: the LMS leaves this learner's grades as they are
        matched.append((name_of(roster, row), ", ".join(ln.files)))
        if ln.version != "current":
            notes.append(f"{name_of(roster, row)}: {ln.version}; scored with the current banks.")
        scores = notebook_scores(ln, notebooks)
        cells = [empty if scores[nb] is None else _number(scores[nb] * s) for nb, s in zip(notebooks, scale)]
        rows.append([roster.value(row, c) for c in roster.identity] + cells)
    return Gradebook(roster.lms, roster.identity + headers, rows, notebooks, matched, unmatched, missing, notes)


def _match_columns(roster: Roster, match: str | None) -> list[str]:
    """The roster columns holding what learners typed: match, else the LMS's usual ones; ValueError if none."""
    usual = CANVAS_MATCH if roster.lms == "canvas" else MOODLE_MATCH
    columns = [match] if match else [c for c in usual if c in roster.header]
    if not columns or any(c not in roster.header for c in columns):
        raise ValueError(f"The roster has no column {match or ' or '.join(CANVAS_MATCH + MOODLE_MATCH)} to match on.")
    return columns


def _assign(
    g: Gathered, roster: Roster, columns: list[str], owner: Owners
) -> tuple[dict[int, Learner], list[tuple[str, str]], list[str]]:
    """(learner per roster row, exports matched to no row or to a disputed one with why, notes)."""
    index: dict[str, set[int]] = {}
    for r, row in enumerate(roster.rows):
        for c in columns:
            key = roster.value(row, c).strip().casefold()
            if key:
                index.setdefault(key, set()).add(r)
    claims: dict[int, list[Learner]] = {}
    unmatched: list[tuple[str, str]] = []
    notes: list[str] = []
    for ln in g.learners:
        r, why, note = _place(ln, roster, index, owner, columns)
        if r is None:
            unmatched.append((", ".join(ln.files), why))
            continue
        if note:
            notes.append(note)
        claims.setdefault(r, []).append(ln)
    for r, lns in claims.items():
        if len(lns) > 1:  # different people (no shared login or progress file) claiming one roster row
            names = "; ".join(", ".join(ln.files) for ln in lns)
            why = f"several different exports claim {name_of(roster, roster.rows[r])}: none was scored, check by hand"
            unmatched.append((names, why))
    return {r: lns[0] for r, lns in claims.items() if len(lns) == 1}, unmatched, notes


def _place(
    ln: Learner, roster: Roster, index: dict[str, set[int]], owner: Owners, columns: list[str]
) -> tuple[int | None, str, str]:
    """(roster row, '', a note or '') for a learner who fits exactly one row, else (None, why not, '')."""
    lms = "Canvas" if roster.lms == "canvas" else "Moodle"
    logins = ", ".join(map(repr, ln.identifiers))
    typed = {r for ident in ln.identifiers for r in index.get(ident.casefold(), set())}
    filed = {r for r in map(owner, ln.files) if r is not None}
    if len(typed) > 1:
        return None, f"the login {logins} fits several roster rows", ""
    if typed and filed and typed != filed:
        login_of, filed_as = (name_of(roster, roster.rows[next(iter(rows))]) for rows in (typed, filed))
        why = f"the login typed ({logins}) belongs to {login_of}, but {lms} filed the export under {filed_as}"
        return None, why + ": check by hand", ""
    if typed or len(filed) == 1:
        r = next(iter(typed or filed))
        if typed:
            return r, "", ""
        how = " (the login typed matches nobody)." if ln.identifiers else "."
        note = f"{', '.join(ln.files)}: matched to {name_of(roster, roster.rows[r])} by the name {lms} gave the file"
        return r, "", note + how
    why = f"the login {logins} matches no roster row" if ln.identifiers else "the learner typed no login"
    close = closest(roster, ln.identifiers, columns)
    return None, why + (f" (closest: {close})" if close else ""), ""


def _notebooks(assigned: dict[int, Learner], notebooks: list[str] | None, lessons: bool) -> list[str]:
    """The notebooks to score: those asked for (ValueError if unknown), else the exercises someone tried."""
    if notebooks is not None:
        unknown_nbs = [nb for nb in notebooks if nb not in {q.notebook for q in course_questions()}]
        if unknown_nbs:
            raise ValueError(f"No notebook called {', '.join(unknown_nbs)} in this course.")
        return notebooks
    wanted = {q.notebook for q in course_questions() if q.type != "reflection" and (is_exercise(q.notebook) or lessons)}
    tried = {all_questions()[qid].notebook for ln in assigned.values() for qid in ln.answers}
    return sorted(wanted & tried, key=notebook_key)


def _score_columns(roster: Roster, notebooks: list[str], points: float) -> tuple[list[str], list[float]]:
    """(column header, points for a full score) per notebook; a Canvas assignment column is reused if there."""
    headers, scale = [], []
    for nb in notebooks:  # Canvas names an assignment column "ex01_china (12345)"
        existing = [h for h in roster.header if re.sub(r"\s*\(\d+\)\Z", "", h).strip().casefold() == nb.casefold()]
        if roster.lms == "canvas" and existing:
            headers.append(existing[0])
            try:
                scale.append(float(roster.points.get(existing[0], "")))
            except ValueError:
                scale.append(float(points))
        else:
            headers.append(nb)
            scale.append(float(points))
    return headers, scale


def _unusable(g: Gathered, owner: Owners) -> dict[int, list[str]]:
    """Per roster row, the files an LMS filed under it that could not be used, with why."""
    unusable: dict[int, list[str]] = {}
    for name, why in g.skipped:
        r = owner(name)
        if r is not None:
            unusable.setdefault(r, []).append(f"{name} could not be used: {why}")
    return unusable


def _number(x: float) -> str:
    """A score with at most two decimals, '.' as decimal point (both LMSs read this)."""
    return f"{round(x, 2):.2f}".rstrip("0").rstrip(".")


def gradebook_report(book: Gradebook) -> str:
    """What the gradebook holds and who could not be matched, for the instructor."""
    columns = ", ".join(book.columns) or "-"
    lines = [f"{len(book.matched)} learner(s) scored in {len(book.columns)} column(s): {columns}."]
    lines += [f"NOT MATCHED {safe(files, 200)}: {why}" for files, why in book.unmatched_exports]
    lines += [f"NO EXPORT {name}" + (f" ({why})" if why else "") for name, why in book.missing]
    lines += [f"NOTE {n}" for n in book.notes]
    return "\n".join(lines) + "\n"
