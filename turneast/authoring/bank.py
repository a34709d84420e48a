"""Question-bank tools: validate banks, and seal/unseal them for editing.

    python -m turneast.authoring.bank validate                 # check every bank
    python -m turneast.authoring.bank unseal data/china/questions.json > /tmp/china.json
    python -m turneast.authoring.bank seal /tmp/china.json data/china/questions.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .. import data
from .._errors import CourseError
from ..questions import GRADED, TYPES, _question, read_bank, seal, unseal

_SECRET = ("answer", "feedback")


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


def problems(path: Path, seen: dict[str, Path] | None = None) -> list[str]:
    """Every schema problem in one sealed bank (ids unique, refs exist, keys among options, ...)."""
    seen = {} if seen is None else seen
    out: list[str] = []
    try:
        bank = read_bank(path)
    except CourseError as exc:
        return [str(exc)]
    for key in ("thread", "notebook", "questions"):
        if key not in bank:
            out.append(f"{path}: missing top-level '{key}'")
    excerpts = set(data.load("core/excerpts")["id"])
    datasets = set(data.resources())
    for raw in bank.get("questions", []):
        qid = raw.get("id")
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
        out += [f"{where}: {p}" for p in _question_problems(q, excerpts, datasets)]
    return out


def _question_problems(q: Any, excerpts: set[str], datasets: set[str]) -> list[str]:
    """Problems of one unsealed question."""
    out = []
    if q.type not in TYPES:
        return [f"unknown type '{q.type}' (use one of {TYPES})"]
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
    if q.type == "single":
        if len(q.options) < 2 or len(set(q.options)) != len(q.options):
            out.append("needs at least two distinct options")
        if a not in q.options:
            out.append("the answer is not one of the options")
    elif q.type == "multiple":
        if len(q.options) < 2 or len(set(q.options)) != len(q.options):
            out.append("needs at least two distinct options")
        if not isinstance(a, list) or not a or any(x not in q.options for x in a):
            out.append("the answer must be a non-empty list of options")
    elif q.type == "numeric":
        if not isinstance(a, dict) or not isinstance(a.get("value"), (int, float)):
            out.append("the answer must be {'value': number, 'tolerance': number}")
        elif not isinstance(a.get("tolerance"), (int, float)) or a["tolerance"] <= 0:
            out.append("the tolerance must be a positive number")
        elif (q.minimum is not None and a["value"] < q.minimum) or (q.maximum is not None and a["value"] > q.maximum):
            out.append("the answer lies outside min/max")
        if not q.unit:
            out.append("a numeric question needs a unit")
    elif q.type == "ordering":
        if len(q.items) < 3 or not isinstance(a, list) or sorted(a) != sorted(q.items):
            out.append("the answer must be a permutation of at least three items")
        elif a == list(q.items):
            out.append("the items are shown already in the right order")
    elif q.type == "matching":
        if not isinstance(a, dict) or sorted(a) != sorted(q.left) or any(v not in q.right for v in a.values()):
            out.append("the answer must map every left item to one of the right choices")
    return out


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    if not argv or argv[0] not in ("validate", "seal", "unseal"):
        print(__doc__)
        return 2
    if argv[0] == "validate":
        seen: dict[str, Path] = {}
        found = [p for path in sorted(data.data_dir().glob("*/questions.json")) for p in problems(path, seen)]
        print("\n".join(found) or f"{len(seen)} questions, no problems.")
        return 1 if found else 0
    if argv[0] == "unseal":
        print(json.dumps(unseal_bank(read_bank(Path(argv[1]))), ensure_ascii=False, indent=2))
        return 0
    plain = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    Path(argv[2]).write_text(json.dumps(seal_bank(plain), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"sealed {len(plain['questions'])} questions into {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
