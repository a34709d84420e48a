"""Data layer: load a dataset as a validated DataFrame; chart captions, sources and excerpts.

Every dataset is a CSV described by a resource in its folder's datapackage.json (Frictionless Data
Package, checked here by hand and cross-checked against the `frictionless` package in the tests). The
checks are strict because a silently wrong number is worse than a stopped lesson: every problem raises
`DataError` with a message that names the file, the row and the column, and says how to restore the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import jsonfile
from ._errors import DataError, did_you_mean
from .paths import data_dir

Descriptor = dict[str, Any]  # a JSON object from datapackage.json, shape-checked by _check_package
Cell = str | int | float | bool | None
Row = dict[str, Cell]

TYPES = ("string", "integer", "number", "boolean", "date")
CONSTRAINTS = ("required", "unique", "enum", "minimum", "maximum", "pattern", "minLength", "maxLength")
MAX_CSV_BYTES = 20_000_000
_RESTORE = "If you changed it by accident, restore it with: git checkout -- {path}"
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_EXPONENT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_TRUE, _FALSE = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")  # Table Schema defaults
_INT64 = 2**63 - 1
# Table Schema field keys that change how a cell is read; the course reads every cell in the default form.
_READING_KEYS = ("format", "trueValues", "falseValues", "decimalChar", "groupChar", "bareNumber")


def _rel(path: Path) -> str:
    """A path relative to the course folder when possible, for messages."""
    try:
        return str(path.relative_to(data_dir().parent))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- descriptors
@dataclass(frozen=True, eq=False)
class Resource:
    """One dataset: `name` is 'package/resource' (what te.load accepts), `folder` its data folder,
    `descriptor` its entry in datapackage.json (already checked for shape)."""

    name: str
    folder: Path
    descriptor: Descriptor

    @property
    def path(self) -> Path:
        return self.folder / self.descriptor["path"]

    @property
    def tabular(self) -> bool:
        """True for a CSV table (te.load reads it); False for e.g. a GeoJSON map, which is only cited."""
        return _is_tabular(self.descriptor)

    @property
    def fields(self) -> list[Descriptor]:
        return self.descriptor["schema"]["fields"] if "schema" in self.descriptor else []

    @property
    def sources(self) -> list[Descriptor]:
        return self.descriptor.get("sources", [])

    @property
    def primary_key(self) -> list[str]:
        key = self.descriptor.get("schema", {}).get("primaryKey", [])
        return [key] if isinstance(key, str) else list(key)

    def __repr__(self) -> str:
        return f"Resource({self.name!r}, {_rel(self.path)!r})"


def _is_tabular(res: Descriptor) -> bool:
    """A resource is a table when its format (or its file's extension) is CSV."""
    fmt = res.get("format") or Path(str(res.get("path", ""))).suffix.lstrip(".")
    return str(fmt).lower() == "csv"


def _typed(value: object, kind: str) -> Cell:
    """A constraint value from datapackage.json in the field's type (strings are read as a cell would be)."""
    if isinstance(value, str):
        return _parse(value, kind)
    if kind in ("integer", "number") and isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or (kind == "integer" and value != int(value)):
            raise ValueError(f"{value!r} is not a {'whole' if kind == 'integer' else 'finite'} number")
        return float(value) if kind == "number" else int(value)
    if kind == "boolean" and isinstance(value, bool):
        return value
    raise ValueError(f"{value!r} is not a value of type {kind}")


def _named(
    items: list[object], what: str, fail: Callable[[str, str], DataError], pattern: re.Pattern[str] | None = None
) -> Iterator[tuple[str, Descriptor, str]]:
    """Each item as (where, object, name), once it is checked to be an object with a valid, unique name."""
    seen: dict[str, int] = {}
    for number, item in enumerate(items, 1):
        at = f", {what} {number}"
        if not isinstance(item, dict):
            raise fail(at, f"each {what} must be an object ({{...}}), but this one is {jsonfile.kind(item)}")
        name = item.get("name")
        if name is None or (pattern is None and (not isinstance(name, str) or not name)):
            raise fail(at, f"the {what} has no 'name'")
        if pattern is not None and not (isinstance(name, str) and pattern.fullmatch(name)):
            raise fail(at, f"the name {name!r} must be lower-case letters, digits, '.', '_' or '-'")
        at = f", {what} {number} ('{name}')"
        if name in seen:
            raise fail(at, f"the name '{name}' is used twice ({what}s {seen[name]} and {number})")
        seen[name] = number
        yield at, item, name


def _check_schema(schema: object, fail: Callable[[str, str], DataError]) -> None:
    """Raise fail(where, problem) at the first shape problem of a Table Schema."""
    if not isinstance(schema, dict):
        raise fail("", f"'schema' must be an object ({{...}}), but it is {jsonfile.kind(schema)}")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        raise fail("", "'schema' needs 'fields', a non-empty list ([...]) of columns")
    seen: list[str] = []
    for at, field, name in _named(fields, "field", fail):
        seen.append(name)
        kind = field.get("type", "string")
        if kind not in TYPES:
            raise fail(at, f"type {kind!r} is not one the course reads ({', '.join(TYPES)})")
        changes_reading = [k for k in _READING_KEYS if k in field and field[k] != "default"]
        if changes_reading:
            raise fail(
                at,
                f"{changes_reading} would change how cells are read: the course's reader does not "
                "support it (write the cells in the default form)",
            )
        cons = field.get("constraints", {})
        if not isinstance(cons, dict):
            raise fail(at, f"'constraints' must be an object ({{...}}), but it is {jsonfile.kind(cons)}")
        unknown = sorted(set(cons) - set(CONSTRAINTS))
        if unknown:
            raise fail(at, f"constraint {unknown} is not supported (the course checks {', '.join(CONSTRAINTS)})")
        for key in ("required", "unique"):
            if key in cons and not isinstance(cons[key], bool):
                raise fail(at, f"'{key}' must be true or false, not {cons[key]!r}")
        if "enum" in cons and (not isinstance(cons["enum"], list) or not cons["enum"]):
            raise fail(at, "'enum' must be a non-empty list of the allowed values")
        for key in ("minimum", "maximum"):
            if key in cons and kind not in ("integer", "number", "date"):
                raise fail(at, f"'{key}' applies only to integer, number and date fields, not {kind}")
        for key in ("minimum", "maximum", "enum"):
            for value in (cons[key] if key == "enum" else [cons[key]]) if key in cons else []:
                try:
                    _typed(value, kind)
                except ValueError as exc:
                    raise fail(at, f"'{key}': {exc}") from None
        for key in ("minLength", "maxLength"):
            if key in cons and (
                kind != "string" or not isinstance(cons[key], int) or isinstance(cons[key], bool) or cons[key] < 0
            ):
                raise fail(at, f"'{key}' must be a whole number of characters, on a string field")
        if "pattern" in cons:
            try:
                re.compile(str(cons["pattern"]))
            except re.error as exc:
                raise fail(at, f"'pattern' is not a valid regular expression ({exc})") from None
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not all(isinstance(k, str) and k in seen for k in key):
        raise fail("", f"'primaryKey' must name fields of the schema ({', '.join(seen)}), but it is {key!r}")
    if "foreignKeys" in schema:
        raise fail("", "'foreignKeys' are not supported by the course's reader")
    if schema.get("missingValues", [""]) != [""]:
        raise fail("", "'missingValues' is not supported: the course writes a missing value as an empty cell")


def _check_package(doc: Descriptor, file: str) -> None:
    """Raise DataError at the first shape problem of a datapackage.json, naming the resource and field."""

    def fail(where: str, problem: str) -> DataError:
        return DataError(f"{file}{where}: {problem}. " + _RESTORE.format(path=file))

    if "resources" not in doc:
        raise fail("", "there is no 'resources' list")
    resources = doc["resources"]
    if not isinstance(resources, list):
        raise fail("", f"'resources' must be a list ([...]) of resources, but it is {jsonfile.kind(resources)}")
    for at, res, _name in _named(resources, "resource", fail, pattern=_NAME):
        path = res.get("path")
        if not isinstance(path, str) or not path:
            raise fail(at, "the resource has no 'path' (the CSV file's name)")
        if Path(path).is_absolute() or "\\" in path or ".." in Path(path).parts or ":" in path:
            raise fail(at, f"the path '{path}' must be a file name inside {Path(file).parent}")
        encoding = str(res.get("encoding", "utf-8")).lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8", "utf-8-sig") or "dialect" in res:
            raise fail(
                at,
                "the course reads CSV files as UTF-8 with commas and double quotes: remove 'encoding' or 'dialect'",
            )
        sources = res.get("sources", [])
        if not isinstance(sources, list):
            raise fail(at, f"'sources' must be a list ([...]), but it is {jsonfile.kind(sources)}")
        for count, src in enumerate(sources, 1):
            if not isinstance(src, dict) or not isinstance(src.get("id"), str) or not src["id"]:
                raise fail(f"{at}, source {count}", "each source must be an object with an 'id'")
            for key in ("publisher", "publisher_en"):
                if key in src and not isinstance(src[key], str):
                    raise fail(f"{at}, source {count} ('{src['id']}')", f"'{key}' must be text")
        if "schema" in res:
            _check_schema(res["schema"], lambda where, problem, at=at: fail(at + where, problem))
        elif _is_tabular(res):
            raise fail(at, "the resource has no 'schema' (the list of its columns)")


@cache
def _read_package(path: str, mtime_ns: int, size: int) -> Descriptor:  # noqa: ARG001 - mtime_ns, size: the cache key
    where = _rel(Path(path))
    doc = jsonfile.read(path, label=where, error=DataError, restore=_RESTORE.format(path=where), expect=dict)
    _check_package(doc, where)
    return doc


def _package(folder: str) -> Descriptor:
    """The checked datapackage.json of one data folder (re-read when the file changes)."""
    path = Path(folder) / "datapackage.json"
    try:
        info = path.stat()
        version = (info.st_mtime_ns, info.st_size)
    except OSError:
        version = (0, 0)  # jsonfile.read says what is wrong
    return _read_package(str(path), *version)


_package.cache_clear = _read_package.cache_clear  # type: ignore[attr-defined]


def packages() -> dict[str, Path]:
    """Every data folder that holds a datapackage.json or CSV files, by name."""
    root = data_dir()
    if not root.is_dir():
        return {}
    return {
        p.name: p
        for p in sorted(root.iterdir())
        if p.is_dir() and not p.name.startswith(".") and ((p / "datapackage.json").exists() or any(p.glob("*.csv")))
    }


def _catalogue() -> tuple[dict[str, Resource], dict[str, DataError]]:
    """Every readable resource keyed 'package/name', and the error of each package that cannot be read."""
    found: dict[str, Resource] = {}
    broken: dict[str, DataError] = {}
    for package, folder in packages().items():
        try:
            doc = _package(str(folder))
        except DataError as exc:
            broken[package] = exc
            continue
        for res in doc["resources"]:
            key = f"{package}/{res['name']}"
            found[key] = Resource(key, folder, res)
    return found, broken


def resources() -> dict[str, Resource]:
    """Every resource of every readable package, keyed 'package/name'."""
    return _catalogue()[0]


def problems() -> dict[str, str]:
    """The message for each data folder whose datapackage.json cannot be read (empty when all is well)."""
    return {package: str(exc) for package, exc in _catalogue()[1].items()}


def find(name: str) -> Resource:
    """The resource named 'package/name', or a unique 'name'."""
    if not isinstance(name, str):
        raise DataError(f"A dataset name is text such as 'china/china_russia_trade', not {type(name).__name__}.")
    table, broken = _catalogue()
    if name in table:
        return table[name]
    matches = [key for key in table if key.split("/", 1)[1] == name]
    if len(matches) == 1:
        return table[matches[0]]
    if len(matches) > 1:
        raise DataError(f"There are several datasets called '{name}': say which one ({', '.join(matches)}).")
    package = name.split("/", 1)[0] if "/" in name else None
    for folder_name, exc in broken.items():
        stem = name.split("/", 1)[-1]
        if folder_name == package or (package is None and (packages()[folder_name] / f"{stem}.csv").exists()):
            raise DataError(str(exc))
    note = "".join(f" (The folder data/{p} could not be read: {exc})" for p, exc in broken.items())
    raise DataError(
        f"No dataset called '{name}'.{did_you_mean(name, list(table))} "
        f"Known datasets: {', '.join(sorted(table))}.{note}"
    )


# ---------------------------------------------------------------- reading and checking a CSV
def _parse(text: str, kind: str) -> Cell:
    """Convert one CSV cell to the field's type, or raise ValueError with the reason."""
    if kind == "string":
        return text
    value = text.strip()
    if kind == "integer":
        if not _INTEGER.fullmatch(value):
            raise ValueError(f"'{text}' is not a whole number" + _number_hint(value, kind))
        if len(value.lstrip("+-")) > 19 or abs(int(value)) > _INT64:
            raise ValueError(f"'{text[:30]}' is too large for a whole number")
        return int(value)
    if kind == "number":
        if not _NUMBER.fullmatch(value):
            raise ValueError(f"'{text}' is not a number" + _number_hint(value, kind))
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"'{text[:30]}' is too large for a number")
        return number
    if kind == "boolean":
        if value not in _TRUE + _FALSE:
            raise ValueError(f"'{text}' is not true or false")
        return value in _TRUE
    if kind == "date":
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(f"'{text}' is not a date written YYYY-MM-DD")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{text}' is not a real date") from None
        return value
    raise ValueError(f"type {kind!r} is not one the course reads")  # pragma: no cover - _check_schema refuses it


