"""Reading files learners send: regular files only, bounded in size, number and nesting, JSON read as data.

Named pipes, devices and links out of the folder are skipped; every file that cannot be used raises Skip
with the reason, which the report shows.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import safe

# Bounds on work done for untrusted input (each is named in the report when it applies).
MAX_BYTES = 1_000_000  # one export file
MAX_DEPTH = 20  # JSON nesting (an export needs 5)
MAX_FILES = 2_000  # export files read from one folder
MAX_ENTRIES = 20_000  # folder entries looked at
MAX_FOLDER_DEPTH = 8  # nested folders (an LMS download needs 2)

_TOKENS = re.compile(r'[\[\]{}"\\]')
_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a link that leads nowhere",
    stat.S_IFDIR: "a folder",
}


class Skip(Exception):
    """This file is not used; the message says why."""


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
    """Refuse NaN and Infinity, which JSON does not allow."""
    raise ValueError(f"'{name}' is not a number JSON allows")


def _int(text: str) -> int:
    """An integer of at most 30 digits (a longer one would take long to convert)."""
    if len(text.lstrip("-")) > 30:
        raise ValueError("a number with more than 30 digits")
    return int(text)


def _float(text: str) -> float:
    """A finite float (1e999 is refused)."""
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("a number too large to be finite")
    return number


def _decode(data: bytes) -> str:
    """The text of a file (UTF-16 with a byte-order mark, else UTF-8), or raise Skip."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise Skip("not UTF-8 text") from None


def parse_json(data: bytes) -> Any:
    """Decode and parse one untrusted JSON document, or raise Skip with a reason."""
    text = _decode(data)
    if _too_deep(text):
        raise Skip(f"nested deeper than {MAX_DEPTH} levels (an answers file needs 5)")
    try:
        doc = json.loads(text, parse_constant=_no_constant, parse_int=_int, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise Skip(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (ValueError, RecursionError) as exc:
        raise Skip(f"not valid JSON ({safe(exc, 80)})") from None
    try:  # a \ud800 escape makes a text no file or screen can hold
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise Skip("holds text that is not valid Unicode (a lone surrogate)") from None
    return doc


def _why(exc: OSError) -> str:
    """The reason an operating-system error gives, in words."""
    return exc.strerror or exc.__class__.__name__


def _check_regular(path: str, limit: int) -> None:
    """Raise Skip unless path is a regular file of at most limit bytes (links are not followed)."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise Skip(f"cannot be read ({_why(exc)})") from None
    if not stat.S_ISREG(info.st_mode):
        raise Skip(f"{_KINDS.get(stat.S_IFMT(info.st_mode), 'something else')}, not a regular file")
    if info.st_size > limit:
        raise Skip(f"larger than {limit // 1_000_000 or limit // 1000} {'MB' if limit >= 1_000_000 else 'KB'}")


def _read_open(fd: int, limit: int) -> bytes:
    """At most limit bytes from an open regular file; Skip if it is not one or holds more."""
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped after the check before opening
        raise Skip("not a regular file")
    chunks, total = [], 0
    while total <= limit:
        chunk = os.read(fd, min(1 << 16, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise Skip("larger than the size limit (it grew while being read)")
    return b"".join(chunks)


def read_regular(path: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most limit bytes; never opens a pipe or device, never blocks."""
    _check_regular(path, limit)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Skip(f"cannot be opened ({_why(exc)})") from None
    try:
        return _read_open(fd, limit)
    except OSError as exc:
        raise Skip(f"cannot be read ({_why(exc)})") from None
    finally:
        os.close(fd)


@dataclass
class Found:
    """Files found under a folder: candidates to read, files skipped, files ignored, notes."""

    files: list[tuple[str, str]] = field(default_factory=list)  # (shown name, real path)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ignored: int = 0
    notes: list[str] = field(default_factory=list)


def find_exports(folder: Path) -> Found:
    """Every *.json file under folder (nested folders too, as an LMS download makes them); bounded."""
    found = Found()
    root = os.path.realpath(folder)
    if not os.path.isdir(root):
        found.notes.append(f"{safe(folder)} is not a folder.")
        return found
    stack, seen = [(root, 0)], 0
    while stack:
        current, depth = stack.pop()
        for entry in _entries(current, root, MAX_ENTRIES - seen + 1, found):
            seen += 1
            if seen > MAX_ENTRIES or len(found.files) >= MAX_FILES:
                what = f"{MAX_ENTRIES} files and folders" if seen > MAX_ENTRIES else f"{MAX_FILES} answer files"
                found.notes.append(f"Stopped looking after {what}: the rest of the folder was not read.")
                return found
            _look_at(entry, root, depth, stack, found)
    return found


def _entries(current: str, root: str, limit: int, found: Found) -> list[os.DirEntry[str]]:
    """A folder's first limit entries, by name; none (the folder noted as skipped) if it cannot be read."""
    try:
        with os.scandir(current) as it:  # at most MAX_ENTRIES are looked at, however big the folder
            return sorted(itertools.islice(it, limit), key=lambda e: e.name)
    except OSError as exc:
        found.skipped.append((safe(os.path.relpath(current, root)), f"folder cannot be read ({_why(exc)})"))
        return []


def _look_at(entry: os.DirEntry[str], root: str, depth: int, stack: list[tuple[str, int]], found: Found) -> None:
    """Note one folder entry as a file to read, skipped, ignored, or a folder to look into (on stack)."""
    shown = safe(os.path.relpath(entry.path, root), 160)
    if entry.name == "__MACOSX" or entry.name.startswith("._"):
        found.ignored += 1  # macOS zip leftovers, not learners' files
        return
    try:
        if entry.is_symlink():
            _look_at_link(entry, root, shown, found)
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


def _look_at_link(entry: os.DirEntry[str], root: str, shown: str, found: Found) -> None:
    """A link is read only when it leads to a *.json file inside the folder; folders are not followed."""
    target = os.path.realpath(entry.path)
    if os.path.commonpath([root, target]) != root:
        found.skipped.append((shown, "a link to something outside the folder (not followed)"))
    elif os.path.isdir(target):
        found.skipped.append((shown, "a link to a folder (not followed)"))
    elif entry.name.lower().endswith(".json"):
        found.files.append((shown, target))
    else:
        found.ignored += 1
