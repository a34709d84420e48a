"""Gathering a folder of exports: each file read safely, each person's files merged, every answer graded again.

Reflections are never graded, unknown question ids are reported and left out, duplicate exports are
counted once, and every file that cannot be used is named with the reason.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..paths import data_dir
from ..questions import all_questions
from .exports import ExportFile, read_export
from .grading import bank_index, regrade
from .text import safe, show
from .untrusted import Skip, find_exports

if TYPE_CHECKING:
    import pandas as pd

MAX_TOTAL_BYTES = 200_000_000  # all files together
MAX_LISTED = 20  # unknown ids named per file


@dataclass(frozen=True)
class Answer:
    """One learner's answer to one question, graded again with the bank."""

    qid: str
    status: str  # CORRECT, INCORRECT or INVALID; SAVED for a reflection
    response: Any  # the canonical response (the reflection's text for reflections)
    time: str


@dataclass
class Learner:
    """One learner (one or more export files of the same person), answers graded again with the bank."""

    label: str
    identifiers: tuple[str, ...]
    files: tuple[str, ...]
    answers: dict[str, Answer]
    version: str  # "current", or what differs


@dataclass
class Gathered:
    """What gather() read: the learners, the files skipped and why, and notes for the instructor."""

    learners: list[Learner]
    skipped: list[tuple[str, str]]
    notes: list[str]
    ignored: int = 0

    @property
    def count(self) -> int:
        """How many learners were counted."""
        return len(self.learners)

    @property
    def answers(self) -> pd.DataFrame:
        """One row per learner and question: learner, qid, notebook, status, response (a preview)."""
        import pandas as pd

        known = all_questions()
        rows = [
            {
                "learner": ln.label,
                "qid": a.qid,
                "notebook": known[a.qid].notebook,
                "status": a.status,
                "response": show(a.response, 200),
            }
            for ln in self.learners
            for a in ln.answers.values()
        ]
        return pd.DataFrame(rows, columns=["learner", "qid", "notebook", "status", "response"])


class _Groups:
    """Union-find over export files, linked by identifier and by progress-file id."""

    def __init__(self, n: int) -> None:
        """n files, each in a group of its own."""
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        """The first file of i's group."""
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        """Put the groups of i and j together."""
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def gather(folder: Path, names: bool = False) -> Gathered:
    """Read every export under a folder (nested folders and LMS-renamed files too); bounded and safe."""
    # Files that cannot be used are listed in `skipped` with the reason. Exports of the same person (same
    # identifier or same progress file) are merged, keeping the latest answer to each question; identical
    # copies are counted once.
    found = find_exports(Path(folder))
    skipped, notes = list(found.skipped), list(found.notes)
    exports = _read_all(found.files, skipped, notes)
    people = [_person(files, notes) for files in _people(exports)]
    people.sort(key=lambda p: p[0])  # an order unrelated to names or file names: "learner 1" is nobody in particular
    learners = []
    for n, (_, named, learner) in enumerate(people, start=1):
        learner.label = named if names else f"learner {n}"
        learners.append(learner)
    notes += _version_notes(exports, learners)
    return Gathered(learners, skipped, notes, found.ignored)


def _read_all(files: list[tuple[str, str]], skipped: list[tuple[str, str]], notes: list[str]) -> list[ExportFile]:
    """The exports that hold answers to this course; the others go to skipped with the reason."""
    exports: list[ExportFile] = []
    total = 0
    for shown, path in files:
        try:
            total += os.lstat(path).st_size
            if total > MAX_TOTAL_BYTES:
                limit = MAX_TOTAL_BYTES // 1_000_000
                skipped.append((shown, f"not read: the folder holds more than {limit} MB of files"))
                continue
            e = read_export(shown, path)
        except Skip as why:
            skipped.append((shown, str(why)))
            continue
        except Exception as exc:  # noqa: BLE001 - one file must never stop the report
            skipped.append((shown, f"could not be processed ({exc.__class__.__name__})"))
            continue
        if e.unknown:
            notes.append(_unknown_note(e))
        if not e.answers:
            skipped.append((shown, "holds no answer to a question of this course"))
            continue
        exports.append(e)
    return exports


def _unknown_note(e: ExportFile) -> str:
    """A note naming (the first few of) the question ids an export has that this course does not."""
    listed = ", ".join(f"'{safe(q, 40)}'" for q in e.unknown[:MAX_LISTED])
    more = f" and {len(e.unknown) - MAX_LISTED} more" if len(e.unknown) > MAX_LISTED else ""
    return f"{e.name}: {len(e.unknown)} answer(s) to question ids this course does not have, left out: {listed}{more}."