def _number_hint(value: str, kind: str) -> str:
    """Why a written number was refused, when a common mistake explains it."""
    if value.lower() in _NOT_FINITE:
        return ": leave the cell empty for a missing value" if "nan" in value.lower() else ": it is not finite"
    if _EXPONENT.fullmatch(value):
        return ": write it out in plain decimals, without an exponent"
    if "_" in value or "," in value or " " in value:
        point = ", with a point for decimals" if kind == "number" else ""
        return f": write digits only{point} (no underscores, commas or spaces)"
    return ""


def _check_value(value: Cell, text: str, field: Descriptor) -> str | None:
    """The reason a parsed value breaks a field constraint, or None."""
    cons, kind = field.get("constraints", {}), field.get("type", "string")
    if "enum" in cons and value not in [_typed(v, kind) for v in cons["enum"]]:
        return f"'{text}' is not one of the allowed values {cons['enum']}"
    if "minimum" in cons and value < _typed(cons["minimum"], kind):  # type: ignore[operator]
        return f"{text} is below the minimum {cons['minimum']}"
    if "maximum" in cons and value > _typed(cons["maximum"], kind):  # type: ignore[operator]
        return f"{text} is above the maximum {cons['maximum']}"
    if "pattern" in cons and not re.fullmatch(str(cons["pattern"]), text):
        return f"'{text}' does not match the pattern {cons['pattern']}"
    if "minLength" in cons and len(text) < cons["minLength"]:
        return f"'{text}' is shorter than {cons['minLength']} characters"
    if "maxLength" in cons and len(text) > cons["maxLength"]:
        return f"'{text[:40]}' is longer than {cons['maxLength']} characters"
    return None


