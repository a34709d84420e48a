"""Class view: learners export their answers to one file; an instructor gathers a folder of them.

    python -m turneast.classview export [my-answers.json] [--id LOGIN_OR_EMAIL]         # learner
    python -m turneast.classview gather submissions/ [--out class-report/] [--names]      # instructor
    python -m turneast.classview gradebook submissions/ --roster lms-export.csv [--lms canvas|moodle]

In a notebook, `te.export_answers()` shows the learner's export as a box with one button.

The files learners send are untrusted. `gather` and `gradebook` read regular files only (named pipes,
devices and links out of the folder are skipped), at most 1 MB each and 20 levels deep, as JSON data
(never run). Every answer is graded again with the question bank: the status a file claims is ignored,
reflections are never graded, unknown question ids are reported and left out. Duplicate exports are
counted once. Every file that cannot be used is named with the reason; the others are still counted.
CSV cells that a spreadsheet would run as a formula are neutralised (OWASP CSV-injection rule).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import html
import io
import itertools
import json
import math
import os
import re
import stat
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import store
from .paths import data_dir
from .questions import CORRECT, INCORRECT, INVALID, SAVED, Question, all_questions, grade, read_bank

FORMAT = "turneast-answers"
VERSION = 2
EXPORT_NAME = "my-answers.json"

# Bounds on work done for untrusted input (each is named in the report when it applies).
MAX_BYTES = 1_000_000  # one export file
MAX_DEPTH = 20  # JSON nesting (an export needs 5)
MAX_ANSWERS = 5_000  # answers in one file
MAX_FILES = 2_000  # export files read from one folder
MAX_ENTRIES = 20_000  # folder entries looked at
MAX_FOLDER_DEPTH = 8  # nested folders (an LMS download needs 2)
MAX_TOTAL_BYTES = 200_000_000  # all files together
MAX_TEXT = 200  # identifier, name and other short fields
MAX_REFLECTION = 5_000  # a reflection's length (the bank's limit)
MAX_LABEL = 70  # characters of a question drawn in a chart
MAX_CHART_ROWS = 120  # questions drawn in one chart
MAX_LISTED = 20  # unknown ids named per file
MAX_ROSTER_BYTES = 20_000_000
DEFAULT_POINTS = 100


# ---------------------------------------------------------------- small text helpers
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def safe(text: Any, limit: int = 80) -> str:
    """A one-line, printable preview of untrusted text (no control or bidi characters), at most limit chars."""
    text = _CONTROL.sub("?", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(value: Any, limit: int = 120) -> str:
    """A response as a reader would write it: texts plain, lists with '; ', pairs with '→'."""
    if isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, (list, tuple)):
        text = "; ".join(show(v, limit) for v in value[:50])
    elif isinstance(value, dict):
        text = "; ".join(f"{show(k, 60)} → {show(v, 60)}" for k, v in list(value.items())[:50])
    elif value is None:
        text = ""
    else:
        text = str(value)
    return safe(text, limit)


_DANGEROUS = tuple("=+-@|%\t\r\n") + ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # incl. full-width forms
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?\Z")


def neutralise(cell: Any) -> str:
    """A CSV cell a spreadsheet shows as text (OWASP CSV injection): a cell that starts with = + - @ | %,
    a tab, CR or LF (also after spaces) gets a leading apostrophe, and its pipes are escaped ('\\|'), so
    '=cmd|...' cannot start a program. Plain numbers such as -5, and a lone '-' (Moodle's "no grade"),
    are left alone. Write cells with every field quoted (csv.QUOTE_ALL), so that a separator inside a
    cell cannot start a new one."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        if math.isnan(cell):
            return ""
        return f"{cell:.2f}".rstrip("0").rstrip(".")
    text = str(cell)
    if text.lstrip(" ").startswith(_DANGEROUS) and not _PLAIN_NUMBER.match(text.strip()) and text != "-":
        return "'" + text.replace("|", "\\|")
    return text


def write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> Path:
    """Write a CSV (UTF-8, every field quoted, each cell neutralised)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, quoting=csv.QUOTE_ALL)
        out.writerow([neutralise(c) for c in header])
        for row in rows:
            out.writerow([neutralise(c) for c in row])
    return Path(path)


# ---------------------------------------------------------------- the course: order, banks, version stamp
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
def _bank_index(root: str) -> tuple[dict[str, str], dict[str, str]]:
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
    return dict(_bank_index(str(data_dir()))[0])


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


# ---------------------------------------------------------------- learner side: export
def _learner_id() -> str:
    """The stable id kept in the learner's progress file (it links several exports of one learner)."""
    try:
        return str(store.learner_id())
    except Exception:  # noqa: BLE001 - an export must not fail for want of an id
        return ""


def clean_identifier(identifier: Any) -> str:
    """The identifier a learner typed, trimmed; ValueError if it cannot be one."""
    text = str(identifier or "").strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"That is longer than {MAX_TEXT} characters: type only your login or email.")
    if _CONTROL.search(text):
        raise ValueError("That contains invisible characters: type your login or email again.")
    return text


