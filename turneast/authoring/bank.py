"""Question-bank tools: validate banks, show their level mix, and seal/unseal them for editing.

python -m turneast.authoring.bank validate                 # check every bank (and print the level mix)
python -m turneast.authoring.bank levels                   # the level mix per notebook
python -m turneast.authoring.bank unseal data/china/questions.json > /tmp/china.json
python -m turneast.authoring.bank seal /tmp/china.json data/china/questions.json
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from .. import data
from .._errors import CourseError
from ..questions import GRADED, LEVELS, TYPES, Question, _question, bank_paths, read_bank, seal, unseal
from . import command

_SECRET = ("answer", "feedback")
ABOVE_RECALL = LEVELS[1:]  # apply, analyse, evaluate
THREAD_LESSON = re.compile(r"^0[1-6]_")  # lessons 01-05 and 06 (after 2022); not 00, 07 or the exercises
DEFAULT_SHARE = Fraction(1, 2)  # of a thread lesson's graded questions at 'apply' or above
SPECIAL_SHARES = {"06_": Fraction(2, 3)}  # the after-2022 lesson asks more
NUMERIC_LOOSE = 0.10  # a tolerance wider than this share of the value (and than 0.5) accepts wrong answers


# ---------------------------------------------------------------- sealing
def seal_bank(plain: dict[str, Any]) -> dict[str, Any]:
    """Replace each question's answer and feedback with a sealed blob."""
    out = {k: v for k, v in plain.items() if k != "questions"}
    out["questions"] = []
    for q in plain["questions"]:
        sealed = {k: v for k, v in q.items() if k not in _SECRET}
        sealed["sealed"] = seal(q["id"], {k: q.get(k) for k in _SECRET})
        out["questions"].append(sealed)
    return out


def unseal_bank(sealed: dict[str, Any]) -> dict[str, Any]:
    """The editable plain form of a sealed bank."""
    out = {k: v for k, v in sealed.items() if k != "questions"}
    out["questions"] = []
    for q in sealed["questions"]:
        plain = {k: v for k, v in q.items() if k != "sealed"}
        plain.update(unseal(q["id"], q["sealed"]) if "sealed" in q else {})
        out["questions"].append(plain)
    return out


# ---------------------------------------------------------------- validation
def load(path: Path) -> tuple[list[Question], list[str]]:
    """The questions of one sealed bank and the problems that stopped any from loading."""
    try:
        bank = read_bank(path)
    except CourseError as exc:
        return [], [str(exc)]
    found, out = [], []
    for raw in bank.get("questions", []) if isinstance(bank, dict) else []:
        if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"] and "sealed" in raw:
            try:
                found.append(_question(raw, bank))
            except CourseError as exc:
                out.append(str(exc))
    return found, out


def problems(path: Path, seen: dict[str, Path] | None = None) -> list[str]:
    """Every problem in one sealed bank (ids unique, refs exist, keys among options, a valid level, ...)."""
    seen = {} if seen is None else seen
    out: list[str] = []
    try:
        bank = read_bank(path)
    except CourseError as exc:
        return [str(exc)]
    if not isinstance(bank, dict):
        return [f"{path}: the top level must be an object with 'thread', 'notebook' and 'questions'"]
    for key in ("thread", "notebook", "questions"):
        if key not in bank:
            out.append(f"{path}: missing top-level '{key}'")
    excerpts = set(data.load("core/excerpts")["id"])
    datasets = set(data.resources())
    for raw in bank.get("questions", []):
        qid = raw.get("id") if isinstance(raw, dict) else None
        where = f"{path}: question '{qid}'"
        if not isinstance(qid, str) or not qid:
            out.append(f"{path}: a question has no id")
            continue
        if qid in seen:
            out.append(f"{where}: id also used in {seen[qid]}")
        seen[qid] = path
        if "sealed" not in raw:
            out.append(f"{where}: answer key is not sealed (run python -m turneast.authoring.bank seal)")
            continue
        if "answer" in raw or "feedback" in raw:
            out.append(f"{where}: plain answer or feedback next to the sealed key")
        try:
            q = _question(raw, bank)
        except CourseError as exc:
            out.append(str(exc))
            continue
        out += [f"{where}: {p}" for p in question_problems(q, excerpts, datasets, raw.get("level"))]
    return out