def _read_csv(path: Path, where: str) -> list[list[str]]:
    """The records of a CSV file (header first), or DataError saying why it cannot be read."""
    restore = " " + _RESTORE.format(path=where)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DataError(f"Data file {where} is missing." + restore) from None
    except OSError as exc:
        raise DataError(f"Data file {where} cannot be read ({exc.strerror or exc})." + restore) from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"Data file {where} is a folder, not a file." + restore)
    if not stat.S_ISREG(info.st_mode):
        raise DataError(
            f"Data file {where} is not a regular file (a device, pipe or socket), so it was not read." + restore
        )
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise DataError(f"Data file {where} cannot be read ({exc.strerror or exc})." + restore) from None
    if len(raw) > MAX_CSV_BYTES:
        raise DataError(
            f"Data file {where} is larger than {MAX_CSV_BYTES // 1_000_000} MB, so it was not read." + restore
        )
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (as Excel writes) is read correctly
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"Data file {where} cannot be read as UTF-8 CSV (line {line} is not UTF-8 text: was it "
            "saved in another encoding?)." + restore
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError(f"Data file {where}, line {line}: contains a NUL character (is the file damaged?)." + restore)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as exc:
        reason = 'a quote (") is opened and never closed' if "end of data" in str(exc) else str(exc)
        raise DataError(
            f"Data file {where} cannot be read as UTF-8 CSV: row {len(records) + 1}: {reason}." + restore
        ) from None
    return records


