"""Find exercise text that states a task's answer (the checker would accept what the text says).

    python -m turneast.authoring.leaks                 # every notebook in exercises/
    python -m turneast.authoring.leaks exercises/ex03_japan.ipynb

The text of an exercise (Markdown and code; solution blocks are not in exercises/) is compared with
its own answer keys: the questions of its notebook and every question it checks, asks or answers.
A numeric key is stated when a number in a cell lies within the key's tolerance, with or without its
sign (24 and "+24 percent" for 24.06; 2016; "fell 48.1%" for -48.1), or when a number word names it
next to the question's unit ("four calendar years" for 4 years). A single-choice key is stated when a
cell holds the right option's text and none of the other options. Numbers that only label things
(Task 4, ES-11/4, index 2020 = 100, x 100) do not count.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from ..paths import ROOT
from ..questions import Question, all_questions
from . import command

_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
)
# "one" is left out: "one cell", "one row per year" are everyday words, not a stated count
NUMBER_WORDS = {w: n for n, w in enumerate(_WORDS.split()) if w != "one"}
NUMBER = re.compile(
    r"(?<![\w.,/\-\u2212+])(?P<sign>[+\-\u2212]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?![\w%]*\.?\d|[\w])"
)
WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
LABEL_BEFORE = re.compile(
    r"(?:\b(?:task|tasks|exercise|question|cell|lesson|step|part|times)|ES-11/|[=\u00d7#]|"
    r"(?<!\*)\*)\s*$",
    re.I,
)  # Task 4, ES-11/4, = 100, * 100 (but **bold** is text)
LABEL_AFTER = re.compile(r"^\s*(?:[=\u00d7]|\*(?!\*)|times\b)", re.I)
QID = re.compile(r"""te\.(?:check|ask|answer|hint|explain)\(\s*["']([\w.]+)["']""")


def keys_for(nb: nbformat.NotebookNode, stem: str) -> list[Question]:
    """The questions whose answers this exercise must not state."""
    questions = all_questions()
    ids = {qid for cell in nb.cells for qid in QID.findall(cell.source)}
    ids |= {q.id for q in questions.values() if q.notebook == stem}
    return [questions[i] for i in sorted(ids) if i in questions]


def _numbers(text: str) -> list[tuple[float, str]]:
    """(value, the text around it) for every number written in digits that is not a label."""
    found = []
    for m in NUMBER.finditer(text):
        before, after = text[max(0, m.start() - 12) : m.start()], text[m.end() : m.end() + 4]
        if LABEL_BEFORE.search(before) or LABEL_AFTER.search(after) or re.match(r"0\d", m["int"]):
            continue  # a label, an operand of an index or a zero-padded number (04 Korea)
        value = float(m["int"].replace(",", "") + (m["frac"] or ""))
        found.append((-value if m["sign"] in ("-", "\u2212") else value, _context(text, m.start(), m.end())))
    return found


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40) : end + 40].split())


def _unit_near(text: str, end: int, unit: str) -> bool:
    """Whether the question's unit is named within a few words after a number word."""
    after = " ".join(text[end : end + 60].split()[:4]).lower()
    if unit.strip() == "%" or "percent" in unit.lower():
        return bool(re.search(r"percent|per cent|%", after))
    stem = re.sub(r"s$", "", (unit.split() or [""])[0].lower())
    return bool(stem) and bool(re.search(rf"\b{re.escape(stem)}", after))


def stated(q: Question, text: str) -> list[str]:
    """How this cell's text states q's answer (empty when it does not)."""
    out = []
    if q.type == "numeric" and isinstance(q.answer, dict):
        value, tol = q.answer.get("value"), q.answer.get("tolerance", 0)
        if not isinstance(value, (int, float)):
            return out
        for x, around in _numbers(text):
            if abs(x - value) <= tol or abs(abs(x) - abs(value)) <= tol:
                out.append(f"states {x:g} (the answer to {q.id} is {value:g} ± {tol:g}): ...{around}...")
        if float(value).is_integer() and abs(value) in NUMBER_WORDS.values():
            for m in WORD.finditer(text):
                if NUMBER_WORDS[m.group(1).lower()] == abs(value) and _unit_near(text, m.end(), q.unit):
                    out.append(
                        f"states '{m.group(1)}' (the answer to {q.id} is {value:g} {q.unit}): "
                        f"...{_context(text, m.start(), m.end())}..."
                    )
    elif q.type == "single" and isinstance(q.answer, str):
        flat = " ".join(text.split())

        def has(option: str) -> bool:
            return re.search(rf"(?<!\w){re.escape(' '.join(option.split()))}(?!\w)", flat, re.I) is not None

        if has(q.answer) and not any(has(o) for o in q.options if o != q.answer):
            out.append(f"quotes the right option of {q.id}: {q.answer[:80]!r}")
    return out


def leaks(path: Path) -> list[str]:
    """Every place where the exercise notebook at path states one of its own answers."""
    nb = nbformat.read(path, as_version=4)
    keys = keys_for(nb, path.stem)
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type not in ("markdown", "code"):
            continue
        for q in keys:
            where = f"{path.name}, cell {i + 1} ({cell.cell_type}, counting from 1)"
            out += [f"{where}: {s}" for s in stated(q, cell.source)]
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: exit 1 when an exercise states an answer."""
    p = command(
        "leaks",
        "Find exercise text that states the answer to one of its tasks.",
    )
    p.add_argument("notebooks", nargs="*", type=Path, help="exercise notebooks (default: exercises/*.ipynb)")
    args = p.parse_args(argv)
    found = [hit for path in args.notebooks or sorted((ROOT / "exercises").glob("*.ipynb")) for hit in leaks(path)]
    print("\n".join(found) or "No exercise states the answer to one of its tasks.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
