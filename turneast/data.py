"""Data layer: load a dataset as a validated DataFrame, and show sources and excerpts."""
from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ._errors import DataError, did_you_mean
from .paths import data_dir

_RESTORE = "If you changed it by accident, restore it with: git checkout -- {path}"


def _rel(path: Path) -> str:
    """A path relative to the course folder when possible, for messages."""
    try:
        return str(path.relative_to(data_dir().parent))
    except ValueError:
        return str(path)


@lru_cache(maxsize=None)
def _package(folder: str) -> dict[str, Any]:
    """The parsed datapackage.json of one data folder."""
    path = Path(folder) / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{_rel(path)} is missing. " + _RESTORE.format(path=_rel(path))) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{_rel(path)} is not valid JSON (line {exc.lineno}: {exc.msg}). "
                        + _RESTORE.format(path=_rel(path))) from None


def packages() -> dict[str, Path]:
    """Every data package folder, by name."""
    return {p.parent.name: p.parent for p in sorted(data_dir().glob("*/datapackage.json"))}


def resources() -> dict[str, tuple[Path, dict[str, Any]]]:
    """Every resource in every package, keyed 'package/name'."""
    found = {}
    for name, folder in packages().items():
        for res in _package(str(folder)).get("resources", []):
            found[f"{name}/{res['name']}"] = (folder, res)
    return found


def find(name: str) -> tuple[Path, dict[str, Any]]:
    """The folder and descriptor of a resource named 'package/name' or a unique 'name'."""
    table = resources()
    if name in table:
        return table[name]
    matches = [key for key in table if key.split("/", 1)[1] == name]
    if len(matches) == 1:
        return table[matches[0]]
    known = ", ".join(sorted(table))
    raise DataError(f"No dataset called '{name}'. Known datasets: {known}.")


def _parse(value: str, field: dict[str, Any]) -> Any:
    """Convert one CSV cell to the field's type, or raise ValueError with the reason."""
    kind = field.get("type", "string")
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(f"'{value}' is not a whole number")
        return int(value)
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a number") from None
    if kind == "boolean":
        if value not in ("true", "false"):
            raise ValueError(f"'{value}' is not true or false")
        return value == "true"
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"'{value}' is not a date written YYYY-MM-DD")
        try:
            pd.Timestamp(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a real date") from None
        return value
    return value


def _check_value(value: Any, field: dict[str, Any]) -> str | None:
    """The reason a parsed value breaks a field constraint, or None."""
    cons = field.get("constraints", {})
    if "enum" in cons and value not in cons["enum"]:
        return f"'{value}' is not one of the allowed values {cons['enum']}"
    if "minimum" in cons and value < cons["minimum"]:
        return f"{value} is below the minimum {cons['minimum']}"
    if "maximum" in cons and value > cons["maximum"]:
        return f"{value} is above the maximum {cons['maximum']}"
    return None


def validate(name: str) -> list[dict[str, Any]]:
    """Read and check a resource's CSV against its schema; return rows as dicts or raise DataError."""
    folder, res = find(name)
    path = folder / res["path"]
    where = _rel(path)
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            raw_rows = list(reader)
    except FileNotFoundError:
        raise DataError(f"Data file {where} is missing. " + _RESTORE.format(path=where)) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"Data file {where} cannot be read as UTF-8 CSV ({exc}). " + _RESTORE.format(path=where)) from None
    missing = [n for n in names if n not in header]
    extra = [h for h in header if h not in names]
    if missing or extra:
        raise DataError(f"{where}: the columns do not match the datapackage.json schema "
                        f"(missing: {missing or 'none'}; unexpected: {extra or 'none'}). "
                        + _RESTORE.format(path=where))
    source_ids = {s.get("id") for s in res.get("sources", [])}
    rows: list[dict[str, Any]] = []
    seen: dict[str, set[Any]] = {f["name"]: set() for f in fields if f.get("constraints", {}).get("unique")}
    keys: set[tuple[Any, ...]] = set()
    pk = res["schema"].get("primaryKey", [])
    for line, raw in enumerate(raw_rows, start=2):
        row: dict[str, Any] = {}
        for field in fields:
            col = field["name"]
            cell = (raw.get(col) or "").strip()
            problem = None
            if cell == "":
                value = None
                if field.get("constraints", {}).get("required"):
                    problem = "the value is required but the cell is empty"
            else:
                try:
                    value = _parse(cell, field)
                    problem = _check_value(value, field)
                except ValueError as exc:
                    value, problem = None, str(exc)
            if problem is None and col in seen and value is not None:
                problem = f"'{value}' appears twice but must be unique" if value in seen[col] else None
                seen[col].add(value)
            if problem is None and col == "source" and value not in source_ids:
                problem = f"source '{value}' is not listed in the resource's sources {sorted(source_ids)}"
            if problem:
                raise DataError(f"{where}, row {line}, column '{col}': {problem}. " + _RESTORE.format(path=where))
            row[col] = value
        if pk:
            key = tuple(row[k] for k in pk)
            if key in keys:
                raise DataError(f"{where}, row {line}: the key {dict(zip(pk, key))} appears twice. "
                                + _RESTORE.format(path=where))
            keys.add(key)
        rows.append(row)
    return rows


_DTYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "string"}


def load(name: str) -> pd.DataFrame:
    """Load a dataset ('package/name' or 'name') as a validated DataFrame."""
    _, res = find(name)
    rows = validate(name)
    fields = res["schema"]["fields"]
    frame = pd.DataFrame(rows, columns=[f["name"] for f in fields])
    for field in fields:
        col, kind = field["name"], field.get("type", "string")
        frame[col] = pd.to_datetime(frame[col]) if kind == "date" else frame[col].astype(_DTYPES.get(kind, "string"))
    frame.attrs["title"] = res.get("title", name)
    frame.attrs["sources"] = res.get("sources", [])
    return frame


def describe(name: str) -> pd.DataFrame:
    """A table of a dataset's fields: type, unit and description."""
    _, res = find(name)
    return pd.DataFrame([{"field": f["name"], "type": f.get("type", "string"), "unit": f.get("unit", ""),
                          "description": f.get("description", "")} for f in res["schema"]["fields"]]).set_index("field")


def source_line(name: str) -> str:
    """A one-line citation of a dataset's sources, for chart captions."""
    _, res = find(name)
    publishers = []
    for src in res.get("sources", []):
        pub = src.get("publisher", "")
        if pub and pub not in publishers:
            publishers.append(pub)
    return "Source: " + "; ".join(publishers)


# ---------------------------------------------------------------- excerpts
@dataclass(frozen=True)
class Excerpt:
    """A short verbatim quotation from one of the course texts, with its attribution."""

    id: str
    text: str
    speaker: str
    citation: str
    location: str

    def _repr_markdown_(self) -> str:
        speaker = f"{self.speaker}, in " if self.speaker else ""
        return f"> {self.text}\n>\n> — {speaker}{self.citation} ({self.location}) `[{self.id}]`"

    def __repr__(self) -> str:
        speaker = f"{self.speaker}, in " if self.speaker else ""
        return f'"{self.text}"\n    — {speaker}{self.citation} ({self.location}) [{self.id}]'


def sources() -> pd.DataFrame:
    """The course texts: id, author, outlet, title, date, URL."""
    return load("core/sources").set_index("id")


def cite(source_id: str) -> str:
    """A full citation of one course text."""
    table = sources()
    if source_id not in table.index:
        raise DataError(f"No source with id '{source_id}' in data/core/sources.csv.")
    s = table.loc[source_id]
    author = s["author"] if pd.notna(s["author"]) else "Unsigned"
    date = s["date"] if pd.notna(s["date"]) else "n.d."
    return f"{author}, \u201c{s['title']}\u201d, {s['outlet']}, {date}, {s['url']}"


def excerpt(excerpt_id: str) -> Excerpt:
    """An excerpt by id, rendered as an attributed blockquote."""
    table = load("core/excerpts").set_index("id")
    if excerpt_id not in table.index:
        raise DataError(f"There is no excerpt with id '{excerpt_id}'.{did_you_mean(excerpt_id, list(table.index))}")
    row = table.loc[excerpt_id]
    src = sources().loc[row["source_id"]]
    author = f"{src['author']}, " if pd.notna(src["author"]) else ""
    citation = f"{author}{src['outlet']}, \u201c{src['title']}\u201d ({src['date'] if pd.notna(src['date']) else 'n.d.'})"
    speaker = row["speaker"] if pd.notna(row["speaker"]) and row["speaker"] not in citation else ""
    return Excerpt(excerpt_id, row["text"], speaker, citation, row["location"])


def excerpt_html(excerpt_id: str) -> str:
    """An excerpt as HTML, for use inside widgets."""
    ex = excerpt(excerpt_id)
    return f"<blockquote>{html.escape(ex.text)}<br><small>— {html.escape(ex.citation)}</small></blockquote>"
