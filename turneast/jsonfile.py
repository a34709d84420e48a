"""Read the course's JSON files (datapackages, question banks, maps), with a clear message if damaged.

One reader for every JSON file the package opens: only regular files are read (a folder, a FIFO or a device
is refused without touching it, so nothing can hang), the size and the nesting depth are capped (a 2 KB file
nested 1,000 deep cannot raise RecursionError), and every problem becomes one `CourseError` (or the subclass
the caller names) whose message says which file, what is wrong and how to restore it.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Union

from ._errors import CourseError

JSON = Union[dict[str, "JSON"], list["JSON"], str, int, float, bool, None]  # noqa: UP007 - recursive alias

MAX_BYTES = 20_000_000  # far above any course file (the largest map is ~100 KB)
MAX_DEPTH = 64  # course files nest at most ~8 levels

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_KINDS = {
    dict: "an object ({...})",
    list: "a list ([...])",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


def kind(value: object) -> str:
    """How a JSON value is written, for messages: 'an object ({...})', 'a list ([...])', ..."""
    return _KINDS.get(type(value), type(value).__name__)


def depth(text: str) -> int:
    """The deepest nesting of [ and { in JSON text (brackets inside strings do not count)."""
    deepest = level = 0
    for char in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        level += 1 if char in "[{" else -1
        deepest = max(deepest, level)
    return deepest


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in JSON")


def read(
    path: Path | str,
    *,
    label: str | None = None,
    error: type[CourseError] = CourseError,
    restore: str = "",
    expect: type | None = None,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> JSON:
    """The parsed content of a JSON file, or `error` with a message naming the file and the problem.

    label: how messages name the file (default: the path); restore: a sentence added to every message
    (e.g. "Restore it with: git checkout -- data/core/datapackage.json"); expect: dict or list, if the top
    level must be an object or a list. A UTF-8 byte-order mark is accepted; NaN and Infinity are refused.
    """
    path = Path(path)
    name = label or str(path)
    tail = f" {restore}" if restore else ""

    def fail(problem: str) -> CourseError:
        return error(f"{name} {problem}.{tail}")

    try:
        info = os.stat(path)  # follows symlinks: a link to /dev/zero is seen as the device it points to
    except FileNotFoundError:
        raise fail("is missing") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise fail("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise fail("is not a regular file (a device, pipe or socket), so it was not read")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise fail(f"is larger than {max_bytes // 1_000_000} MB, far larger than any course file, so it was not read")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(f"is not UTF-8 text (line {line})") from None
    if depth(text) > max_depth:
        raise fail(f"is nested more than {max_depth} levels deep, so it was not read")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise fail(f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise fail(f"is nested more than {max_depth} levels deep, so it was not read") from None
    except ValueError as exc:  # NaN/Infinity, or an integer of thousands of digits
        reason = str(exc) if "not allowed" in str(exc) else "a number in it is thousands of digits long"
        raise fail(f"is not valid JSON ({reason})") from None
    if expect is not None and not isinstance(value, expect):
        raise fail(f"must hold {kind(expect())} at the top level, but it holds {kind(value)}")
    return value
