"""The learner's saved answers: one JSON file, written atomically under a lock, never silently lost."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any, Iterator

from .paths import progress_path

FORMAT = "turneast-progress"
VERSION = 1


class ProgressWarning(UserWarning):
    """The progress file needed attention (it was backed up, nothing was deleted)."""


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on path + '.lock' while reading and writing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as fh:
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            import msvcrt
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _empty() -> dict[str, Any]:
    """A new, empty progress document."""
    return {"format": FORMAT, "version": VERSION, "attempts": []}


def _valid_attempt(a: Any) -> bool:
    """True for a well-formed attempt record."""
    return (isinstance(a, dict) and isinstance(a.get("qid"), str) and isinstance(a.get("time"), str)
            and a.get("status") in ("correct", "incorrect", "saved") and isinstance(a.get("notebook", ""), str))


def _backup(path: Path, reason: str) -> Path:
    """Copy an unreadable progress file aside and warn the learner where it is."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    n = 1
    while backup.exists():
        backup = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{path.suffix}")
        n += 1
    shutil.copy2(path, backup)
    warnings.warn(f"Your progress file {path} {reason}. A copy was kept as {backup}; nothing was deleted. "
                  "Answers that could be read are kept; new answers are saved as usual.", ProgressWarning, stacklevel=3)
    return backup


def _read(path: Path) -> dict[str, Any]:
    """Read the progress file; back up and salvage it if it is damaged."""
    if not path.exists():
        return _empty()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        _backup(path, f"could not be read ({exc.__class__.__name__})")
        return _empty()
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("attempts"), list):
        _backup(path, "is not a course progress file")
        return _empty()
    good = [a for a in doc["attempts"] if _valid_attempt(a)]
    if len(good) != len(doc["attempts"]):
        _backup(path, f"had {len(doc['attempts']) - len(good)} damaged record(s), which were left out")
        doc["attempts"] = good
    return doc


def _write(path: Path, doc: dict[str, Any]) -> None:
    """Write atomically: a temporary file in the same folder, then rename over the old one."""
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def record(qid: str, notebook: str, response: Any, status: str, path: Path | None = None) -> None:
    """Append one attempt to the progress file (read, merge and replace under a lock)."""
    path = path or progress_path()
    attempt = {"qid": qid, "notebook": notebook, "response": response, "status": status,
               "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    with _locked(path):
        doc = _read(path)
        doc["attempts"].append(attempt)
        _write(path, doc)


def attempts(path: Path | None = None) -> list[dict[str, Any]]:
    """Every saved attempt, oldest first."""
    path = path or progress_path()
    with _locked(path):
        return _read(path)["attempts"]


def latest(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The most recent attempt for each question id."""
    return {a["qid"]: a for a in attempts(path)}


def reset(path: Path | None = None) -> Path | None:
    """Start afresh, keeping the old file as a dated backup; returns the backup's path."""
    path = path or progress_path()
    with _locked(path):
        if not path.exists():
            return None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.stem}.before-reset-{stamp}{path.suffix}")
        os.replace(path, backup)
        return backup