def export(path: Path, identifier: str = "", name: str = "") -> Path:
    """Write the learner's latest answer to every question they tried, with a version stamp, to one file.

    `identifier` is the learner's LMS login or email (it lets the instructor's gradebook find them);
    it is kept in this file only. `name` is an optional display name (older exports had only this)."""
    identifier = clean_identifier(identifier)
    latest = store.latest()
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "identifier": identifier,
        "learner": safe(name, MAX_TEXT),
        "learner_id": _learner_id(),
        **stamp(),
        "exported": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "answers": [
            {
                "qid": a["qid"],
                "notebook": a.get("notebook", ""),
                "status": a.get("status"),
                "response": a.get("response"),
                "time": a.get("time", ""),
            }
            for a in latest.values()
        ],
    }
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # written whole, then renamed: never half a file
    try:
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@cache
def _export_widget_class() -> type:
    """The export widget's class (built lazily so that importing classview does not need ipywidgets)."""
    import ipywidgets as w

    class ExportWidget(w.VBox):
        """A box with the identifier prompt and one button that writes my-answers.json next to the notebook."""

        def __init__(self, folder: Path | None = None) -> None:
            self.folder = Path(folder) if folder is not None else Path.cwd()
            intro = w.HTML(
                "<b>Hand in your answers</b><br>Type the login or email you use on your course site "
                "(Canvas, Moodle, ...), then press the button. It writes one file, "
                f"<code>{EXPORT_NAME}</code>, next to this notebook: upload it with your notebook."
            )
            self.identifier = w.Text(
                description="Your course-site login or email",
                placeholder="e.g. jsmith",
                style={"description_width": "initial"},
                layout=w.Layout(width="34em"),
            )
            self.button = w.Button(
                description="Write my answers file",
                button_style="primary",
                icon="download",
                tooltip=f"Write {EXPORT_NAME} next to this notebook",
                layout=w.Layout(width="auto"),
            )
            self.status = w.HTML(layout=w.Layout(margin="4px 0 0 0"))
            self.button.on_click(lambda _: self.write())
            super().__init__(
                [intro, self.identifier, self.button, self.status],
                layout=w.Layout(border="1px solid #ccc", padding="8px", margin="8px 0"),
            )
            self.add_class("turneast-export")

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
            bundle = super()._repr_mimebundle_(**kwargs)
            bundle["text/plain"] = (
                f"Hand in your answers: type your course-site login or email, then press "
                f"'Write my answers file' (it writes {EXPORT_NAME} next to this notebook)."
            )
            return bundle

        def write(self) -> str:
            """Write the export; show and return one line saying where (never raises)."""
            try:
                identifier = clean_identifier(self.identifier.value)
                path = export(self.folder / EXPORT_NAME, identifier)
                n = len(json.loads(path.read_text(encoding="utf-8"))["answers"])
                message = f"Wrote {n} answer(s) to {path.resolve()}. Upload this file with your notebook."
                if not identifier:
                    message += " You left the login empty: your instructor will have to match the file by hand."
                colour = "#1a7f37"
            except ValueError as exc:
                message, colour = str(exc), "#9a3412"
            except OSError as exc:
                message = (
                    f"Could not write {EXPORT_NAME} in {self.folder} ({exc.strerror or exc}). "
                    "Save the notebook in a folder you can write to and press the button again."
                )
                colour = "#9a3412"
            except Exception as exc:  # noqa: BLE001 - a learner must never see a traceback here
                message, colour = f"Something went wrong ({exc.__class__.__name__}). Your answers are safe.", "#9a3412"
            self.status.value = (
                f'<div role="status" aria-live="polite" style="color:{colour}">{html.escape(message)}</div>'
            )
            return message

    return ExportWidget


def export_answers() -> Any:
    """A small box to hand in answers: an identifier prompt and a button writing my-answers.json here."""
    return _export_widget_class()()


# ---------------------------------------------------------------- instructor side: reading untrusted files
class _Skip(Exception):
    """This file is not used; the message says why."""


_TOKENS = re.compile(r'[\[\]{}"\\]')


