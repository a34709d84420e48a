"""The progress store (turneast.store): atomic, shared, never silently lost, never a traceback.

Runs the real store against real files: damaged contents (the corpus in tests/hostile/progress/), folders,
FIFOs, symlinks, read-only files and folders, a full disk, kill -9 during writes and concurrent writers.
Situations that need another user or a mount run in a subprocess as `nobody` (setpriv) or in a private
mount namespace (unshare -m); they are skipped with a printed reason where the machine does not allow it.
Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from turneast import store
from turneast._errors import CourseError
from turneast.paths import ROOT, progress_path

CORPUS = Path(__file__).resolve().parent / "hostile" / "progress"
CASES = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
PY = sys.executable
# Import turneast.store in a subprocess without the package's __init__ (no pandas, ipywidgets): fast, and
# what runs under Pyodide is exactly this part of the package.
BOOT = textwrap.dedent(f"""\
    import json, os, sys, time, types, warnings
    from pathlib import Path
    _pkg = types.ModuleType("turneast"); _pkg.__path__ = [{str(ROOT / "turneast")!r}]; sys.modules["turneast"] = _pkg
    """)


@pytest.fixture(autouse=True)
def fresh_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test is a new session: no messages shown yet, no session learner ids."""
    monkeypatch.setattr(store, "_said", set())
    monkeypatch.setattr(store, "_messages", [])
    monkeypatch.setattr(store, "_session_ids", {})
    monkeypatch.setattr(store, "_salvaged", {})


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    p = tmp_path / "progress.json"
    monkeypatch.setenv("TURNEAST_PROGRESS", str(p))
    return p


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail (never hang) if the block takes longer than seconds."""

    def fail(*_: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def caught() -> Iterator[list[warnings.WarningMessage]]:
    """Every ProgressWarning raised in the block."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        found: list[warnings.WarningMessage] = []
        yield found
    found.extend(w for w in seen if issubclass(w.category, store.ProgressWarning))


def qids(attempts: list[dict[str, Any]]) -> list[str]:
    return [a["qid"] for a in attempts]


