"""The course's pure-Python parts, exercised the same way under CPython and under Pyodide (tests/test_pyodide.py).

Installs the course wheel that the in-browser build ships (with its bundled data) by unpacking it, imports
turneast.paths, .questions and .store without the package's __init__ (which needs pandas and matplotlib, which
Pyodide's npm package does not carry), and prints one line "REPORT: {json}". Runs under Pyodide via run.mjs
(the wheel's path in the global WHEEL) and under CPython as `python course_check.py <wheel>`.
"""

import json
import os
import sys
import tempfile
import traceback
import types
import warnings
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

wheel = globals().get("WHEEL") or sys.argv[1]
site = Path(tempfile.mkdtemp(prefix="site-"))
zipfile.ZipFile(wheel).extractall(site)
sys.path.insert(0, str(site))
package = types.ModuleType("turneast")
package.__path__ = [str(site / "turneast")]
sys.modules["turneast"] = package
work = Path(tempfile.mkdtemp(prefix="work-"))
os.chdir(work)  # no data/ above the working folder: data must come from the wheel
os.environ.pop("TURNEAST_DATA", None)
os.environ["TURNEAST_PROGRESS"] = str(work / "progress.json")
os.environ["TURNEAST_FIXED_ORDER"] = "1"

report = {"platform": sys.platform, "python": sys.version.split()[0], "checks": {}, "grades": {}}
try:
    import fcntl  # noqa: F401

    report["fcntl"] = "importable"
except ImportError as exc:
    report["fcntl"] = f"{type(exc).__name__}: {exc}"


def check(name):
    """Record whether a check function passed (True) or the error it raised (text)."""

    def wrap(fn):
        try:
            result = fn()
            report["checks"][name] = True if result is None else result
        except BaseException:
            report["checks"][name] = "FAILED: " + traceback.format_exc(limit=6)
        return fn

    return wrap


@check("import paths, questions, store")
def _imports():
    global paths, questions, store
    from turneast import paths, questions, store


@check("data found in the wheel")
def _data():
    found = paths.data_dir()
    assert found == site / "turneast" / "_data", f"data_dir() is {found}"
    assert (found / "core" / "datapackage.json").is_file()
    return {"bank_files": len(questions.bank_paths())}


@check("progress file path")
def _progress_path():
    assert paths.progress_path() == work / "progress.json", paths.progress_path()


class Awkward:
    """A value whose comparisons and iteration fail."""

    def __eq__(self, other):
        raise RuntimeError("no")

    __hash__ = object.__hash__

    def __repr__(self):
        return "Awkward()"

    def __iter__(self):
        raise RuntimeError("no")


ODD = [
    None,
    "",
    "   ",
    0,
    -1,
    1e308,
    float("nan"),
    float("inf"),
    "1,5",
    "29,5",
    "\u22123",
    "1,234",
    [],
    {},
    ["A", "A"],
    {"x": "y"},
    "A",
    "Z",
    b"bytes",
    True,
    Decimal("12.5"),
    Fraction(1, 3),
    10**400,
    "x" * 10000,
    Awkward(),
]


def right_response(q):
    """The right answer to q, built from its (unsealed) key."""
    if q.type == "numeric":
        return q.answer["value"]
    if q.type == "reflection":
        return "My reflection, in two sentences."
    if q.type == "multiple":
        return list(q.answer)
    return q.answer


@check("grading: every question, right answer and odd values")
def _grading():
    counts = {}
    for qid, q in sorted(questions.all_questions().items()):
        right = questions.grade(q, right_response(q))
        expected = questions.SAVED if q.type == "reflection" else questions.CORRECT
        assert right.status == expected, f"{qid}: the right answer was graded {right.status}: {right.message}"
        if q.type == "single":
            letter = questions.LETTERS[q.options.index(q.answer)]
            assert questions.grade(q, letter).status == questions.CORRECT, f"{qid}: letter {letter}"
        grades = [questions.grade(q, value) for value in ODD]
        report["grades"][qid] = [[g.status, g.message] for g in [right, *grades]]
        counts[q.type] = counts.get(q.type, 0) + 1
    assert set(counts) == set(questions.TYPES), f"question types covered: {sorted(counts)}"
    return counts


@check("store: save, read back, learner id, reset")
def _store():
    qs = sorted(questions.all_questions().values(), key=lambda q: q.id)[:3]
    for q in qs:
        g = questions.grade(q, right_response(q))
        store.record(q.id, q.notebook, g.response, g.status)
    doc = json.loads((work / "progress.json").read_text(encoding="utf-8"))
    assert doc["format"] == "turneast-progress" and len(doc["attempts"]) == 3, doc
    assert set(store.latest()) == {q.id for q in qs}
    assert len(store.attempts()) == 3
    first = store.learner_id()
    assert first and first == store.learner_id()
    store.reset()
    assert store.attempts() == []
    return {"locking": store.locking() if hasattr(store, "locking") else "(store.locking() not defined)"}


@check("store: damaged file is backed up, read and written again")
def _damaged():
    path = work / "progress.json"
    q = sorted(questions.all_questions().values(), key=lambda q: q.id)[0]
    store.record(q.id, q.notebook, right_response(q), questions.CORRECT)
    path.write_bytes(path.read_bytes()[:-7] + b"\x00garbage")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        store.latest()
        store.attempts()
    backups = sorted(p.name for p in work.iterdir() if "damaged" in p.name)
    assert backups, f"no backup of the damaged file in {sorted(p.name for p in work.iterdir())}"
    store.record(q.id, q.notebook, right_response(q), questions.CORRECT)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["attempts"], doc
    return {"backups": len(backups), "warnings": len(caught)}


@check("store: not JSON at all")
def _garbage():
    path = work / "progress.json"
    path.write_bytes(b"\xff\xfe not a progress file")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert isinstance(store.latest(), dict)
    q = sorted(questions.all_questions().values(), key=lambda q: q.id)[0]
    store.record(q.id, q.notebook, right_response(q), questions.CORRECT)
    assert json.loads(path.read_text(encoding="utf-8"))["attempts"]


print("REPORT: " + json.dumps(report, ensure_ascii=False, default=str))