def _texts_problems(texts: Iterable[Any], what: str) -> list[str]:
    """Choices must be non-empty texts, distinct even when case and spacing are ignored."""
    texts = list(texts)
    out = []
    if any(not isinstance(t, str) or not t.strip() for t in texts):
        out.append(f"every one of the {what} must be a non-empty text")
    keys = [" ".join(t.split()).casefold() for t in texts if isinstance(t, str)]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        out.append(f"the {what} are not distinct: {', '.join(repr(d) for d in dupes)} appears more than once")
    return out


def _decimals(value: float) -> int:
    """Digits after the decimal point in the value as written in the bank (29.54 -> 2; 2016 -> 0)."""
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def numeric_problems(value: float, tolerance: float) -> list[str]:
    """A tolerance must be loose enough for the value's own rounding, and tight enough to reject wrong answers."""
    out = []
    if value != 0 and tolerance >= abs(value):
        out.append(f"the tolerance {tolerance} accepts 0 or the opposite sign of the value {value}")
    elif tolerance > max(0.5, NUMERIC_LOOSE * abs(value)):
        out.append(
            f"the tolerance {tolerance} is loose for the value {value} (more than "
            f"{NUMERIC_LOOSE:.0%} of it and more than 0.5)"
        )
    places = _decimals(value)
    if places and tolerance < 0.5 * 10**-places:
        out.append(
            f"the tolerance {tolerance} is smaller than the rounding of the value {value} "
            f"({places} decimals): use at least {0.5 * 10**-places:g}, or give the value more precisely"
        )
    return out


def question_problems(q: Question, excerpts: set[str], datasets: set[str], level: Any = None) -> list[str]:
    """Problems of one unsealed question (level: the bank's raw 'level' entry, if not q.level)."""
    out = []
    if q.type not in TYPES:
        return [f"unknown type '{q.type}' (use one of {TYPES})"]
    level = q.level if level is None else level
    if not level:
        out.append(f"no level: give it one of {', '.join(LEVELS)}")
    elif level not in LEVELS:
        out.append(f"level {level!r} is not one of {', '.join(LEVELS)}")
    if not q.prompt.strip():
        out.append("empty prompt")
    if not q.feedback.strip():
        out.append("no feedback explaining the answer")
    if q.type in GRADED and not q.refs:
        out.append("no refs to the excerpt or dataset that supports the answer")
    for ref in q.refs:
        if "excerpt" in ref and ref["excerpt"] not in excerpts:
            out.append(f"refers to unknown excerpt '{ref['excerpt']}'")
        if "dataset" in ref and ref["dataset"] not in datasets:
            out.append(f"refers to unknown dataset '{ref['dataset']}' (use 'package/name')")
        if not ({"excerpt", "dataset"} & set(ref)):
            out.append(f"a ref needs 'excerpt' or 'dataset': {ref}")
    a = q.answer
    if q.type in ("single", "multiple"):
        if len(q.options) < 2:
            out.append("needs at least two options")
        out += _texts_problems(q.options, "options")
    if q.type == "single" and a not in q.options:
        out.append("the answer is not one of the options")
    elif q.type == "multiple":
        if not isinstance(a, list) or not a or any(x not in q.options for x in a):
            out.append("the answer must be a non-empty list of options")
    elif q.type == "numeric":
        if not isinstance(a, dict) or not _is_number(a.get("value")):
            out.append("the answer must be {'value': number, 'tolerance': number}")
        elif not _is_number(a.get("tolerance")) or a["tolerance"] <= 0:
            out.append("the tolerance must be a positive number")
        elif (q.minimum is not None and a["value"] < q.minimum) or (q.maximum is not None and a["value"] > q.maximum):
            out.append("the answer lies outside min/max")
        else:
            out += numeric_problems(a["value"], a["tolerance"])
        if not q.unit:
            out.append("a numeric question needs a unit")
    elif q.type == "ordering":
        out += _texts_problems(q.items, "items")
        if len(q.items) < 3 or not isinstance(a, list) or sorted(map(str, a)) != sorted(map(str, q.items)):
            out.append("the answer must be a permutation of at least three items")
        elif a == list(q.items):
            out.append("the items are shown already in the right order")
    elif q.type == "matching":
        out += _texts_problems(q.left, "left items") + _texts_problems(q.right, "right-hand choices")
        if not isinstance(a, dict) or sorted(a) != sorted(q.left) or any(v not in q.right for v in a.values()):
            out.append("the answer must map every left item to one of the right choices")
    return out


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