def _check_header(header: list[str], names: list[str], where: str, restore: str) -> None:
    """Raise DataError if the header row does not list the schema's fields, once each, in order."""
    for col in header:
        if header.count(col) > 1:
            places = " and ".join(str(i + 1) for i, h in enumerate(header) if h == col)
            raise DataError(
                f"{where}, row 1: the column '{col}' appears more than once in the header "
                f"(columns {places}). " + restore
            )
    missing = [n for n in names if n not in header]
    extra = [h for h in header if h not in names]
    if missing or extra:
        separator = next(
            (
                f" Is the file separated by '{c}' instead of commas?"
                for c in ";\t|"
                if len(header) == 1 and c in header[0]
            ),
            "",
        )
        raise DataError(
            f"{where}: the columns do not match the datapackage.json schema "
            f"(missing: {missing or 'none'}; unexpected: {extra or 'none'}).{separator} " + restore
        )
    if header != names:
        raise DataError(
            f"{where}, row 1: the columns are in a different order from the datapackage.json schema "
            f"(expected: {', '.join(names)}). " + restore
        )


def _table(name: str) -> Resource:
    """The resource, if it is a table."""
    res = find(name)
    if not res.tabular:
        raise DataError(f"'{res.name}' is not a table (it is {_rel(res.path)}), so it cannot be loaded as a DataFrame.")
    return res