def _people(exports: list[ExportFile]) -> list[list[ExportFile]]:
    """The exports grouped by person: identical copies, the same identifier or the same progress file."""
    groups = _Groups(len(exports))
    first_by_key: dict[str, int] = {}
    for i, e in enumerate(exports):
        for key in (
            f"d:{e.digest}",
            f"i:{e.identifier.casefold()}" if e.identifier else "",
            f"l:{e.learner_id}" if e.learner_id else "",
        ):
            if key:
                if key in first_by_key:
                    groups.join(first_by_key[key], i)
                else:
                    first_by_key[key] = i
    members: dict[int, list[ExportFile]] = {}
    for i, e in enumerate(exports):
        members.setdefault(groups.find(i), []).append(e)
    return list(members.values())


def _person(files: list[ExportFile], notes: list[str]) -> tuple[str, str, Learner]:
    """(a sort key unrelated to names, the person's name, the unlabelled learner) for one person's exports."""
    _note_copies(files, notes)
    current, owner = bank_index(str(data_dir()))
    version = "; ".join(sorted({n for n in (_version_note(e, current, owner) for e in files) if n})) or "current"
    identifiers = tuple(dict.fromkeys(e.identifier for e in files if e.identifier))
    order_key = hashlib.sha256(min(e.digest for e in files).encode()).hexdigest()
    named = safe(identifiers[0] if identifiers else (files[0].display or files[0].name), 60)
    return order_key, named, Learner("", identifiers, tuple(e.name for e in files), _merge(files), version)


def _note_copies(files: list[ExportFile], notes: list[str]) -> None:
    """Note identical copies (counted once) and different exports merged for one person."""
    seen_digest: dict[str, str] = {}
    for e in files:
        if e.digest in seen_digest:
            notes.append(f"{e.name} is an identical copy of {seen_digest[e.digest]}: counted once.")
        else:
            seen_digest[e.digest] = e.name
    if len(seen_digest) > 1:
        notes.append(
            f"{len(seen_digest)} different exports of one learner (same login or same progress file) "
            f"were merged, keeping the latest answer to each question: {', '.join(seen_digest.values())}."
        )


def _merge(files: list[ExportFile]) -> dict[str, Answer]:
    """The latest answer to each question across one person's exports, graded again with the bank."""
    known = all_questions()
    merged: dict[str, tuple[tuple[str, int, int], Any]] = {}
    for k, e in enumerate(files):
        for qid, (time, pos, response) in e.answers.items():
            key = (time, k, pos)
            if qid not in merged or key >= merged[qid][0]:
                merged[qid] = (key, response)
    answers = {}
    for qid, ((time, _, _), response) in merged.items():
        status, canonical = regrade(known[qid], response)
        answers[qid] = Answer(qid, status, canonical, time)
    return answers


def _version_note(e: ExportFile, current: dict[str, str], owner: dict[str, str]) -> str:
    """'' when the export's banks match the current ones for every question it answers, else what differs."""
    if e.banks is None:
        return "no version stamp: an export from an older course"
    used = sorted({owner[q] for q in e.answers if q in owner})
    changed = [b for b in used if e.banks.get(b) != current.get(b)]
    if not changed:
        return ""
    return f"older question bank: {', '.join(changed)} (course {safe(e.version or '?', 20)})"


def _version_notes(exports: list[ExportFile], learners: list[Learner]) -> list[str]:
    """Notes on exports from other course versions and on learners graded with other banks than theirs."""
    notes = []
    versions = Counter(e.version or "unknown" for e in exports if e.banks is not None)
    if len(versions) > 1:
        notes.append(
            "The exports come from different course versions: "
            + ", ".join(f"{safe(v, 20)} ({n})" for v, n in sorted(versions.items()))
            + "."
        )
    old = [ln for ln in learners if ln.version != "current"]
    if old:
        kinds = " / ".join(sorted({ln.version for ln in old}))
        notes.append(
            f"{len(old)} of {len(learners)} learner(s) exported with other question banks than this copy of "
            f"the course has ({kinds}). They were graded with the current banks, the only ones there are "
            "here; their rows are marked in the 'version' column."
        )
    elif len(versions) > 1:
        notes.append("Their question banks match the current ones, so no grade is affected.")
    return notes