def run_py(
    code: str, *args: str, prefix: tuple[str, ...] = (), timeout: float = 60, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run BOOT + code in a fresh Python (optionally under a prefix such as setpriv or unshare)."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, dir=cwd) as fh:
        fh.write(BOOT + textwrap.dedent(code))
    os.chmod(fh.name, 0o644)
    try:
        return subprocess.run([*prefix, PY, fh.name, *args], capture_output=True, text=True, timeout=timeout)
    finally:
        os.unlink(fh.name)


# ---------------------------------------------------------------- round trip and contract
def test_record_returns_the_attempt_and_reads_it_back(path: Path) -> None:
    saved = store.record("t.a", "nb", "B", "correct")
    store.record("t.b", "nb", 29.5, "incorrect")
    store.record("t.a", "nb", "C", "incorrect")
    assert saved["qid"] == "t.a" and saved["status"] == "correct"
    assert qids(store.attempts()) == ["t.a", "t.b", "t.a"]
    assert store.latest()["t.a"]["response"] == "C"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert list(doc) == ["format", "version", "learner", "attempts"]  # the id survives a cut-off end
    assert store.messages() == ()


def test_not_saved_is_a_course_error_and_an_os_error() -> None:
    assert issubclass(store.NotSaved, CourseError) and issubclass(store.NotSaved, OSError)


@pytest.mark.parametrize(
    "status, response",
    [
        ("invalid", "B"),
        ("maybe", "B"),
        ("correct", float("nan")),
        ("correct", "\udcff"),
        ("correct", object()),
        ("correct", [[[[[[[[[[[[[]]]]]]]]]]]]]),
    ],
)
def test_an_attempt_that_cannot_be_kept_is_not_saved_and_says_so(path: Path, status: str, response: object) -> None:
    with pytest.raises(store.NotSaved, match="Answers are graded but not saved, because this attempt cannot be kept"):
        store.record("t.a", "nb", response, status)
    assert not path.exists()


def test_learner_id_is_stable_and_kept_in_the_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = store.learner_id()
    assert first == store.learner_id() and len(first) >= 8
    assert json.loads(path.read_text())["learner"] == first
    store.record("t.a", "nb", "B", "correct")
    monkeypatch.setattr(store, "_session_ids", {})  # a new session reads it back from the file
    assert store.learner_id() == first
    store.reset()
    assert store.learner_id() == first  # starting afresh keeps the order questions are shown in


def test_learner_id_falls_back_to_a_session_id_when_it_cannot_be_kept(path: Path) -> None:
    path.write_text(json.dumps({"format": "turneast-progress", "version": 1, "attempts": []}))
    path.chmod(0o444)
    first = store.learner_id()
    assert store.learner_id() == first
    assert "learner" not in json.loads(path.read_text())


def test_reset_keeps_a_backup(path: Path) -> None:
    store.record("t.a", "nb", "B", "correct")
    backup = store.reset()
    assert backup is not None and backup.exists() and qids(store.attempts(backup)) == ["t.a"]
    assert store.attempts() == []
    assert store.reset() is not None  # the fresh file (learner id only) can be reset again
    path.unlink()
    assert store.reset() is None


def test_reset_of_a_folder_says_why(path: Path) -> None:
    path.mkdir()
    with caught(), pytest.raises(store.NotSaved, match=r"^Could not start afresh, because .* is a folder"):
        store.reset()


def test_reset_with_a_folder_as_lock_says_why(path: Path) -> None:
    store.record("t.a", "nb", "B", "correct")
    lock = path.with_name("progress.json.lock")
    lock.unlink()
    lock.mkdir()
    with pytest.raises(store.NotSaved, match=r"^Could not start afresh, because the lock file .* is a folder"):
        store.reset()
    assert qids(store.attempts()) == ["t.a"]


class Weird:
    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq")

    __hash__ = object.__hash__


@pytest.mark.parametrize(
    "qid, status, where", [("t.a", Weird(), None), (Weird(), "correct", None), ("t.a", "correct", 5)]
)
def test_record_raises_only_not_saved_whatever_it_is_given(
    path: Path, qid: object, status: object, where: object
) -> None:
    with pytest.raises(store.NotSaved, match=r"^Answers are graded but not saved, because"):
        store.record(qid, "nb", "B", status, where)  # type: ignore[arg-type]


def test_write_is_atomic_no_temp_files_left(path: Path) -> None:
    for n in range(5):
        store.record("t.a", "nb", n, "correct")
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".progress-")] == []


def test_stale_temp_files_are_cleaned_and_fresh_ones_kept(path: Path) -> None:
    old, fresh = path.parent / ".progress-old1.tmp", path.parent / ".progress-new1.tmp"
    old.write_text("left by a killed save")
    fresh.write_text("another notebook saving right now")
    long_ago = time.time() - store.STALE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    store.record("t.a", "nb", "B", "correct")
    assert not old.exists() and fresh.exists()


def test_the_mode_of_an_existing_file_is_kept(path: Path) -> None:
    store.record("t.a", "nb", "B", "correct")
    path.chmod(0o640)
    store.record("t.b", "nb", "B", "correct")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_read_only_progress_file_is_respected(path: Path) -> None:
    store.record("t.a", "nb", "B", "correct")
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(store.NotSaved, match=r"graded but not saved, because your progress file .* is read-only"):
        store.record("t.b", "nb", "B", "correct")
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert qids(store.attempts()) == ["t.a"]


def test_a_symlinked_progress_file_is_followed(path: Path, tmp_path: Path) -> None:
    target = tmp_path / "synced" / "answers.json"
    target.parent.mkdir()
    path.symlink_to(target)
    store.record("t.a", "nb", "B", "correct")
    store.record("t.b", "nb", "B", "correct")
    assert path.is_symlink() and qids(json.loads(target.read_text())["attempts"]) == ["t.a", "t.b"]
    assert store.latest().keys() == {"t.a", "t.b"}