def validate(name: str) -> list[Row]:
    """Read and check a resource's CSV against its schema; return the rows as dicts or raise DataError."""
    res = _table(name)
    where = _rel(res.path)
    restore = _RESTORE.format(path=where)
    records = _read_csv(res.path, where)
    fields = res.fields
    names = [f["name"] for f in fields]
    if not records:
        raise DataError(
            f"Data file {where} is empty: its first line must be the header ({','.join(names)}). " + restore
        )
    _check_header(records[0], names, where, restore)
    if len(records) == 1:
        raise DataError(f"Data file {where} has a header but no rows of data. " + restore)
    source_ids = {s["id"] for s in res.sources}
    key_fields = res.primary_key
    seen: dict[str, set[Cell]] = {f["name"]: set() for f in fields if f.get("constraints", {}).get("unique")}
    keys: dict[tuple[Cell, ...], int] = {}
    rows: list[Row] = []
    for line, record in enumerate(records[1:], start=2):
        if not any(record):
            raise DataError(f"{where}, row {line}: the row is blank (delete the empty line). " + restore)
        if len(record) != len(names):
            hint = "is there an unquoted comma in a value?" if len(record) > len(names) else "is a comma missing?"
            raise DataError(
                f"{where}, row {line}: the row has {len(record)} cells but the header has {len(names)} "
                f"columns ({hint}). " + restore
            )
        row: Row = {}
        for field, text in zip(fields, record, strict=True):
            col, kind = field["name"], field.get("type", "string")
            value: Cell = None
            problem = None
            if text == "":
                if col in key_fields:
                    problem = "the value is required (it is part of the primary key) but the cell is empty"
                elif field.get("constraints", {}).get("required"):
                    problem = "the value is required but the cell is empty"
            else:
                try:
                    value = _parse(text, kind)
                    problem = _check_value(value, text, field)
                except ValueError as exc:
                    problem = str(exc)
            if problem is None and col in seen and value is not None:
                problem = f"'{text}' appears twice but must be unique" if value in seen[col] else None
                seen[col].add(value)
            if problem is None and col == "source" and value is not None and value not in source_ids:
                problem = (
                    f"source '{value}' is not listed in the resource's sources in datapackage.json"
                    + did_you_mean(str(value), sorted(source_ids))
                )
            if problem:
                raise DataError(f"{where}, row {line}, column '{col}': {problem}. " + restore)
            row[col] = value
        if key_fields:
            key = tuple(row[k] for k in key_fields)
            if key in keys:
                raise DataError(
                    f"{where}, row {line}: the key {dict(zip(key_fields, key, strict=True))} appears twice "
                    f"(rows {keys[key]} and {line}). " + restore
                )
            keys[key] = line
        rows.append(row)
    return rows


