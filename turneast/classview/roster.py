"""The class list from an LMS: a Canvas or Moodle gradebook export, and the names its downloads give files."""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .text import safe
from .untrusted import Skip, read_regular

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Root Account", "Section")
CANVAS_MATCH = ("SIS Login ID", "SIS User ID", "ID", "Integration ID")
MOODLE_IDENTITY = ("First name", "Last name", "Username", "ID number", "Institution", "Department", "Email address")
MOODLE_MATCH = ("Email address", "Username", "ID number")
MAX_ROSTER_BYTES = 20_000_000

_CANVAS_FILE = re.compile(r"[^_]*?_(?:late_)?(\d+)_\d+_.*\Z", re.I | re.S)  # name_userid_fileid_original
_MOODLE_FOLDER = re.compile(r"(.+?)_\d+_assignsubmission_\w+\Z", re.I | re.S)  # Full Name_id_assignsubmission_file_


@dataclass
class Roster:
    """An LMS gradebook export, read as the class list."""

    lms: str
    header: list[str]
    rows: list[list[str]]
    identity: list[str]  # identity columns present, in the export's order
    points: dict[str, str]  # Canvas 'Points Possible' per column

    def value(self, row: list[str], column: str) -> str:
        """The cell of row in column ('' when the row is short)."""
        i = self.header.index(column)
        return row[i] if i < len(row) else ""


def read_roster(path: Path, lms: str | None = None) -> Roster:
    """Read a Canvas or Moodle gradebook export (CSV, comma or semicolon); ValueError with a clear message."""
    table = _table(path)
    header = [h.strip() for h in table[0]]
    lms = _which_lms(path, header, lms)
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


def _table(path: Path) -> list[list[str]]:
    """The roster's non-empty rows (comma- or semicolon-separated UTF-8); ValueError if there are none."""
    try:
        data = read_regular(str(path), MAX_ROSTER_BYTES)
    except Skip as why:
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
    return table


def _which_lms(path: Path, header: list[str], lms: str | None) -> str:
    """'canvas' or 'moodle': as asked, or as the header shows; ValueError if the header does not fit."""
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
    return lms


def name_of(roster: Roster, row: list[str]) -> str:
    """A roster row's name as the LMS shows it ('Last, First' in Canvas, 'First Last' in Moodle)."""
    if roster.lms == "canvas":
        return safe(roster.value(row, "Student"), 60)
    return safe(" ".join(roster.value(row, c) for c in ("First name", "Last name") if c in roster.header), 60)


class Owners:
    """Which roster row an LMS download filed a file under, read from the names the LMS gives files."""

    def __init__(self, roster: Roster) -> None:
        """Index the roster by Canvas user id, or by Moodle full name."""
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
        """The roster row a file's name (with its folders) points to, or None if not exactly one."""
        parts = re.split(r"[/\\]", name)
        if self.lms == "canvas":
            m = _CANVAS_FILE.match(parts[-1])
            keys = [m.group(1)] if m else []
        else:
            keys = [m.group(1).strip().casefold() for m in map(_MOODLE_FOLDER.match, parts[:-1]) if m]
        rows = {r for k in keys for r in self.by_key.get(k, [])}
        return rows.pop() if len(rows) == 1 else None


def _forms(values: list[str]) -> set[str]:
    """Comparable forms of logins, emails and names: lower-case letters and digits, 'Last, First' turned."""
    forms = {re.sub(r"[^a-z0-9]", "", v.casefold().split("@")[0]) for v in values if v.strip()}
    forms |= {re.sub(r"[^a-z0-9]", "", "".join(reversed(v.casefold().split(",")))) for v in values if "," in v}
    return forms


def closest(roster: Roster, typed: tuple[str, ...], columns: list[str]) -> str:
    """The roster row whose login, email or name looks most like what was typed (a hint, never a match)."""
    best, name = 0.75, ""
    for row in roster.rows:
        forms = _forms([roster.value(row, c) for c in columns] + [name_of(roster, row)])
        for ident in typed:
            key = re.sub(r"[^a-z0-9]", "", ident.casefold().split("@")[0])
            for form in forms:
                ratio = difflib.SequenceMatcher(None, key, form).ratio() if key and form else 0
                if ratio > best:
                    best, name = ratio, name_of(roster, row)
    return name