def _too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True if brackets nest deeper than limit (strings skipped); linear time, decided before parsing."""
    depth, in_string, skip = 0, False, -1
    for m in _TOKENS.finditer(text):
        i, c = m.start(), m.group()
        if in_string:
            if i == skip:
                continue
            if c == "\\":
                skip = i + 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > limit:
                return True
        elif c in "]}":
            depth -= 1
    return False


def _no_constant(name: str) -> Any:
    raise ValueError(f"'{name}' is not a number JSON allows")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 30:
        raise ValueError("a number with more than 30 digits")
    return int(text)


def _float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("a number too large to be finite")
    return number


def parse_json(data: bytes) -> Any:
    """Decode and parse one untrusted JSON document, or raise _Skip with a reason."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise _Skip("not UTF-8 text") from None
    if _too_deep(text):
        raise _Skip(f"nested deeper than {MAX_DEPTH} levels (an answers file needs 5)")
    try:
        doc = json.loads(text, parse_constant=_no_constant, parse_int=_int, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise _Skip(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (ValueError, RecursionError) as exc:
        raise _Skip(f"not valid JSON ({safe(exc, 80)})") from None
    try:  # a \ud800 escape makes a text no file or screen can hold
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise _Skip("holds text that is not valid Unicode (a lone surrogate)") from None
    return doc


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a link that leads nowhere",
    stat.S_IFDIR: "a folder",
}


def _why(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def read_regular(path: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most limit bytes; never opens a pipe or device, never blocks."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise _Skip(f"cannot be read ({_why(exc)})") from None
    if not stat.S_ISREG(info.st_mode):
        raise _Skip(f"{_KINDS.get(stat.S_IFMT(info.st_mode), 'something else')}, not a regular file")
    if info.st_size > limit:
        raise _Skip(f"larger than {limit // 1_000_000 or limit // 1000} {'MB' if limit >= 1_000_000 else 'KB'}")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _Skip(f"cannot be opened ({_why(exc)})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped after the check above
            raise _Skip("not a regular file")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise _Skip("larger than the size limit (it grew while being read)")
        return b"".join(chunks)
    except OSError as exc:
        raise _Skip(f"cannot be read ({_why(exc)})") from None
    finally:
        os.close(fd)


@dataclass
class _Found:
    """Files found under a folder: candidates to read, files skipped, files ignored, notes."""

    files: list[tuple[str, str]] = field(default_factory=list)  # (shown name, real path)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ignored: int = 0
    notes: list[str] = field(default_factory=list)


def find_exports(folder: Path) -> _Found:
    """Every *.json file under folder (nested folders too, as an LMS download makes them); bounded."""
    found = _Found()
    root = os.path.realpath(folder)
    if not os.path.isdir(root):
        found.notes.append(f"{safe(folder)} is not a folder.")
        return found
    stack, seen = [(root, 0)], 0
    while stack:
        current, depth = stack.pop()
        try:
            with os.scandir(current) as it:  # at most MAX_ENTRIES are looked at, however big the folder
                entries = sorted(itertools.islice(it, MAX_ENTRIES - seen + 1), key=lambda e: e.name)
        except OSError as exc:
            found.skipped.append((safe(os.path.relpath(current, root)), f"folder cannot be read ({_why(exc)})"))
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES or len(found.files) >= MAX_FILES:
                what = f"{MAX_ENTRIES} files and folders" if seen > MAX_ENTRIES else f"{MAX_FILES} answer files"
                found.notes.append(f"Stopped looking after {what}: the rest of the folder was not read.")
                return found
            shown = safe(os.path.relpath(entry.path, root), 160)
            if entry.name == "__MACOSX" or entry.name.startswith("._"):
                found.ignored += 1  # macOS zip leftovers, not learners' files
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if os.path.commonpath([root, target]) != root:
                        found.skipped.append((shown, "a link to something outside the folder (not followed)"))
                    elif os.path.isdir(target):
                        found.skipped.append((shown, "a link to a folder (not followed)"))
                    elif entry.name.lower().endswith(".json"):
                        found.files.append((shown, target))
                    else:
                        found.ignored += 1
                elif entry.is_dir(follow_symlinks=False):
                    if depth + 1 > MAX_FOLDER_DEPTH:
                        found.skipped.append((shown, f"folder nested deeper than {MAX_FOLDER_DEPTH} levels (not read)"))
                    else:
                        stack.append((entry.path, depth + 1))
                elif entry.name.lower().endswith(".json"):
                    found.files.append((shown, entry.path))
                else:
                    found.ignored += 1
            except (OSError, ValueError) as exc:
                found.skipped.append((shown, f"cannot be looked at ({safe(exc, 60)})"))
    return found


def _short_str(doc: dict[str, Any], key: str, limit: int = MAX_TEXT) -> str:
    value = doc.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise _Skip(f"'{key}' is not a short text")
    return value


@dataclass(frozen=True)
class Answer:
    """One learner's answer to one question, graded again with the bank."""

    qid: str
    status: str  # CORRECT, INCORRECT or INVALID; SAVED for a reflection
    response: Any  # the canonical response (the reflection's text for reflections)
    time: str


@dataclass
class _Export:
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


def _read_export(shown: str, path: str) -> _Export:
    """Read, check and index one export (raises _Skip)."""
    doc = parse_json(read_regular(path))
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _Skip("not a course answers file (learners make one with te.export_answers())")
    if doc.get("version", 1) not in (1, 2):
        raise _Skip("made by a newer version of the course: update the course and gather again")
    fields = {
        k: _short_str(doc, k)
        for k in ("identifier", "learner", "learner_id", "exported", "course_version", "bank_checksum")
    }
    banks = doc.get("banks")
    if banks is not None and not (
        isinstance(banks, dict)
        and len(banks) <= 100
        and all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= MAX_TEXT and len(v) <= MAX_TEXT
            for k, v in banks.items()
        )
    ):
        raise _Skip("'banks' is not a list of checksums")
    items = doc.get("answers")
    if not isinstance(items, list):
        raise _Skip("'answers' is not a list of answers")
    if len(items) > MAX_ANSWERS:
        raise _Skip(f"more than {MAX_ANSWERS} answers")
    known = all_questions()
    answers: dict[str, tuple[str, int, Any]] = {}
    unknown: list[str] = []
    for i, a in enumerate(items):
        if not isinstance(a, dict) or not isinstance(a.get("qid"), str) or not isinstance(a.get("time", ""), str):
            raise _Skip(f"answer {i + 1} is malformed")
        qid, time = a["qid"], a.get("time", "")[:40]
        if qid not in known:
            unknown.append(qid)
            continue
        if qid not in answers or (time, i) >= answers[qid][:2]:
            answers[qid] = (time, i, a.get("response"))  # the status the file claims is never read
    identifier = fields["identifier"].strip()
    if _CONTROL.search(identifier):
        raise _Skip("the identifier holds invisible characters")
    canonical = json.dumps(
        [
            identifier,
            fields["learner"],
            fields["learner_id"],
            sorted((q, t, json.dumps(r, sort_keys=True)) for q, (t, _, r) in answers.items()),
        ]
    )
    return _Export(
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


# ---------------------------------------------------------------- gather
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
    def answers(self) -> Any:
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


def _version_note(e: _Export, current: dict[str, str], owner: dict[str, str]) -> str:
    """'' when the export's banks match the current ones for every question it answers, else what differs."""
    if e.banks is None:
        return "no version stamp: an export from an older course"
    used = sorted({owner[q] for q in e.answers if q in owner})
    changed = [b for b in used if e.banks.get(b) != current.get(b)]
    if not changed:
        return ""
    return f"older question bank: {', '.join(changed)} (course {safe(e.version or '?', 20)})"


class _Groups:
    """Union-find over export files, linked by identifier and by progress-file id."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def gather(folder: Path, names: bool = False) -> Gathered:
    """Read every export under a folder (nested folders and LMS-renamed files too); bounded and safe.

    Files that cannot be used are listed in `skipped` with the reason. Exports of the same person
    (same identifier or same progress file) are merged, keeping the latest answer to each question;
    identical copies are counted once."""
    found = find_exports(Path(folder))
    skipped, notes = list(found.skipped), list(found.notes)
    known = all_questions()
    current, owner = _bank_index(str(data_dir()))
    exports: list[_Export] = []
    total = 0
    for shown, path in found.files:
        try:
            total += os.lstat(path).st_size
            if total > MAX_TOTAL_BYTES:
                limit = MAX_TOTAL_BYTES // 1_000_000
                skipped.append((shown, f"not read: the folder holds more than {limit} MB of files"))
                continue
            e = _read_export(shown, path)
        except _Skip as why:
            skipped.append((shown, str(why)))
            continue
        except Exception as exc:  # noqa: BLE001 - one file must never stop the report
            skipped.append((shown, f"could not be processed ({exc.__class__.__name__})"))
            continue
        if e.unknown:
            listed = ", ".join(f"'{safe(q, 40)}'" for q in e.unknown[:MAX_LISTED])
            more = f" and {len(e.unknown) - MAX_LISTED} more" if len(e.unknown) > MAX_LISTED else ""
            notes.append(
                f"{shown}: {len(e.unknown)} answer(s) to question ids this course does not have, "
                f"left out: {listed}{more}."
            )
        if not e.answers:
            skipped.append((shown, "holds no answer to a question of this course"))
            continue
        exports.append(e)

    # duplicates and several exports of one person
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
    members: dict[int, list[int]] = {}
    for i in range(len(exports)):
        members.setdefault(groups.find(i), []).append(i)

    people = []
    for group in members.values():
        files = [exports[i] for i in group]
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
        version = "; ".join(sorted({n for n in (_version_note(e, current, owner) for e in files) if n})) or "current"
        identifiers = tuple(dict.fromkeys(e.identifier for e in files if e.identifier))
        order_key = hashlib.sha256(min(e.digest for e in files).encode()).hexdigest()
        people.append((order_key, files, answers, version, identifiers))

    people.sort(key=lambda p: p[0])  # an order unrelated to names or file names: "learner 1" is nobody in particular
    learners = []
    for n, (_, files, answers, version, identifiers) in enumerate(people, start=1):
        label = f"learner {n}"
        if names:
            label = safe(identifiers[0] if identifiers else (files[0].display or files[0].name), 60)
        learners.append(Learner(label, identifiers, tuple(e.name for e in files), answers, version))
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
    return Gathered(learners, skipped, notes, found.ignored)


# ---------------------------------------------------------------- the class view
def pointer(q: Question) -> str:
    """Where the evidence for a question is (its excerpts and datasets), never the answer itself."""
    parts = []
    for ref in q.refs:
        if ref.get("excerpt"):
            parts.append(f"excerpt '{ref['excerpt']}'")
        if ref.get("dataset"):
            parts.append(f"dataset {ref['dataset']}" + (f" (rows where {ref['rows']})" if ref.get("rows") else ""))
    return "; ".join(parts)


def by_question(g: Gathered) -> Any:
    """Per graded question, in course order: how many of the class answered, how many correctly, the
    share correct among those who answered, the commonest wrong answer and where the evidence is."""
    import pandas as pd

    everyone = g.count
    rows = []
    for q in course_questions():
        if q.type == "reflection":
            continue
        given = [ln.answers[q.id] for ln in g.learners if q.id in ln.answers]
        correct = sum(a.status == CORRECT for a in given)
        wrong = Counter(show(a.response) for a in given if a.status == INCORRECT)
        top = sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))[:1]
        rows.append(
            {
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
        )
    columns = [
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
    return pd.DataFrame(rows, columns=columns).set_index("qid")


def by_learner(g: Gathered, names: bool = False) -> Any:
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


def reflections(g: Gathered, names: bool = False) -> list[tuple[Question, list[tuple[str, str]]]]:
    """For each reflection question (course order) the texts written, as (who, text); who is '' unless
    names is True. Order within a question is by a hash of the text, unrelated to who wrote it."""
    out = []
    for q in course_questions():
        if q.type != "reflection":
            continue
        texts = [
            (ln.label if names else "", ln.answers[q.id].response)
            for ln in g.learners
            if q.id in ln.answers and ln.answers[q.id].status == SAVED
        ]
        texts.sort(key=lambda wt: hashlib.sha256(wt[1].encode()).hexdigest())
        if texts:
            out.append((q, texts))
    return out


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#!|<>$~&])")


def _md(text: str) -> str:
    """Learner text made inert in Markdown (no links, images, HTML or math)."""
    return _MD_SPECIAL.sub(r"\\\1", _CONTROL.sub(" ", text))


def discussion_markdown(g: Gathered, names: bool = False) -> str:
    """The discussion sheet as Markdown: each reflection prompt with what the class wrote."""
    lines = [
        "# Discussion sheet",
        "",
        f"What {g.count} learner(s) wrote in their reflections" + ("" if names else " (anonymous)") + ".",
        "",
    ]
    found = reflections(g, names)
    if not found:
        lines.append("Nobody has written a reflection yet.")
    for q, texts in found:
        lines += [f"## {_md(q.prompt)}", "", f"*{q.notebook}, {len(texts)} of {g.count} learners wrote one.*", ""]
        for who, text in texts:
            body = "\n".join("> " + _md(line) for line in text.splitlines() if line.strip())
            lines += [body + (f"\n>\n> — {_md(who)}" if who else ""), ""]
    return "\n".join(lines).rstrip() + "\n"


def discussion_html(g: Gathered, names: bool = False, page: bool = True) -> str:
    """The discussion sheet as HTML to project (large type, no scripts, nothing loaded from elsewhere)."""
    parts = [
        f"<h1>Discussion sheet</h1><p>What {g.count} learner(s) wrote in their reflections"
        + ("" if names else " (anonymous)")
        + ".</p>"
    ]
    found = reflections(g, names)
    if not found:
        parts.append("<p>Nobody has written a reflection yet.</p>")
    for q, texts in found:
        parts.append(
            f"<section><h2>{html.escape(q.prompt)}</h2><p class='meta'>{html.escape(q.notebook)}, "
            f"{len(texts)} of {g.count} learners wrote one.</p>"
        )
        for who, text in texts:
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
            signed = f"<footer>— {html.escape(who)}</footer>" if who else ""
            parts.append(f"<blockquote>{paragraphs}{signed}</blockquote>")
        parts.append("</section>")
    body = "\n".join(parts)
    if not page:
        return f'<div class="turneast-discussion">{body}</div>'
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<title>Discussion sheet</title><style>body{font:1.35rem/1.5 system-ui,sans-serif;max-width:60rem;"
        "margin:2rem auto;padding:0 1rem;color:#111}h2{font-size:1.5rem;margin-top:2.5rem}"
        ".meta{color:#555;font-size:1rem}blockquote{border-left:.4rem solid #0072B2;margin:1rem 0;"
        "padding:.2rem 1rem;background:#f4f8fb}footer{color:#555;font-size:1rem}</style></head>\n<body>\n"
        f"{body}\n</body></html>\n"
    )


def chart(table: Any, path: Path | None = None, notebook: str | None = None) -> tuple[Any, str]:
    """A bar per graded question: share correct of those who answered, with 'n of N answered' beside it.

    0% is drawn (a mark at zero and the words '0% correct'); a question nobody answered says so. All
    labels are plain text (no mathtext). Returns (figure, alt text); with path, saves and closes it."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from .charts import PALETTE, figure

    rows = table if notebook is None else table[table["notebook"] == notebook]
    answered_nbs = set(rows.loc[rows["answered"] > 0, "notebook"])
    rows = rows[rows["notebook"].isin(answered_nbs)]
    capped = max(0, len(rows) - MAX_CHART_ROWS)
    rows = rows.iloc[:MAX_CHART_ROWS]
    lines: list[tuple[str, Any]] = []
    for nb in dict.fromkeys(rows["notebook"]):
        lines.append(("notebook", nb))
        lines += [("question", (qid, r)) for qid, r in rows[rows["notebook"] == nb].iterrows()]
    height = 1.6 + 0.3 * max(len(lines), 1)
    fig, ax = figure(11, height)
    ax.grid(False)
    ax.set_xlim(0, 100)
    ax.set_ylim(len(lines) - 0.5, -0.8)
    ax.set_yticks([])
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("correct, of those who answered (%)")
    plain = {"parse_math": False, "usetex": False}
    for y, (kind, item) in enumerate(lines):
        if kind == "notebook":
            ax.text(-1, y, safe(item, MAX_LABEL), ha="right", va="center", fontweight="bold", fontsize=9, **plain)
            continue
        qid, r = item
        label = safe(f"{qid}: {r['question']}", MAX_LABEL)
        ax.text(-1, y, label, ha="right", va="center", fontsize=8, **plain)
        ax.barh(y, 100, height=0.7, color="#eeeeee")
        if r["answered"] == 0:
            ax.text(
                1,
                y,
                f"nobody answered (0 of {r['learners']})",
                va="center",
                fontsize=8,
                color="#555555",
                style="italic",
                **plain,
            )
            continue
        pct = float(r["share_correct_pct"])
        ax.barh(y, pct, height=0.7, color=PALETTE[0])
        if pct == 0:
            ax.plot([0.6], [y], marker="|", markersize=14, markeredgewidth=4, color=PALETTE[3])
        ax.text(
            101,
            y,
            f"{pct:.0f}% correct · {r['answered_of']}",
            va="center",
            fontsize=8,
            color="#9a3412" if pct == 0 else "#222222",
            clip_on=False,
            **plain,
        )  # dark enough for small text
    title = "How the class answered each question" + (f": {notebook}" if notebook else "")
    ax.set_title(title, loc="left", fontweight="bold", pad=12, **plain)
    if capped:
        ax.text(
            0,
            len(lines) - 0.2,
            f"{capped} more question(s) not drawn (at most {MAX_CHART_ROWS} per chart); see by_question.csv.",
            fontsize=8,
            color="#555555",
            va="top",
            **plain,
        )
    fig.subplots_adjust(left=0.45, right=0.78, top=1 - 0.9 / height, bottom=0.7 / height)
    shown_rows = rows[rows["answered"] > 0]
    zero = shown_rows[shown_rows["share_correct_pct"] == 0]
    alt = (
        f"Bar chart of {len(shown_rows)} question(s) in course order"
        + (f" in {notebook}" if notebook else "")
        + ": the share of answers that were correct, with how many of "
        f"the {int(rows['learners'].max()) if len(rows) else 0} learners answered each."
        + (f" {len(zero)} question(s) had no correct answer: {', '.join(zero.index[:5])}." if len(zero) else "")
        + (f" {capped} question(s) not drawn." if capped else "")
    )
    if path is not None:
        fig.savefig(path, dpi=100)
        plt.close(fig)
    return fig, alt


def show_chart(table: Any, notebook: str | None = None) -> None:
    """In a notebook: draw the chart (all questions, or one notebook's) with its description underneath."""
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    fig, alt = chart(table, notebook=notebook)
    display(fig)
    plt.close(fig)
    display(Markdown(f"*Chart description:* {alt}"))


def _safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:60]


def write_class_view(g: Gathered, out: Path, names: bool = False) -> list[Path]:
    """Write the class view files: CSV tables, charts, the discussion sheet and a report; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    table = by_question(g)
    header = ["qid", *table.columns]
    written.append(
        write_csv(
            out / "by_question.csv",
            header,
            ([qid, *row] for qid, row in zip(table.index, table.itertuples(index=False))),
        )
    )
    learners = by_learner(g, names)
    written.append(
        write_csv(
            out / "by_learner.csv",
            ["learner", *learners.columns],
            ([idx, *row] for idx, row in zip(learners.index, learners.itertuples(index=False))),
        )
    )
    (out / "discussion.html").write_text(discussion_html(g, names), encoding="utf-8")
    (out / "discussion.md").write_text(discussion_markdown(g, names), encoding="utf-8")
    written += [out / "discussion.html", out / "discussion.md"]
    problems = []
    for nb in [None, *dict.fromkeys(table.loc[table["answered"] > 0, "notebook"])]:
        target = out / ("by_question.png" if nb is None else f"chart_{_safe_filename(nb)}.png")
        try:
            _, alt = chart(table, target, nb)
            (target.with_suffix(".txt")).write_text(alt + "\n", encoding="utf-8")
            written.append(target)
        except Exception as exc:  # noqa: BLE001 - a chart must not stop the other files
            problems.append(f"chart {target.name} not drawn ({exc.__class__.__name__}: {safe(exc, 80)})")
    report = report_text(g, written, problems)
    (out / "report.txt").write_text(report, encoding="utf-8")
    written.append(out / "report.txt")
    return written


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


# ---------------------------------------------------------------- gradebook for Canvas and Moodle
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Root Account", "Section")
CANVAS_MATCH = ("SIS Login ID", "SIS User ID", "ID", "Integration ID")
MOODLE_IDENTITY = ("First name", "Last name", "Username", "ID number", "Institution", "Department", "Email address")
MOODLE_MATCH = ("Email address", "Username", "ID number")


@dataclass
class Roster:
    """An LMS gradebook export, read as the class list."""

    lms: str
    header: list[str]
    rows: list[list[str]]
    identity: list[str]  # identity columns present, in the export's order
    points: dict[str, str]  # Canvas 'Points Possible' per column

    def value(self, row: list[str], column: str) -> str:
        i = self.header.index(column)
        return row[i] if i < len(row) else ""


def read_roster(path: Path, lms: str | None = None) -> Roster:
    """Read a Canvas or Moodle gradebook export (CSV, comma or semicolon); ValueError with a clear message."""
    try:
        data = read_regular(str(path), MAX_ROSTER_BYTES)
    except _Skip as why:
        raise ValueError(f"The roster {path} cannot be used: {why}.") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"The roster {path} is not UTF-8 text: export it again from the LMS as CSV (UTF-8).") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    table = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in row)]
    if not table:
        raise ValueError(f"The roster {path} is empty.")
    header = [h.strip() for h in table[0]]
    detected = (
        "canvas"
        if len(header) > 3 and "Student" in header[0] and "ID" in header[1]
        else "moodle"
        if any(h in header for h in MOODLE_MATCH)
        else None
    )
    lms = lms or detected
    if lms is None:
        raise ValueError(
            f"The roster {path} does not look like a Canvas or Moodle gradebook export "
            "(instructors/gradebook.md says how to download one)."
        )
    if lms == "canvas" and detected != "canvas":
        raise ValueError(f"The roster {path} does not start with Canvas's columns Student, ID.")
    if lms == "moodle" and not any(h in header for h in MOODLE_MATCH):
        raise ValueError(f"The roster {path} has none of Moodle's columns {', '.join(MOODLE_MATCH)}.")
    wanted = CANVAS_IDENTITY if lms == "canvas" else MOODLE_IDENTITY
    identity = [h for h in header if h in wanted]
    points: dict[str, str] = {}
    rows = []
    for row in table[1:]:
        if lms == "canvas" and row and "Points Possible" in row[0]:
            points = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
            continue
        if lms == "canvas" and all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", c or "", re.I) for c in row):
            continue  # Canvas's 'Muted' / 'Manual Posting' row
        rows.append(row)
    return Roster(lms, header, rows, identity, points)


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

    def table(self) -> Any:
        """The gradebook as a DataFrame (for a notebook)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.header)


def notebook_scores(learner: Learner, notebooks: list[str]) -> dict[str, float | None]:
    """Score per notebook = correct ÷ graded questions of that notebook (reflections excluded);
    None when the learner answered none of that notebook's graded questions."""
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


def _name_of(roster: Roster, row: list[str]) -> str:
    if roster.lms == "canvas":
        return safe(roster.value(row, "Student"), 60)
    return safe(" ".join(roster.value(row, c) for c in ("First name", "Last name") if c in roster.header), 60)


_CANVAS_FILE = re.compile(r"[^_]*?_(?:late_)?(\d+)_\d+_.*\Z", re.I | re.S)  # name_userid_fileid_original
_MOODLE_FOLDER = re.compile(r"(.+?)_\d+_assignsubmission_\w+\Z", re.I | re.S)  # Full Name_id_assignsubmission_file_


class _Owners:
    """Which roster row an LMS download filed a file under, read from the names the LMS gives files."""

    def __init__(self, roster: Roster) -> None:
        self.lms = roster.lms
        self.by_key: dict[str, list[int]] = {}
        for r, row in enumerate(roster.rows):
            if roster.lms == "canvas":
                key = roster.value(row, "ID").strip() if "ID" in roster.header else ""
            else:
                key = " ".join(roster.value(row, c).strip() for c in ("First name", "Last name")).casefold()
            if key.strip():
                self.by_key.setdefault(key, []).append(r)

    def __call__(self, name: str) -> int | None:
        parts = re.split(r"[/\\]", name)
        if self.lms == "canvas":
            m = _CANVAS_FILE.match(parts[-1])
            keys = [m.group(1)] if m else []
        else:
            keys = [m.group(1).strip().casefold() for m in map(_MOODLE_FOLDER.match, parts[:-1]) if m]
        rows = {r for k in keys for r in self.by_key.get(k, [])}
        return rows.pop() if len(rows) == 1 else None


def _closest(roster: Roster, typed: tuple[str, ...], columns: list[str]) -> str:
    """The roster row whose login, email or name looks most like what was typed (a hint, never a match)."""
    import difflib

    best, name = 0.75, ""
    for row in roster.rows:
        values = [roster.value(row, c) for c in columns] + [_name_of(roster, row)]
        forms = {re.sub(r"[^a-z0-9]", "", v.casefold().split("@")[0]) for v in values if v.strip()}
        forms |= {re.sub(r"[^a-z0-9]", "", "".join(reversed(v.casefold().split(",")))) for v in values if "," in v}
        for ident in typed:
            key = re.sub(r"[^a-z0-9]", "", ident.casefold().split("@")[0])
            for form in forms:
                ratio = difflib.SequenceMatcher(None, key, form).ratio() if key and form else 0
                if ratio > best:
                    best, name = ratio, _name_of(roster, row)
    return name


def gradebook(
    g: Gathered,
    roster: Roster,
    lessons: bool = False,
    notebooks: list[str] | None = None,
    points: float = DEFAULT_POINTS,
    match: str | None = None,
    unattempted: str = "blank",
) -> Gradebook:
    """Match learners to roster rows by the login they typed (and by the names an LMS download gives files)
    and score one column per exercise notebook (with lessons=True, per lesson too).

    Only matched learners get a row: both LMSs leave learners who are not in the file as they are. A
    notebook the learner did not try gets no score ('' for Canvas, '-' for Moodle), or 0 with
    unattempted="zero" (for work that was due)."""
    match_columns = (
        [match]
        if match
        else [c for c in (CANVAS_MATCH if roster.lms == "canvas" else MOODLE_MATCH) if c in roster.header]
    )
    if not match_columns or any(c not in roster.header for c in match_columns):
        raise ValueError(f"The roster has no column {match or ' or '.join(CANVAS_MATCH + MOODLE_MATCH)} to match on.")
    index: dict[str, set[int]] = {}
    for r, row in enumerate(roster.rows):
        for c in match_columns:
            key = roster.value(row, c).strip().casefold()
            if key:
                index.setdefault(key, set()).add(r)
    owner = _Owners(roster)
    lms = "Canvas" if roster.lms == "canvas" else "Moodle"

    notes: list[str] = []
    assigned: dict[int, list[Learner]] = {}
    unmatched: list[tuple[str, str]] = []
    for ln in g.learners:
        files = ", ".join(ln.files)
        typed = {r for ident in ln.identifiers for r in index.get(ident.casefold(), set())}
        filed = {r for r in map(owner, ln.files) if r is not None}
        if len(typed) > 1:
            unmatched.append((files, f"the login {', '.join(map(repr, ln.identifiers))} fits several roster rows"))
        elif typed and filed and typed != filed:
            unmatched.append(
                (
                    files,
                    f"the login typed ({', '.join(map(repr, ln.identifiers))}) belongs to "
                    f"{_name_of(roster, roster.rows[next(iter(typed))])}, but {lms} filed the export "
                    f"under {_name_of(roster, roster.rows[next(iter(filed))])}: check by hand",
                )
            )
        elif typed or len(filed) == 1:
            r = next(iter(typed or filed))
            if not typed:
                notes.append(
                    f"{files}: matched to {_name_of(roster, roster.rows[r])} by the name {lms} gave "
                    "the file" + (" (the login typed matches nobody)." if ln.identifiers else ".")
                )
            assigned.setdefault(r, []).append(ln)
        else:
            why = (
                f"the login {', '.join(map(repr, ln.identifiers))} matches no roster row"
                if ln.identifiers
                else "the learner typed no login"
            )
            close = _closest(roster, ln.identifiers, match_columns)
            unmatched.append((files, why + (f" (closest: {close})" if close else "")))
    for r, lns in assigned.items():
        if len(lns) > 1:  # different people (no shared login or progress file) claiming one roster row
            names = "; ".join(", ".join(ln.files) for ln in lns)
            unmatched.append(
                (
                    names,
                    f"several different exports claim {_name_of(roster, roster.rows[r])}: "
                    "none was scored, check by hand",
                )
            )
    assigned = {r: lns[0] for r, lns in assigned.items() if len(lns) == 1}

    if notebooks is None:
        wanted = {
            q.notebook for q in course_questions() if q.type != "reflection" and (is_exercise(q.notebook) or lessons)
        }
        tried = {all_questions()[qid].notebook for ln in assigned.values() for qid in ln.answers}
        notebooks = sorted(wanted & tried, key=notebook_key)
    else:
        unknown_nbs = [nb for nb in notebooks if nb not in {q.notebook for q in course_questions()}]
        if unknown_nbs:
            raise ValueError(f"No notebook called {', '.join(unknown_nbs)} in this course.")

    # column headers: reuse an existing Canvas assignment column "ex01_china (12345)" when the roster has one
    headers, scale = [], []
    for nb in notebooks:
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

    identity = roster.identity
    header = identity + headers
    rows: list[list[Any]] = []
    if roster.lms == "canvas":
        rows.append(["Points Possible"] + [""] * (len(identity) - 1) + [_number(s) for s in scale])
    unusable: dict[int, list[str]] = {}
    for name, why in g.skipped:
        r = owner(name)
        if r is not None:
            unusable.setdefault(r, []).append(f"{name} could not be used: {why}")
    matched, missing = [], []
    for r, row in enumerate(roster.rows):
        ln = assigned.get(r)
        if ln is None:
            test_student = _name_of(roster, row) == "Student, Test"
            extra = unusable.get(r, []) + (["Canvas's test student"] if test_student else [])
            missing.append((_name_of(roster, row), "; ".join(extra)))
            continue  # not in the file: the LMS leaves this learner's grades as they are
        matched.append((_name_of(roster, row), ", ".join(ln.files)))
        if ln.version != "current":
            notes.append(f"{_name_of(roster, row)}: {ln.version}; scored with the current banks.")
        scores = notebook_scores(ln, notebooks)
        empty = "0" if unattempted == "zero" else "" if roster.lms == "canvas" else "-"
        cells = [empty if scores[nb] is None else _number(scores[nb] * s) for nb, s in zip(notebooks, scale)]
        rows.append([roster.value(row, c) for c in identity] + cells)
    return Gradebook(roster.lms, header, rows, notebooks, matched, unmatched, missing, notes)


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


# ---------------------------------------------------------------- command line
def main(argv: list[str]) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m turneast.classview", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export", help="write my answers to one file")
    ex.add_argument("out", nargs="?", default=EXPORT_NAME)
    ex.add_argument("--id", dest="identifier", default="", help="your course-site (LMS) login or email")
    ex.add_argument("--name", default="", help="a name the instructor should see (optional)")
    ga = sub.add_parser("gather", help="the class view of a folder of exports")
    ga.add_argument("folder")
    ga.add_argument("--out", default="class-report", help="folder for the tables, charts, sheet and report")
    ga.add_argument("--names", action="store_true", help="show learners' logins instead of 'learner N'")
    gb = sub.add_parser("gradebook", help="a gradebook CSV for Canvas or Moodle")
    gb.add_argument("folder")
    gb.add_argument("--roster", required=True, help="the gradebook CSV exported from the LMS")
    gb.add_argument("--lms", choices=("canvas", "moodle"), help="which LMS (detected from the roster if left out)")
    gb.add_argument("--out", default=None, help="the CSV to write (default gradebook-<lms>.csv)")
    gb.add_argument("--lessons", action="store_true", help="also one column per lesson notebook")
    gb.add_argument("--notebooks", default=None, help="comma-separated notebooks to score (default: exercises tried)")
    gb.add_argument("--points", type=float, default=DEFAULT_POINTS, help="points for a full score (default 100)")
    gb.add_argument("--match", default=None, help="the roster column holding what learners typed")
    gb.add_argument(
        "--unattempted",
        choices=("blank", "zero"),
        default="blank",
        help="score for a notebook a learner did not try: no score (default) or 0",
    )
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show a name gets '?', not a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")

    if args.cmd == "export":
        try:
            path = export(Path(args.out), args.identifier, args.name)
        except (ValueError, OSError) as exc:
            print(f"Could not write {args.out}: {exc}")
            return 1
        print(f"Wrote your answers to {path}. Hand this file in; it holds your answers and the login you gave.")
        return 0

    g = gather(Path(args.folder), names=getattr(args, "names", False))
    for name, why in g.skipped:
        print(f"WARNING: skipped {name}: {why}")
    for note in g.notes:
        print(f"NOTE: {note}")

    if args.cmd == "gather":
        out = Path(args.out)
        written = write_class_view(g, out, args.names)
        table = by_question(g)
        print(f"{g.count} learner(s), {len(table)} graded question(s) ({len(g.skipped)} file(s) skipped).")
        if g.count:
            view = table.loc[table["answered"] > 0, ["notebook", "answered_of", "share_correct_pct"]]
            print(view.to_string(max_colwidth=40))
        print(f"Wrote {', '.join(str(p) for p in written)}.")
        return 0 if g.count else 1

    try:
        roster = read_roster(Path(args.roster), args.lms)
        notebooks = [n.strip() for n in args.notebooks.split(",")] if args.notebooks else None
        book = gradebook(
            g,
            roster,
            lessons=args.lessons,
            notebooks=notebooks,
            points=args.points,
            match=args.match,
            unattempted=args.unattempted,
        )
    except ValueError as exc:
        print(f"ERROR: {exc}")
        return 2
    out = Path(args.out or f"gradebook-{roster.lms}.csv")
    write_csv(out, book.header, book.rows)
    listing = out.with_name(out.stem + "-unmatched.csv")
    write_csv(
        listing,
        ["kind", "who", "why"],
        [["export without a roster row", files, why] for files, why in book.unmatched_exports]
        + [["roster row without an export", name, why] for name, why in book.missing],
    )
    print(gradebook_report(book), end="")
    print(f"Wrote {out} ({roster.lms}) and {listing}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