# ---------------------------------------------------------------- damaged content
def test_one_backup_per_distinct_damaged_content_and_one_message_per_session(path: Path) -> None:
    path.write_text("{ this is not json")
    with caught() as seen:
        for _ in range(5):
            store.attempts()
            store.latest()
            store.learner_id()
    assert len(seen) == 1 and "A copy of it was kept as" in str(seen[0].message)
    backups = list(path.parent.glob("progress.damaged-*.json"))
    assert len(backups) == 1 and backups[0].read_text() == "{ this is not json"
    store.record("t.a", "nb", "B", "correct")  # the damaged file is replaced by what could be read, plus the answer
    assert qids(store.attempts()) == ["t.a"]
    path.write_text("[1, 2]")  # other damage: a second backup and a second message
    with caught() as seen:
        store.attempts()
        store.attempts()
    assert len(seen) == 1 and len(list(path.parent.glob("progress.damaged-*.json"))) == 2
    assert len(store.messages()) == 2


def test_the_same_damage_in_a_new_session_is_not_copied_again(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_text("{ damaged")
    with caught():
        store.attempts()
    monkeypatch.setattr(store, "_said", set())
    with caught() as seen:
        store.attempts()
    assert len(seen) == 1 and len(list(path.parent.glob("*.damaged-*"))) == 1


def test_every_cut_of_a_file_keeps_every_complete_answer(tmp_path: Path) -> None:
    """Truncate a saved file at every byte: the answers read back are exactly those wholly before the cut."""
    path = tmp_path / "progress.json"
    for n in range(4):
        store.record(f"t.{n}", "nb", ["A", "Ç"] if n % 2 else "réponse", "correct", path)
    data = path.read_bytes()
    ends = [data.index(b"}", data.index(f'"t.{n}"'.encode())) + 1 for n in range(4)]
    for cut in range(data.index(b'"attempts"'), len(data)):
        doc, problem = store._parse(data[:cut])
        assert qids(doc["attempts"]) == [f"t.{n}" for n in range(4) if ends[n] <= cut], cut
        assert problem or cut == len(data)
        assert doc.get("learner") == json.loads(data)["learner"]


def test_a_file_too_large_is_reported_without_reading_or_copying_it(path: Path) -> None:
    with open(path, "wb") as fh:
        fh.truncate(store.MAX_BYTES + 1)
    with deadline(5), caught() as seen:
        assert store.attempts() == []
    assert "far larger than a progress file" in str(seen[0].message)
    with pytest.raises(store.NotSaved, match="far larger"):
        store.record("t.a", "nb", "B", "correct")
    assert list(path.parent.glob("*.damaged-*")) == []


def test_a_newer_version_is_read_but_never_overwritten(path: Path) -> None:
    path.write_bytes((CORPUS / "newer_version.json").read_bytes())
    assert qids(store.attempts()) == ["a.one", "a.two", "a.three"]
    with pytest.raises(store.NotSaved, match="newer version of the course"):
        store.record("t.a", "nb", "B", "correct")


# ---------------------------------------------------------------- the hostile corpus
def _valid_bytes() -> bytes:
    return (CORPUS / "valid.json").read_bytes()


def _setup(case: dict[str, Any], folder: Path) -> Path:
    """Build the case in folder; return the configured progress path."""
    path = folder / "progress.json"
    if "file" in case:
        path.write_bytes((CORPUS / case["file"]).read_bytes())
        return path
    name, valid = case["setup"], _valid_bytes()
    (folder / "elsewhere").mkdir()
    if name == "directory":
        path.mkdir()
    elif name == "lock_directory":
        path.write_bytes(valid)
        (folder / "progress.json.lock").mkdir()
    elif name == "lock_fifo":
        path.write_bytes(valid)
        os.mkfifo(folder / "progress.json.lock")
    elif name == "fifo":
        os.mkfifo(path)
    elif name == "dev_zero":
        path.symlink_to("/dev/zero")
    elif name == "symlink":
        (folder / "elsewhere" / "real.json").write_bytes(valid)
        path.symlink_to(folder / "elsewhere" / "real.json")
    elif name == "dangling_symlink":
        path.symlink_to(folder / "elsewhere" / "new.json")
    elif name == "symlink_loop":
        path.symlink_to(folder / "other.json")
        (folder / "other.json").symlink_to(path)
    elif name == "read_only_file":
        path.write_bytes(valid)
        path.chmod(0o444)
    elif name == "parent_is_file":
        (folder / "afile").write_text("not a folder")
        path = folder / "afile" / "progress.json"
    elif name == "huge_file":
        with open(path, "wb") as fh:
            fh.truncate(20_000_000)
    elif name == "many_records":
        records = [
            {"qid": f"m.{n}", "notebook": "nb", "response": n, "status": "correct", "time": "t"} for n in range(10_000)
        ]
        path.write_text(json.dumps({"format": "turneast-progress", "version": 1, "attempts": records}))
    elif name == "salvage_bomb":
        path.write_text('{"qid": ' * 100_000)
    elif name == "stale_temp_files":
        path.write_bytes(valid)
        for stale in ("a", "b"):
            leftover = folder / f".progress-{stale}.tmp"
            leftover.write_text("{ half a file")
            os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    else:  # pragma: no cover - a typo in cases.json
        raise AssertionError(f"unknown setup {name}")
    return path


def _snapshot(path: Path) -> bytes | str | None:
    """The bytes of a regular file (through symlinks), or what else is there; never opens a FIFO or device."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"error {exc.errno}"
    if not stat.S_ISREG(info.st_mode):
        return f"mode {stat.S_IFMT(info.st_mode)}"
    return path.read_bytes()


def _run_case(case: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Run one case through every entry point; return what happened (checked by the caller)."""
    folder.mkdir()
    path = _setup(case, folder)
    before = _snapshot(path)
    out: dict[str, Any] = {"traceback": None, "hang": False, "lost": [], "problems": []}
    started = time.monotonic()
    try:
        with deadline(30), caught() as seen:
            first = store.attempts(path)
            for _ in range(3):
                store.attempts(path)
                store.latest(path)
            learner = store.learner_id(path)
            try:
                store.record("corpus.new", "nb", "B", "correct", path)
                out["saved"], out["why"] = True, ""
            except store.NotSaved as exc:
                out["saved"], out["why"] = False, str(exc)
            after = store.attempts(path)
    except TimeoutError:
        out["hang"] = True
        return out
    except Exception as exc:  # counted as a traceback in the table
        out["traceback"] = f"{type(exc).__name__}: {exc}"
        return out
    out["seconds"] = time.monotonic() - started
    out["kept"], out["after"], out["learner"] = qids(first), qids(after), learner
    out["warnings"] = [str(w.message) for w in seen]
    real_folder = Path(os.path.realpath(path)).parent
    out["backups"] = sorted(p for p in real_folder.glob("*.damaged-*"))
    out["before"], out["now"] = before, _snapshot(path)
    out["lost"] = [q for q in out["kept"] if out["saved"] and q not in out["after"]]
    return out


def _problems(case: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """How the outcome differs from what cases.json asks for."""
    if got["hang"] or got["traceback"]:
        return [got["traceback"] or "hang"]
    problems = []
    kept = case["kept"]
    if (len(got["kept"]) != int(kept)) if isinstance(kept, str) else (got["kept"] != kept):
        problems.append(f"kept {got['kept'][:5]}, expected {kept}")
    if case["message"] is None and got["warnings"]:
        problems.append(f"unexpected warning {got['warnings']}")
    if case["message"] is not None and (len(got["warnings"]) != 1 or case["message"] not in got["warnings"][0]):
        problems.append(f"expected one warning with '{case['message']}', got {got['warnings']}")
    if case["backup"] != bool(got["backups"]) or len(got["backups"]) > 1:
        problems.append(f"backups: {got['backups']}")
    if got["backups"] and got["backups"][0].read_bytes() != got["before"]:
        problems.append("the backup does not hold the original bytes")
    if case["save"] is True:
        if not got["saved"]:
            problems.append(f"not saved: {got['why']}")
        elif got["after"] != [*got["kept"], "corpus.new"]:
            problems.append(f"after saving: {got['after'][:6]}")
    else:
        if (
            got["saved"]
            or case["save"] not in got["why"]
            or not got["why"].startswith("Answers are graded but not saved")
        ):
            problems.append(f"expected NotSaved with '{case['save']}', got {got['why'] or 'saved'}")
        if got["now"] != got["before"]:
            problems.append("the file was changed although nothing was saved")
    if got["lost"]:
        problems.append(f"lost {got['lost']}")
    if not isinstance(got["learner"], str) or not got["learner"]:
        problems.append("no learner id")
    return problems


def _case_id(case: dict[str, Any]) -> str:
    return case.get("file") or case["setup"]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_hostile_progress_file(case: dict[str, Any], tmp_path: Path) -> None:
    got = _run_case(case, tmp_path / "case")
    assert _problems(case, got) == [], case["what"]
    folder = Path(os.path.realpath(tmp_path / "case" / "progress.json")).parent
    if case.get("setup") == "symlink":
        assert (tmp_path / "case" / "progress.json").is_symlink()
        assert qids(json.loads((folder / "real.json").read_text())["attempts"])[-1] == "corpus.new"
    if case.get("setup") == "dangling_symlink":
        assert (tmp_path / "case" / "progress.json").is_symlink() and (folder / "new.json").is_file()
    if case.get("setup") == "read_only_file":
        assert stat.S_IMODE(os.stat(tmp_path / "case" / "progress.json").st_mode) == 0o444
    if case.get("setup") == "stale_temp_files":
        assert list((tmp_path / "case").glob(".progress-*.tmp")) == []
    if case.get("setup") in ("many_records", "salvage_bomb"):
        assert got["seconds"] < 15


def test_hostile_progress_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The closing table of the corpus: every case, in one run."""
    rows = []
    for n, case in enumerate(CASES):
        monkeypatch.setattr(store, "_said", set())
        got = _run_case(case, tmp_path / f"case{n}")
        rows.append((case, got, _problems(case, got)))
    clear = sum(bool(g.get("warnings")) or bool(g.get("why")) or c["message"] is None for c, g, _ in rows)
    table = {
        "cases": len(rows),
        "clear messages": clear,
        "tracebacks": sum(bool(g["traceback"]) for _, g, _ in rows),
        "wrong grades": 0,  # the store does not grade; see test_hypothesis_grading.py
        "answers lost": sum(len(g["lost"]) for _, g, _ in rows),
        "hangs": sum(g["hang"] for _, g, _ in rows),
        "not as expected": sum(bool(p) for _, _, p in rows),
    }
    print("\nhostile progress files: " + ", ".join(f"{k} {v}" for k, v in table.items()))
    assert table["tracebacks"] == table["answers lost"] == table["hangs"] == table["not as expected"] == 0
    assert table["clear messages"] == table["cases"]


def test_corpus_files_are_what_make_py_writes() -> None:
    spec = __import__("importlib.util").util.spec_from_file_location("make_corpus", CORPUS / "make.py")
    module = __import__("importlib.util").util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    made = module.files()
    assert {c["file"] for c in CASES if "file" in c} <= set(made)
    for name, data in made.items():
        assert (CORPUS / name).read_bytes() == data, f"{name}: run python tests/hostile/progress/make.py"


# ---------------------------------------------------------------- processes: kill -9, concurrency, locks
WRITER = """
    from turneast import store
    p, tag = Path(sys.argv[1]), sys.argv[2]
    for i in range(int(sys.argv[3])):
        store.record(f"{tag}.{i}", "nb", ["A", "B"], "correct", p)
        print(f"{tag}.{i}", flush=True)
    """


def _script(code: str, folder: Path) -> Path:
    script = folder / "writer.py"
    script.write_text(BOOT + textwrap.dedent(code))
    return script


def test_kill_9_during_writes_never_loses_a_confirmed_answer(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    script = _script(WRITER, tmp_path)
    rng, confirmed, kills = random.Random(12), [], 0
    stop = time.monotonic() + 60
    while kills < 30 and time.monotonic() < stop:
        proc = subprocess.Popen([PY, str(script), str(path), f"k{kills}", "100000"], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        first = proc.stdout.readline() if ready else ""
        time.sleep(rng.uniform(0, 0.08))
        proc.kill()
        rest, _ = proc.communicate(timeout=20)
        kills += 1
        confirmed += (first + rest).split()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a kill never damages the file: reading it warns of nothing
            saved = set(qids(store.attempts(path)))
        missing = [q for q in confirmed if q not in saved]
        assert missing == [], f"after kill {kills}: {missing[:5]}"
    assert kills >= 10 and len(confirmed) >= kills
    leftovers = list(tmp_path.glob(".progress-*.tmp"))
    for leftover in leftovers:  # what the kills left behind is cleaned once it is old
        os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    store.record("after.kills", "nb", "x", "correct", path)
    assert list(tmp_path.glob(".progress-*.tmp")) == []
    print(
        f"\n{kills} kill -9 during writes, {len(confirmed)} confirmed answers, none lost; "
        f"{len(leftovers)} temporary files left by the kills were cleaned"
    )


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    script = _script(WRITER, tmp_path)
    procs = [subprocess.Popen([PY, str(script), str(path), f"w{n}", "50"], stdout=subprocess.DEVNULL) for n in range(4)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        saved = qids(store.attempts(path))
    assert sorted(saved) == sorted(f"w{n}.{i}" for n in range(4) for i in range(50))


def test_a_lock_held_too_long_gives_not_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "progress.json"
    holder = _script(
        """
        from filelock import UnixFileLock
        lock = UnixFileLock(sys.argv[1]); lock.acquire()
        print("held", flush=True); time.sleep(60)
        """,
        tmp_path,
    )
    proc = subprocess.Popen([PY, str(holder), str(path) + ".lock"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and select.select([proc.stdout], [], [], 20)[0]
        assert proc.stdout.readline().strip() == "held"
        monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.5)
        with deadline(10), pytest.raises(store.NotSaved, match="another notebook has been saving"):
            store.record("t.a", "nb", "B", "correct", path)
        assert store.attempts(path) == []  # reading does not wait for the lock
    finally:
        proc.kill()
        proc.wait(timeout=20)
    store.record("t.a", "nb", "B", "correct", path)  # the kernel released the dead process's lock
    assert qids(store.attempts(path)) == ["t.a"]


def test_locking_uses_filelock_here() -> None:
    assert store.locking() == "filelock.UnixFileLock"


def test_without_fcntl_as_under_pyodide_there_is_no_lock_and_everything_works(tmp_path: Path) -> None:
    """Pyodide: `import fcntl` raises ModuleNotFoundError. Simulated here; the real thing is the site's test."""
    result = run_py(f"""
        sys.modules["fcntl"] = None  # import fcntl -> ModuleNotFoundError, as under Pyodide
        from turneast import store
        p = Path({str(tmp_path / "progress.json")!r})
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            store.record("t.a", "nb", "B", "correct", p)
            lid = store.learner_id(p)
            backup = store.reset(p)
            store.record("t.b", "nb", 1.5, "incorrect", p)
            print(json.dumps({{"locking": store.locking(), "same_id": lid == store.learner_id(p),
                              "latest": list(store.latest(p)), "backup": backup is not None,
                              "filelock_imported": "filelock" in sys.modules}}))
        """)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got == {
        "locking": got["locking"],
        "same_id": True,
        "latest": ["t.b"],
        "backup": True,
        "filelock_imported": False,
    }
    assert got["locking"].startswith("none: this platform has no file locks")


def test_under_emscripten_the_progress_file_is_in_the_browser_storage_or_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TURNEAST_PROGRESS")
    monkeypatch.setattr(sys, "platform", "emscripten")
    expected = Path("/drive") if Path("/drive").is_dir() else Path.home()
    assert progress_path() == expected / ".turneast-progress.json"


def test_without_the_filelock_package_answers_are_still_saved_and_it_says_why(tmp_path: Path) -> None:
    result = run_py(f"""
        sys.modules["filelock"] = None
        from turneast import store
        p = Path({str(tmp_path / "progress.json")!r})
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            store.record("t.a", "nb", "B", "correct", p)
            store.record("t.b", "nb", "B", "correct", p)
        print(json.dumps({{"locking": store.locking(), "warnings": [str(w.message) for w in seen],
                          "saved": list(store.latest(p))}}))
        """)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["saved"] == ["t.a", "t.b"] and "not installed" in got["locking"]
    assert len(got["warnings"]) == 1 and "pip install filelock" in got["warnings"][0]


def test_progress_location_default_and_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TURNEAST_PROGRESS", "~/x/p.json")
    assert progress_path() == Path.home() / "x" / "p.json"
    monkeypatch.delenv("TURNEAST_PROGRESS")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert progress_path() == tmp_path / "turneast" / "progress.json"


# ---------------------------------------------------------------- another user, read-only mounts, a full disk
def _as_nobody() -> tuple[str, ...]:
    """How to run a command as an unprivileged user (tests run as root, where chmod does not stop writes)."""
    if os.geteuid() != 0:
        return ()  # not root: permissions already apply
    if not shutil.which("setpriv"):
        pytest.skip("running as root and setpriv (util-linux) is missing, so read-only permissions cannot be tested")
    return ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="turneast-store-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


NOBODY_CHECK = """
    from turneast import store
    p = Path(sys.argv[1])
    out = {}
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out["read"] = [a["qid"] for a in store.attempts(p)]
        out["learner"] = store.learner_id(p) == store.learner_id(p)
        try:
            store.record("t.new", "nb", "B", "correct", p)
            out["saved"] = "yes"
        except store.NotSaved as exc:
            out["saved"] = str(exc)
    out["warnings"] = [str(w.message) for w in seen]
    out["leftovers"] = sorted(x.name for x in p.parent.iterdir() if x.name.startswith(".progress-"))
    print(json.dumps(out))
    """


def test_a_read_only_folder_gives_not_saved_and_keeps_the_file(shared_dir: Path) -> None:
    path = shared_dir / "progress.json"
    store.record("t.a", "nb", "B", "correct", path)
    path.chmod(0o666)  # the file itself is writable by anyone; only the folder is not
    (shared_dir / "progress.json.lock").chmod(0o666)
    shared_dir.chmod(0o555)
    before = path.read_bytes()
    result = run_py(NOBODY_CHECK, str(path), prefix=_as_nobody())
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["read"] == ["t.a"] and got["learner"] and got["leftovers"] == []
    assert (
        got["saved"] == f"Answers are graded but not saved, because the folder {shared_dir} is read-only "
        "(no permission to write there)."
    )
    assert path.read_bytes() == before


def test_an_unreadable_file_is_reported_and_left_alone(shared_dir: Path) -> None:
    path = shared_dir / "progress.json"
    store.record("t.a", "nb", "B", "correct", path)
    path.chmod(0o000)
    (shared_dir / "progress.json.lock").chmod(0o666)
    shared_dir.chmod(0o777)
    before = path.read_bytes()
    result = run_py(NOBODY_CHECK, str(path), prefix=_as_nobody())
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["read"] == [] and got["learner"]
    assert got["saved"] == f"Answers are graded but not saved, because you have no permission to read or write {path}."
    assert len(got["warnings"]) == 1 and "cannot be shown until this is fixed" in got["warnings"][0]
    assert path.read_bytes() == before


@pytest.fixture(scope="module")
def namespace() -> tuple[str, ...]:
    """unshare -m: a private mount namespace where a tiny tmpfs can be mounted (root only)."""
    probe = tempfile.mkdtemp(prefix="turneast-ns-")
    try:
        result = subprocess.run(
            ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {probe} && umount {probe}"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot create a private mount namespace here ({exc}); full-disk and read-only-disk tests skipped")
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    if result.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs in a private namespace ({result.stderr.strip()[:120]}); "
            "full-disk and read-only-disk tests skipped"
        )
    return ("unshare", "-m")


def _in_tmpfs(namespace: tuple[str, ...], size: str, code: str, tmp_path: Path) -> dict[str, Any]:
    """Run code with DISK = a fresh tmpfs of this size, mounted only inside a private namespace."""
    disk = tmp_path / "disk"
    disk.mkdir()
    script = tmp_path / "in_tmpfs.py"
    script.write_text(BOOT + f"DISK = Path({str(disk)!r})\n" + textwrap.dedent(code))
    result = subprocess.run(
        [*namespace, "sh", "-c", f"mount -t tmpfs -o size={size} tmpfs {disk} && exec {PY} {script}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


FILL = """
    def fill():
        n = 0
        try:
            with open(DISK / "filler", "wb") as fh:
                while n < 10_000:
                    fh.write(b"x" * 1024); fh.flush(); os.fsync(fh.fileno()); n += 1
        except OSError:
            pass
    """


def test_a_full_disk_gives_not_saved_and_the_file_stays_whole(namespace: tuple[str, ...], tmp_path: Path) -> None:
    got = _in_tmpfs(
        namespace,
        "64k",
        textwrap.dedent(FILL)
        + textwrap.dedent("""
        from turneast import store
        p = DISK / "progress.json"
        for i in range(3):
            store.record(f"t.{i}", "nb", "B", "correct", p)
        before = p.read_bytes()
        fill()
        out = {}
        try:
            store.record("t.full", "nb", "x" * 3000, "correct", p)
            out["saved"] = "yes"
        except store.NotSaved as exc:
            out["saved"] = str(exc)
        out["unchanged"] = p.read_bytes() == before
        out["leftovers"] = sorted(x.name for x in DISK.iterdir() if x.name.startswith(".progress-"))
        os.unlink(DISK / "filler")
        store.record("t.later", "nb", "B", "correct", p)
        out["after"] = [a["qid"] for a in store.attempts(p)]
        print(json.dumps(out))
        """),
        tmp_path,
    )
    assert (
        got["saved"].startswith("Answers are graded but not saved, because the disk holding")
        and "is full" in got["saved"]
    )
    assert got["unchanged"] and got["leftovers"] == []
    assert got["after"] == ["t.0", "t.1", "t.2", "t.later"]


def test_a_damaged_file_on_a_full_disk_leaves_no_partial_backup(namespace: tuple[str, ...], tmp_path: Path) -> None:
    got = _in_tmpfs(
        namespace,
        "64k",
        textwrap.dedent(FILL)
        + textwrap.dedent("""
        from turneast import store
        p = DISK / "progress.json"
        good = {"qid": "t.ok", "notebook": "nb", "response": "B", "status": "correct", "time": "t"}
        damaged = ('{"format": "turneast-progress", "attempts": [' + json.dumps(good) + ', {"qid": "t.cut", '
                   + " " * 36_000).encode()
        p.write_bytes(damaged)
        fill()
        out = {}
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            out["read"] = [a["qid"] for a in store.attempts(p)]
            try:
                store.record("t.new", "nb", "B", "correct", p)
                out["saved"] = "yes"
            except store.NotSaved as exc:
                out["saved"] = str(exc)
        out["warnings"] = [str(w.message) for w in seen]
        out["unchanged"] = p.read_bytes() == damaged
        keep = ("progress.json", "progress.json.lock", "filler")
        out["others"] = sorted(x.name for x in DISK.iterdir() if x.name not in keep)
        print(json.dumps(out))
        """),
        tmp_path,
    )
    assert got["read"] == ["t.ok"] and got["unchanged"] and got["others"] == []
    assert len(got["warnings"]) == 1 and "could not be kept" in got["warnings"][0]
    assert "could not be kept" in got["saved"] and "is full" in got["saved"]


def test_a_read_only_disk_gives_not_saved(namespace: tuple[str, ...], tmp_path: Path) -> None:
    got = _in_tmpfs(
        namespace,
        "1m",
        """
        import subprocess
        from turneast import store
        p = DISK / "progress.json"
        store.record("t.a", "nb", "B", "correct", p)
        subprocess.run(["mount", "-o", "remount,ro", str(DISK)], check=True)
        out = {"read": [a["qid"] for a in store.attempts(p)], "learner": store.learner_id(p)}
        try:
            store.record("t.b", "nb", "B", "correct", p)
            out["saved"] = "yes"
        except store.NotSaved as exc:
            out["saved"] = str(exc)
        print(json.dumps(out))
        """,
        tmp_path,
    )
    assert got["read"] == ["t.a"] and got["learner"]
    assert (
        got["saved"] == f"Answers are graded but not saved, because the disk holding {tmp_path / 'disk'} is read-only."
    )
