"""The learner's saved answers: one JSON file, written atomically under a lock, never silently lost.

- `record()` saves one attempt or raises `NotSaved` (a CourseError) whose message says why, e.g.
  "Answers are graded but not saved, because the folder ... is read-only." Nothing else escapes it.
- `attempts()`, `latest()` and `learner_id()` never raise. A damaged file gives what could be read;
  it is copied aside once per distinct content (progress.damaged-<hash>.json, next to it) and the
  learner is told once per session (a ProgressWarning; the texts are also in `messages()`).
- Reading understands UTF-8 with or without a byte-order mark, UTF-16 and UTF-32; a truncated or
  partly overwritten file keeps every complete attempt record. Nesting, size and number lengths are
  capped, so no file can raise RecursionError, exhaust memory or hang (FIFOs and devices are not opened).
- Writes go to a temporary file in the same folder, then replace the old file in one step, so a crash
  never leaves half a file. A symlinked progress file is followed (the target is written); a
  read-only progress file is respected (not replaced; NotSaved says so); the mode of an existing file
  is kept. Temporary files left by a killed process are removed after STALE_SECONDS.
- Locking uses the `filelock` package (UnixFileLock / WindowsFileLock) with a timeout, so two
  notebooks saving at once never lose an answer. Where the platform has no file locks (Pyodide in
  JupyterLite: `import fcntl` raises ModuleNotFoundError; one kernel per page) there is no lock.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import errno
import hashlib
import json
import math
import os
import re
import secrets
import stat
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ._errors import CourseError
from .paths import progress_path
from .questions import CORRECT, INCORRECT, SAVED, short

FORMAT = "turneast-progress"
VERSION = 1
SAVED_STATUSES = (CORRECT, INCORRECT, SAVED)
MAX_BYTES = 16_000_000  # a progress file of 10,000 answers is ~2 MB
MAX_DEPTH = 12  # an attempt's response nests at most 2 levels (a dict of texts)
MAX_TEXT = 20_000  # longest text kept in a record (reflections are capped at 5,000)
MAX_ITEMS = 1_000  # longest list or dict kept in a record
LOCK_TIMEOUT = 10.0  # seconds to wait for another notebook that is saving
STALE_SECONDS = 300  # temporary files older than this are leftovers of a killed process
SALVAGE_SECONDS = 2.0  # time limit for recovering records from a damaged file (once per content)
TMP_PREFIX = ".progress-"
_LEARNER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_RECORD_START = re.compile(r'\{\s*"qid"\s*:')
_LEARNER_KEY = re.compile(r'"learner"\s*:\s*"([A-Za-z0-9_-]{1,64})"')

_said: set[tuple[str, ...]] = set()
_messages: list[str] = []
_session_ids: dict[str, str] = {}
_salvaged: dict[str, tuple[dict[str, Any], str]] = {}  # damaged content (by sha256) -> what was recovered


class ProgressWarning(UserWarning):
    """The progress file needed attention (it was backed up, nothing was deleted)."""


class _Refused(Exception):
    """A reason not to touch the progress file (becomes NotSaved with the caller's wording)."""


class NotSaved(CourseError, OSError):
    """An answer was graded but could not be saved; the message says why and what to do.

    Also an OSError, so code written for the old store (`except OSError`) keeps working.
    """


def messages() -> tuple[str, ...]:
    """Every message about the progress file shown in this session, oldest first (each once)."""
    return tuple(_messages)


def _say(key: tuple[str, ...], text: str) -> None:
    """Warn the learner once per session for each distinct problem."""
    if key in _said:
        return
    _said.add(key)
    _messages.append(text)
    # shown as "turneast progress:1: ProgressWarning: ..." with no source line from inside the package
    warnings.warn_explicit(text, ProgressWarning, filename="turneast progress", lineno=1)


def _because(reason: str) -> str:
    """The one sentence every failed save starts with."""
    return f"Answers are graded but not saved, because {reason}."


# ---------------------------------------------------------------- locking
@cache
def _lock_class() -> tuple[Any, str]:
    """The lock class for this platform and a description of it (None: no locking here)."""
    if sys.platform == "emscripten" or sys.platform == "wasi":
        return None, "none: this platform (Pyodide/WASI) has no file locks and runs one kernel per page"
    try:
        if os.name == "nt":
            from filelock import WindowsFileLock as lock_class
        else:
            import fcntl  # noqa: F401 - ModuleNotFoundError where the platform has no file locks

            from filelock import UnixFileLock as lock_class
    except ImportError as exc:
        if getattr(exc, "name", "") == "filelock":
            return None, "none: the filelock package is not installed (pip install filelock)"
        return None, f"none: this platform has no file locks ({exc})"
    return lock_class, f"filelock.{lock_class.__name__}"


def locking() -> str:
    """How the progress file is locked on this platform, in words."""
    return _lock_class()[1]


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def _lock(real: Path, timeout: float) -> contextlib.AbstractContextManager[Any]:
    """An exclusive lock on <progress file>.lock (nothing where the platform has no locks)."""
    lock_class, description = _lock_class()
    lock_path = real.with_name(real.name + ".lock")
    real.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        mode = os.lstat(lock_path).st_mode
        if not stat.S_ISREG(mode):
            raise _Refused(f"the lock file {lock_path} is {_kind(mode)}, not a file; remove it")
    if lock_class is None:
        if "not installed" in description:
            _say(
                ("nolock",),
                "The filelock package is missing, so two notebooks saving at the same moment "
                "could overwrite each other's answer. Install it with: pip install filelock",
            )
        return contextlib.nullcontext()
    return lock_class(str(lock_path), timeout=timeout)


# ---------------------------------------------------------------- reading
def _empty() -> dict[str, Any]:
    """A new, empty progress document."""
    return {"format": FORMAT, "version": VERSION, "attempts": []}


def _plain(value: Any, depth: int = 0) -> bool:
    """True for JSON data small and tame enough to keep: no NaN, no huge numbers, texts or nesting."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 10**18
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= MAX_TEXT and _encodable(value)
    if depth >= MAX_DEPTH:
        return False
    if isinstance(value, list):
        return len(value) <= MAX_ITEMS and all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= MAX_ITEMS and all(
            isinstance(k, str) and _plain(k) and _plain(v, depth + 1) for k, v in value.items()
        )
    return False


def _encodable(text: str) -> bool:
    """True when a text can be written as UTF-8 (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _valid_attempt(a: Any) -> bool:
    """True for a well-formed attempt record."""
    return (
        isinstance(a, dict)
        and isinstance(a.get("qid"), str)
        and 0 < len(a["qid"]) <= 200
        and isinstance(a.get("time"), str)
        and len(a["time"]) <= 64
        and a.get("status") in SAVED_STATUSES
        and isinstance(a.get("notebook", ""), str)
        and len(a.get("notebook", "")) <= 200
        and _plain(a)
    )


def _decodings(data: bytes) -> list[tuple[str, str]]:
    """The text of a progress file in the Unicode encodings it may be in, likeliest first, each with a note
    if bytes had to be replaced (a byte-order mark decides first; UTF-8 is always tried, since two bytes of
    damage at the start can look like a byte-order mark)."""
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    encoding = next((enc for bom, enc in boms if data.startswith(bom)), None)
    if encoding is None and len(data) >= 4 and data.count(0) >= len(data) // 3:
        encoding = "utf-16-le" if data[1] == 0 and data[0] != 0 else "utf-16-be" if data[0] == 0 else None
    found = []
    for candidate in dict.fromkeys([encoding or "utf-8", "utf-8"]):
        try:
            found.append((data.decode(candidate), ""))
        except UnicodeDecodeError:
            # keep every readable byte; records touched by the bad bytes fail _valid_attempt and are left out
            errors = "surrogateescape" if candidate.startswith("utf-8") else "replace"
            found.append((data.decode(candidate, errors), "contains bytes that are not text"))
    return found


def _salvage(text: str) -> tuple[list[dict[str, Any]], str | None, bool]:
    """The complete, valid attempt records found anywhere in damaged text, the learner id, and
    whether the search was cut short by its time limit."""
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    deadline = time.monotonic() + SALVAGE_SECONDS
    pos = 0
    while True:
        match = _RECORD_START.search(text, pos)
        if match is None:
            break
        if time.monotonic() > deadline:
            return found, _learner_in(text), True
        try:
            record, end = decoder.raw_decode(text, match.start())
        except (ValueError, RecursionError):
            pos = match.end()
            continue
        if _valid_attempt(record):
            key = json.dumps(record, sort_keys=True)
            if key not in seen:  # the same record twice (e.g. two copies of a file run together)
                seen.add(key)
                found.append(record)
            pos = end
        else:
            pos = match.end()
    return found, _learner_in(text), False


def _learner_in(text: str) -> str | None:
    """A learner id written in damaged text, if one can be seen."""
    match = _LEARNER_KEY.search(text)
    return match.group(1) if match else None


def _parse(data: bytes) -> tuple[dict[str, Any], str]:
    """The progress document in some bytes (every valid record that could be found) and what is
    wrong with them ('' if nothing): the first decoding that reads cleanly, else the one that recovers most."""
    best: tuple[dict[str, Any], str] | None = None
    for text, note in _decodings(data):
        doc, problem = _parse_text(text, note)
        if not problem:
            return doc, problem
        if best is None or len(doc["attempts"]) > len(best[0]["attempts"]):
            best = doc, problem
    assert best is not None  # there is always at least one decoding
    return best


def _parse_text(text: str, note: str) -> tuple[dict[str, Any], str]:
    """_parse for one decoding of the bytes."""
    if not text.strip().strip("\x00"):
        return _empty(), ("is empty apart from zero bytes" if "\x00" in text else "")
    unread = object()
    doc: Any = unread
    try:
        doc = json.loads(text)
        error = ""
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
        error = (
            "was cut short (it ends part-way through)"
            if cut
            else f"is damaged (not valid JSON at line {exc.lineno}: {exc.msg})"
        )
    except (ValueError, RecursionError) as exc:  # 5,000-digit numbers; nesting 1,000 deep
        error = (
            "is damaged (it is nested far too deep)"
            if isinstance(exc, RecursionError)
            else "is damaged (it holds a number thousands of digits long)"
        )
    if isinstance(doc, dict) and doc.get("format") == FORMAT and isinstance(doc.get("attempts"), list):
        good = [a for a in doc["attempts"] if _valid_attempt(a)]
        lost = len(doc["attempts"]) - len(good)
        extra = {k: v for k, v in doc.items() if isinstance(k, str) and k != "attempts" and _plain(v)}
        clean = {**extra, "attempts": good}
        if not (isinstance(clean.get("learner"), str) and _LEARNER.fullmatch(clean["learner"])):
            clean.pop("learner", None)
        problem = note or (f"had {lost} damaged record(s), which were left out" if lost else "")
        return clean, problem
    if doc is not unread:
        ours = isinstance(doc, dict) and doc.get("format") == FORMAT
        error = "is damaged ('attempts' is not a list)" if ours else "is not a course progress file"
    records, learner, stopped = _salvage(text)
    clean = _empty()
    clean["attempts"] = records
    if learner:
        clean["learner"] = learner
    if stopped:
        error += f" (recovering answers stopped after {SALVAGE_SECONDS:g} s)"
    return clean, error or note


def _parse_once(data: bytes) -> tuple[dict[str, Any], str]:
    """_parse, remembering what was recovered from damaged content so it is searched once per session."""
    key = hashlib.sha256(data).hexdigest() if len(data) > 4096 else ""
    if key in _salvaged:
        doc, damage = _salvaged[key]
    else:
        doc, damage = _parse(data)
        if damage and key:
            if len(_salvaged) >= 8:
                _salvaged.clear()
            _salvaged[key] = doc, damage
    return {**doc, "attempts": [dict(a) for a in doc["attempts"]]}, damage


@dataclass
class _Loaded:
    """What reading the progress file gave: the document, and why it must not be written (if so)."""

    doc: dict[str, Any] = field(default_factory=_empty)
    problem: str = ""  # a reason for NotSaved ('' when the file may be replaced)
    mode: int | None = None  # permission bits to keep when the file is replaced


def _resolve(path: Path | None) -> tuple[Path, Path]:
    """The progress path as configured (for messages) and the real file it leads to (symlinks followed)."""
    shown = Path(path) if path is not None else progress_path()
    return shown, Path(os.path.realpath(shown))


def _why(exc: OSError, real: Path) -> str:
    """A learner-facing reason for an operating-system error on the progress file or its folder."""
    folder, name = real.parent, exc.filename
    code = exc.errno
    if code == errno.EROFS:
        return f"the disk holding {folder} is read-only"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"the disk holding {folder} is full"
    if code in (errno.EACCES, errno.EPERM):
        if name and Path(name) == real:
            return f"you have no permission to read or write {real}"
        return f"the folder {folder} is read-only (no permission to write there)"
    if code == errno.EISDIR:
        return f"{name or real} is a folder, not a file"
    if code in (errno.ENOTDIR, errno.EEXIST):
        return f"part of the path {real} is a file, not a folder"
    if code == errno.ELOOP:
        return f"{real} is a symbolic link that leads back to itself"
    if code == errno.ENAMETOOLONG:
        return f"the path {short(str(real), 80)} is too long"
    return f"the system reported: {exc.strerror or exc.__class__.__name__} ({short(str(name or real), 120)})"


def _read_bytes(real: Path) -> bytes:
    """The bytes of a regular file, opened so that a FIFO swapped in at the last moment cannot block."""
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(real))
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _load(shown: Path, real: Path) -> _Loaded:
    """Read the progress file; back it up and salvage it if it is damaged. Never raises OSError."""
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return _Loaded()
    except OSError as exc:
        return _cannot_read(shown, _why(exc, real))
    if not stat.S_ISREG(info.st_mode):
        return _cannot_read(shown, f"{shown} is {_kind(info.st_mode)}, not a file")
    if info.st_size > MAX_BYTES:
        return _cannot_read(
            shown,
            f"{shown} is {info.st_size / 1e6:.0f} MB, far larger than a progress file can be; "
            "move it aside to start saving again",
        )
    try:
        data = _read_bytes(real)
    except OSError as exc:
        return _cannot_read(shown, _why(exc, real))
    if len(data) > MAX_BYTES:
        return _cannot_read(shown, f"{shown} grew past {MAX_BYTES // 1_000_000} MB while it was read")
    doc, damage = _parse_once(data)
    loaded = _Loaded(doc, "", stat.S_IMODE(info.st_mode))
    if damage:
        loaded.problem = _backup(shown, real, data, damage, len(doc["attempts"]))
    version = doc.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        loaded.problem = loaded.problem or (
            f"{shown} was written by a newer version of the course; update the "
            "course to save answers again (nothing was changed)"
        )
    if not loaded.problem and (not info.st_mode & stat.S_IWUSR or not os.access(real, os.W_OK)):
        loaded.problem = (
            f"your progress file {shown} is read-only, so it was left as it is; make it writable again to save answers"
        )
    return loaded


def _cannot_read(shown: Path, reason: str) -> _Loaded:
    """Tell the learner once that the file cannot be read; nothing will be written over it."""
    _say(
        ("unreadable", str(shown), reason),
        f"{_because(reason)} Your saved answers cannot be shown until this is fixed.",
    )
    return _Loaded(problem=reason)


def _backup(shown: Path, real: Path, data: bytes, damage: str, kept: int) -> str:
    """Keep one copy of damaged content next to the file; '' when it is safe to replace the file, else why not."""
    digest = hashlib.sha256(data).hexdigest()
    backup = real.with_name(f"{real.stem}.damaged-{digest[:12]}{real.suffix}")
    problem = ""
    try:
        if not _same_content(backup, digest, len(data)):
            _write_bytes(backup, data, stat.S_IMODE(os.stat(real).st_mode) | stat.S_IRUSR | stat.S_IWUSR)
        kept_as = f"A copy of it was kept as {backup}; nothing was deleted."
    except OSError as exc:
        problem = f"{shown} is damaged and a copy of it could not be kept ({_why(exc, real)}), so it was left as it is"
        kept_as = "A copy of it could not be kept, so it is left untouched and new answers are not saved."
    read = (
        f"The {kept} saved answer(s) that could be read are kept." if kept else "No saved answer could be read from it."
    )
    _say(("damaged", str(real), digest), f"Your progress file {shown} {damage}. {kept_as} {read}")
    return problem


def _same_content(path: Path, digest: str, size: int) -> bool:
    """True when path is a regular file holding exactly the bytes with this sha256."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) or os.stat(path).st_size != size:
            return False
        return hashlib.sha256(_read_bytes(path)).hexdigest() == digest
    except OSError:
        return False


# ---------------------------------------------------------------- writing
def _dumps(doc: dict[str, Any]) -> bytes:
    """The document as UTF-8 JSON (escaped ASCII if some text cannot be UTF-8); the learner id comes
    before the attempts, so that it survives if the end of the file is ever cut off."""
    head = ("format", "version", "learner")
    doc = {
        **{k: doc[k] for k in head if k in doc},
        **{k: v for k, v in doc.items() if k not in (*head, "attempts")},
        "attempts": doc["attempts"],
    }
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(doc, ensure_ascii=True, indent=1, allow_nan=False).encode("ascii")


def _write_bytes(target: Path, body: bytes, mode: int | None) -> None:
    """Write bytes to a temporary file beside target, check them, then replace target in one step."""
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            _fsync(fh.fileno())
        if os.stat(tmp).st_size != len(body):
            raise OSError(errno.EIO, "the file was not written completely", tmp)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename itself durable where possible
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _fsync(fd: int) -> None:
    """Flush a file to disk; a file system that cannot (EINVAL, ENOTSUP, ENOSYS) is not an error."""
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.ENOSYS):
            raise


def _clean_stale(folder: Path) -> None:
    """Remove temporary files that a killed process left behind (older than STALE_SECONDS)."""
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for n, entry in enumerate(entries):
            if n > 10_000:
                break
            if entry.name.startswith(TMP_PREFIX) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_SECONDS:
                        os.unlink(entry.path)


def _session_id(real: Path) -> str:
    """A learner id for this session, used until one is kept in the progress file."""
    return _session_ids.setdefault(str(real), secrets.token_hex(8))


def _update(shown: Path, real: Path, change: Any, timeout: float | None = None) -> Any:
    """Read, change and replace the progress file under the lock; any failure becomes NotSaved."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    try:
        with _lock(real, timeout):
            loaded = _load(shown, real)
            if loaded.problem:
                raise _Refused(loaded.problem)
            doc = loaded.doc
            doc.setdefault("learner", _session_id(real))
            result = change(doc)
            _clean_stale(real.parent)
            _write_bytes(real, _dumps(doc), loaded.mode)
            return result
    except Exception as exc:  # noqa: BLE001 - record() raises NotSaved only
        raise NotSaved(_because(_reason(exc, shown, real, timeout))) from None


def _reason(exc: Exception, shown: Path, real: Path, timeout: float) -> str:
    """Why the progress file could not be changed, in words, for any exception."""
    if isinstance(exc, _Refused):
        return str(exc)
    if type(exc).__name__ == "Timeout":  # filelock.Timeout (an OSError: TimeoutError)
        return f"another notebook has been saving to {shown} for more than {timeout:g} seconds; try again"
    if isinstance(exc, OSError):
        return _why(exc, real)
    return f"of an unexpected error ({type(exc).__name__})"


def record(qid: str, notebook: str, response: Any, status: str, path: Path | None = None) -> dict[str, Any]:
    """Append one attempt to the progress file and return it; raises NotSaved (only) if it could not be saved."""
    attempt = {
        "qid": qid,
        "notebook": notebook,
        "response": response,
        "status": status,
        "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    try:
        shown, real = _resolve(path)
        plain = _valid_attempt(attempt)
    except Exception as exc:  # noqa: BLE001 - a path or value that misbehaves: NotSaved, as for any failure
        raise NotSaved(_because(f"of an unexpected error ({type(exc).__name__})")) from None
    if not plain:
        raise NotSaved(
            _because(
                f"this attempt cannot be kept in a progress file (question id, status "
                f"'{short(status, 20)}' or answer {short(response, 60)} is not plain data)"
            )
        )
    return _update(shown, real, lambda doc: (doc["attempts"].append(attempt), attempt)[1])


def attempts(path: Path | None = None) -> list[dict[str, Any]]:
    """Every saved attempt, oldest first (what could be read, if the file is damaged). Never raises."""
    try:
        shown, real = _resolve(path)
        return list(_load(shown, real).doc["attempts"])
    except Exception as exc:  # noqa: BLE001 - reading progress must never break a notebook
        _say(
            ("read-error", type(exc).__name__),
            f"Your progress could not be read ({type(exc).__name__}). "
            f"{_because('the progress file could not be read')}",
        )
        return []


def latest(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The most recent attempt for each question id. Never raises."""
    return {a["qid"]: a for a in attempts(path)}


def learner_id(path: Path | None = None) -> str:
    """A stable, random id for this learner, kept in the progress file (written there on first use).

    If it cannot be kept (the file cannot be written), the id is stable for this session only.
    Never raises.
    """
    try:
        shown, real = _resolve(path)
        kept = _load(shown, real).doc.get("learner")
        if kept:
            return kept
        with contextlib.suppress(NotSaved):  # a short wait: te.ask() must not stall behind a stuck notebook
            return _update(shown, real, lambda doc: doc["learner"], timeout=2.0)
        return _session_id(real)
    except Exception:  # noqa: BLE001 - an id is always available
        return _session_ids.setdefault("", secrets.token_hex(8))


def reset(path: Path | None = None) -> Path | None:
    """Start afresh: the old file is kept as a dated backup (returned), the learner id is kept.

    Raises NotSaved when the file cannot be moved aside. Works on every platform, Pyodide included.
    """
    shown, real = _resolve(path)
    try:
        with _lock(real, LOCK_TIMEOUT):
            if not os.path.lexists(real):
                return None
            loaded = _load(shown, real)
            if not os.path.isfile(real):
                raise _Refused(loaded.problem or f"{shown} is not a file")
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            backup = real.with_name(f"{real.stem}.before-reset-{stamp}{real.suffix}")
            n = 1
            while os.path.lexists(backup):
                backup = real.with_name(f"{real.stem}.before-reset-{stamp}-{n}{real.suffix}")
                n += 1
            os.replace(real, backup)
            fresh = _empty()
            fresh["learner"] = loaded.doc.get("learner") or _session_id(real)
            with contextlib.suppress(OSError):
                _write_bytes(real, _dumps(fresh), loaded.mode)
            return backup
    except Exception as exc:  # noqa: BLE001 - reset() raises NotSaved only
        raise NotSaved(f"Could not start afresh, because {_reason(exc, shown, real, LOCK_TIMEOUT)}.") from None