# ---------------------------------------------------------------- loading
_DTYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}


def load(name: str) -> pd.DataFrame:
    """Load a dataset ('package/name' or 'name') as a validated DataFrame.

    Columns take pandas' nullable types (Int64, Float64, boolean, string), so a missing value shows as <NA>
    in every column; dates are datetime64 (missing: NaT).
    """
    res = _table(name)
    rows = validate(name)
    fields = res.fields
    frame = pd.DataFrame(rows, columns=[f["name"] for f in fields])
    for field in fields:
        col, kind = field["name"], field.get("type", "string")
        if kind == "date":
            frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d")
        else:
            frame[col] = frame[col].astype(_DTYPES[kind])
    frame.attrs["title"] = res.descriptor.get("title", res.name)
    frame.attrs["sources"] = res.sources
    return frame


def describe(name: str) -> pd.DataFrame:
    """A table of a dataset's fields: type, unit and description."""
    res = _table(name)
    return pd.DataFrame(
        [
            {
                "field": f["name"],
                "type": f.get("type", "string"),
                "unit": f.get("unit", ""),
                "description": f.get("description", ""),
            }
            for f in res.fields
        ]
    ).set_index("field")


# ---------------------------------------------------------------- chart captions
CAPTION_NAMED = 3  # publishers named before "and N others"
CAPTION_LIMIT = 190  # characters: two lines of 8-point text under an 8-inch chart (a test measures it)
_SHORT = 48  # characters: a longer short name is cut at its first comma
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_CLAUSE = re.compile(
    r"(?:[,;]\s*|\s+)(?:citing|quoting|reporting|reprinting|republishing|summarising|analysing"
    r"|comment by)\b.*$"
)


@cache
def _glyphs(font: str) -> frozenset[int]:
    """The characters a font file can draw."""
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(font).get_charmap())


def drawable(text: str) -> bool:
    """True if matplotlib's default font can draw every character of text (no empty boxes in a chart)."""
    import matplotlib
    from matplotlib import font_manager

    try:
        font = font_manager.findfont(font_manager.FontProperties(), fallback_to_default=True)
    except (ValueError, RuntimeError):  # pragma: no cover - a broken font setup
        font = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    glyphs = _glyphs(font)
    return all(ord(char) in glyphs for char in text if not char.isspace())


def short_publisher(text: str) -> str:
    """A publisher's name without parenthesised asides, 'citing ...' clauses and (if still long) what follows
    the first comma: 'Sputnik (citing China customs)' -> 'Sputnik'."""
    short = text
    while (shorter := _PARENTHESIS.sub("", short)) != short:
        short = shorter
    short = _CLAUSE.sub("", short.split(";")[0])
    short = re.sub(r"\s+", " ", short).strip(" ,;")
    if len(short) > _SHORT and "," in short:
        short = short.split(",")[0].strip()
    return short or text.strip()


def _caption_name(src: Descriptor) -> str | None:
    """A source's publisher as a caption names it (a Latin `publisher_en` first), or None if undrawable."""
    for key in ("publisher_en", "publisher"):
        name = short_publisher(src.get(key, ""))
        if name and drawable(name):
            return name.replace("$", r"\$")  # a '$' pair would switch matplotlib to mathtext
    return None


def _row_sources(rows: object) -> Counter[str]:
    """How many of the rows cite each source id."""
    if isinstance(rows, pd.DataFrame):
        if "source" not in rows.columns:
            raise DataError(
                "rows has no 'source' column: pass the rows the chart shows as te.load gave them "
                "(keep the 'source' column)."
            )
        column = rows["source"]
        if isinstance(column, pd.DataFrame):
            column = column.iloc[:, 0]
    elif isinstance(rows, pd.Series):
        column = rows
    else:
        raise DataError(
            f"rows must be a DataFrame with a 'source' column (the rows the chart shows), not {type(rows).__name__}."
        )
    ids = Counter(str(v) for v in column.dropna().tolist())
    if not ids:
        raise DataError("rows names no source (it is empty, or its 'source' column is), so there is nothing to cite.")
    return ids


