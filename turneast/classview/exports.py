"""One learner's export file, read as untrusted data: its format checked field by field, its answers indexed.

The status a file claims for an answer is never read: gathering grades every answer again with the bank.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..questions import all_questions
from .text import CONTROL, MAX_TEXT
from .untrusted import Skip, parse_json, read_regular

FORMAT = "turneast-answers"
VERSION = 2
MAX_ANSWERS = 5_000  # answers in one file
_FIELDS = ("identifier", "learner", "learner_id", "exported", "course_version", "bank_checksum")


@dataclass
class ExportFile:
    """One readable export file."""

    name: str
    identifier: str
    display: str
    learner_id: str
    exported: str
    version: str
    banks: dict[str, str] | None
    answers: dict[str, tuple[str, int, Any]]  # qid -> (time, position, raw response)
    unknown: list[str]
    digest: str


def read_export(shown: str, path: str) -> ExportFile:
    """Read, check and index one export (raises Skip)."""
    doc = _document(read_regular(path))
    fields = {k: _short_str(doc, k) for k in _FIELDS}
    banks = _banks(doc)
    answers, unknown = _index_answers(doc)
    identifier = fields["identifier"].strip()
    if CONTROL.search(identifier):
        raise Skip("the identifier holds invisible characters")
    canonical = json.dumps(
        [
            identifier,
            fields["learner"],
            fields["learner_id"],
            sorted((q, t, json.dumps(r, sort_keys=True)) for q, (t, _, r) in answers.items()),
        ]
    )
    return ExportFile(
        name=shown,
        identifier=identifier,
        display=fields["learner"],
        learner_id=fields["learner_id"],
        exported=fields["exported"],
        version=fields["course_version"],
        banks=banks,
        answers=answers,
        unknown=unknown,
        digest=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def _document(data: bytes) -> dict[str, Any]:
    """The file's JSON object if it is a course answers file this version can read (raises Skip)."""
    doc = parse_json(data)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise Skip("not a course answers file (learners make one with te.export_answers())")
    if doc.get("version", 1) not in (1, 2):
        raise Skip("made by a newer version of the course: update the course and gather again")
    return doc


def _short_str(doc: dict[str, Any], key: str, limit: int = MAX_TEXT) -> str:
    """The short text under key ('' when absent or null); Skip if it is anything else."""
    value = doc.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise Skip(f"'{key}' is not a short text")
    return value


def _banks(doc: dict[str, Any]) -> dict[str, str] | None:
    """The export's bank checksums (None in an export from an older course); Skip if malformed."""
    banks = doc.get("banks")
    if banks is not None and not (
        isinstance(banks, dict)
        and len(banks) <= 100
        and all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= MAX_TEXT and len(v) <= MAX_TEXT
            for k, v in banks.items()
        )
    ):
        raise Skip("'banks' is not a list of checksums")
    return banks


def _index_answers(doc: dict[str, Any]) -> tuple[dict[str, tuple[str, int, Any]], list[str]]:
    """(qid -> (time, position, response) of the latest answer, question ids this course does not have)."""
    items = doc.get("answers")
    if not isinstance(items, list):
        raise Skip("'answers' is not a list of answers")
    if len(items) > MAX_ANSWERS:
        raise Skip(f"more than {MAX_ANSWERS} answers")
    known = all_questions()
    answers: dict[str, tuple[str, int, Any]] = {}
    unknown: list[str] = []
    for i, a in enumerate(items):
        if not isinstance(a, dict) or not isinstance(a.get("qid"), str) or not isinstance(a.get("time", ""), str):
            raise Skip(f"answer {i + 1} is malformed")
        qid, time = a["qid"], a.get("time", "")[:40]
        if qid not in known:
            unknown.append(qid)
            continue
        if qid not in answers or (time, i) >= answers[qid][:2]:
            answers[qid] = (time, i, a.get("response"))  # the status the file claims is never read
    return answers, unknown
