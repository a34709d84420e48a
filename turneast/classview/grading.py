"""The course as the class view sees it: notebook order, bank checksums, the version stamp, grading again."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from ..paths import data_dir
from ..questions import CORRECT, INCORRECT, INVALID, SAVED, Question, all_questions, grade, read_bank

MAX_REFLECTION = 5_000  # a reflection's length (the bank's limit)


def notebook_key(name: str) -> tuple[int, int, str]:
    """Course order of notebooks: lesson N, then its exercise exN, then lesson N+1."""
    m = re.match(r"(ex)?(\d+)", name)
    return (int(m.group(2)), 1 if m.group(1) else 0, name) if m else (10**6, 0, name)


def is_exercise(notebook: str) -> bool:
    """True for an exercise notebook (ex01_china), False for a lesson (01_china)."""
    return notebook.startswith("ex")


def course_questions() -> list[Question]:
    """Every question in course order: by notebook, then in bank order."""
    questions = list(all_questions().values())
    position = {q.id: i for i, q in enumerate(questions)}
    return sorted(questions, key=lambda q: (notebook_key(q.notebook), position[q.id]))


@cache
def bank_index(root: str) -> tuple[dict[str, str], dict[str, str]]:
    """(checksum per bank folder, bank folder per question id) for the banks under root."""
    known = all_questions()
    sums, owner = {}, {}
    for path in sorted(Path(root).glob("*/questions.json")):
        entries = []
        for raw in read_bank(path).get("questions", []):
            q = known.get(raw.get("id"))
            if q is None:
                continue
            owner[q.id] = path.parent.name
            # only what grading depends on: rewording a prompt or a hint does not change the checksum
            entries.append([q.id, q.type, q.options, q.items, q.left, q.right, q.minimum, q.maximum, q.answer])
        text = json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
        sums[path.parent.name] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return sums, owner


def bank_checksums() -> dict[str, str]:
    """A short checksum of each question bank's grading content (ids, choices, keys), by bank folder."""
    return dict(bank_index(str(data_dir()))[0])


def course_version() -> str:
    """The course package's version (from its metadata), or 'unknown'."""
    try:
        from importlib.metadata import version

        return version("turneast")
    except Exception:  # noqa: BLE001 - e.g. running from a copied folder without metadata
        return "unknown"


def stamp() -> dict[str, Any]:
    """The version stamp an export carries: course version and bank checksums."""
    sums = bank_checksums()
    overall = hashlib.sha256("".join(f"{k}={v};" for k, v in sorted(sums.items())).encode()).hexdigest()[:16]
    return {"course_version": course_version(), "banks": sums, "bank_checksum": overall}


def regrade(q: Question, response: Any) -> tuple[str, Any]:
    """(status, canonical response) for a response, graded with the bank; never raises."""
    if q.type == "reflection":
        if isinstance(response, str) and response.strip():
            return SAVED, response.strip()[:MAX_REFLECTION]
        return INVALID, None
    try:
        result = grade(q, response)
    except Exception:  # noqa: BLE001 - grade() promises not to raise; this is untrusted input, so be sure
        return INVALID, None
    if result.status in (CORRECT, INCORRECT):
        return result.status, result.response
    return INVALID, None