# ---------------------------------------------------------------- levels
def required_share(notebook: str) -> Fraction | None:
    """The share of graded questions at 'apply' or above that a notebook needs (None: no rule)."""
    if not THREAD_LESSON.match(notebook):
        return None
    return next((share for prefix, share in SPECIAL_SHARES.items() if notebook.startswith(prefix)), DEFAULT_SHARE)


def level_mix(qs: Iterable[Question]) -> dict[str, Counter]:
    """Per notebook: how many graded questions have each level ('' = none), and how many reflections."""
    mix: dict[str, Counter] = {}
    for q in qs:
        counts = mix.setdefault(q.notebook, Counter())
        if q.type in GRADED:
            counts[q.level if q.level in LEVELS else ""] += 1
        else:
            counts["reflection"] += 1
    return dict(sorted(mix.items()))


def level_rule_problems(mix: dict[str, Counter]) -> list[str]:
    """Thread lessons whose graded questions are not enough above recall."""
    out = []
    for notebook, counts in mix.items():
        share = required_share(notebook)
        graded = sum(counts[lv] for lv in (*LEVELS, ""))
        high = sum(counts[lv] for lv in ABOVE_RECALL)
        if share is not None and graded and Fraction(high, graded) < share:
            need = math.ceil(share * graded)
            out.append(
                f"{notebook}: {high} of its {graded} graded questions are {'/'.join(ABOVE_RECALL)}; a thread "
                f"lesson needs at least {share} of them ({need}). Raise the level of "
                f"{need - high} question{'s' * (need - high != 1)} (or replace recall questions)."
            )
    return out


def level_table(mix: dict[str, Counter]) -> str:
    """The level mix as a plain-text table."""
    head = ["notebook", *LEVELS, "none", "graded", "apply+", "needs", "reflections"]
    rows = [head]
    for notebook, c in mix.items():
        graded = sum(c[lv] for lv in (*LEVELS, ""))
        high = sum(c[lv] for lv in ABOVE_RECALL)
        share = required_share(notebook)
        rows.append(
            [
                notebook,
                *(str(c[lv]) for lv in LEVELS),
                str(c[""]),
                str(graded),
                f"{high / graded:.0%}" if graded else "-",
                f">= {share}" if share else "-",
                str(c["reflection"]),
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))).rstrip()
        for r in rows
    )


def validate(paths: list[Path]) -> tuple[list[str], list[Question]]:
    """Every problem of these banks, including the level rules, and their questions."""
    seen: dict[str, Path] = {}
    found, qs = [], []
    for path in paths:
        found += problems(path, seen)
        loaded, _ = load(path)
        qs += loaded
    return found + level_rule_problems(level_mix(qs)), qs


# ---------------------------------------------------------------- command line
def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = command(
        "bank",
        "Validate question banks, show their level mix, seal and unseal them.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser("validate", help="check banks (default: every bank of the course) and print the level mix")
    v.add_argument("banks", nargs="*", type=Path, help="sealed bank files (default: data/*/questions.json)")
    lv = sub.add_parser("levels", help="print the level mix per notebook")
    lv.add_argument("banks", nargs="*", type=Path, help="sealed bank files (default: data/*/questions.json)")
    u = sub.add_parser("unseal", help="print the plain (editable) form of a sealed bank")
    u.add_argument("bank", type=Path)
    s = sub.add_parser("seal", help="seal a plain bank into a bank file")
    s.add_argument("plain", type=Path, help="the plain JSON you edited")
    s.add_argument("bank", type=Path, help="where to write the sealed bank, e.g. data/china/questions.json")
    return p


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    args = parser().parse_args(argv)
    if args.command in ("validate", "levels"):
        paths = args.banks or bank_paths()
        found, qs = validate(paths)
        if args.command == "validate":
            print("\n".join(found) or f"{len(qs)} questions in {len(paths)} banks, no problems.")
        print(f"\nLevel mix per notebook (graded questions by level; reflections apart):\n{level_table(level_mix(qs))}")
        return 1 if found and args.command == "validate" else 0
    try:
        if args.command == "unseal":
            print(json.dumps(unseal_bank(read_bank(args.bank)), ensure_ascii=False, indent=2))
            return 0
        plain = json.loads(args.plain.read_text(encoding="utf-8"))
    except (CourseError, OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args.bank.write_text(json.dumps(seal_bank(plain), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"sealed {len(plain['questions'])} questions into {args.bank}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