def source_line(*datasets: str, rows: pd.DataFrame | pd.Series | None = None) -> str:
    """The caption for a chart: 'Source: A; B; C and N others (dataset package/name)'.

    Built only from the datapackage(s): publishers are named once each, those cited by the most rows
    first (with `rows`, a DataFrame holding a `source` column, only the sources of those rows); at most
    three are named, then "and N others", and the dataset name(s) at the end point to the full list. The
    line fits in two lines under an 8-inch chart; names the chart font cannot draw are counted, not named.
    """
    if not datasets:
        raise DataError(
            "te.source_line needs at least one dataset name, e.g. te.source_line('china/china_russia_trade')."
        )
    chosen = list({res.name: res for res in (find(name) for name in datasets)}.values())
    label = ("dataset " if len(chosen) == 1 else "datasets ") + ", ".join(res.name for res in chosen)
    entries = [src for res in chosen for src in res.sources]
    if rows is not None:
        counts = _row_sources(rows)
        unknown = sorted(set(counts) - {src["id"] for src in entries})
        if unknown:
            raise DataError(
                f"rows cite sources that are not in {label}: {', '.join(unknown[:5])}"
                f"{' ...' if len(unknown) > 5 else ''}. Name every dataset the rows come from, "
                "e.g. te.source_line('package/a', 'package/b', rows=frame)."
            )
        entries = [src for src in entries if src["id"] in counts]
    else:
        counts = Counter(
            str(row["source"])
            for res in chosen
            if any(f["name"] == "source" for f in res.fields)
            for row in validate(res.name)
            if row["source"] is not None
        )
    weights: dict[str, int] = {}
    cited: dict[str, set[str]] = {}
    order: list[tuple[str | None, str]] = []  # (caption name or None, grouping key), in datapackage order
    for src in entries:
        name = _caption_name(src)
        group = name if name is not None else "\0" + src.get("publisher", src["id"])
        if group not in weights:
            weights[group], cited[group] = 0, set()
            order.append((name, group))
        if src["id"] not in cited[group]:  # the same source listed by two datasets counts once
            cited[group].add(src["id"])
            weights[group] += counts.get(src["id"], 0)
    ranked = [name for name, group in sorted(order, key=lambda item: -weights[item[1]]) if name is not None]
    line = ""
    for named in range(CAPTION_NAMED, -1, -1):
        shown = ranked[:named]
        others = len(order) - len(shown)
        text = "; ".join(shown)
        if others:
            plural = "s" if others != 1 else ""
            text = f"{text} and {others} other{plural}" if text else f"{others} publisher{plural}"
        line = f"Source: {text} ({label})"
        if len(line) <= CAPTION_LIMIT:
            break
    return line


# ---------------------------------------------------------------- course texts and excerpts
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


def excerpt(excerpt_id: str) -> Excerpt:
    """An excerpt by id, rendered as an attributed blockquote."""
    if not isinstance(excerpt_id, str):
        raise DataError(f"An excerpt id is text such as 'lukin-peak', not {type(excerpt_id).__name__}.")
    table = load("core/excerpts").set_index("id")
    if excerpt_id not in table.index:
        raise DataError(f"There is no excerpt with id '{excerpt_id}'.{did_you_mean(excerpt_id, list(table.index))}")
    row = table.loc[excerpt_id]
    src = sources().loc[row["source_id"]]
    author = f"{src['author']}, " if pd.notna(src["author"]) else ""
    date = src["date"] if pd.notna(src["date"]) else "n.d."
    title = str(src["title"]).replace("\u201c", "\u2018").replace("\u201d", "\u2019")  # quotes inside quotes
    citation = f"{author}{src['outlet']}, \u201c{title}\u201d ({date})"
    speaker = row["speaker"] if pd.notna(row["speaker"]) and row["speaker"] not in citation else ""
    return Excerpt(excerpt_id, row["text"], speaker, citation, row["location"])
