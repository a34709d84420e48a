"""Property tests of the progress store's round trip: write -> damage or kill -> read keeps every complete entry.

Every answer that record() accepted is read back exactly; after any damage to the file, every answer whose bytes
the damage did not touch is still read, exactly, and no answer is invented.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turneast import store
from turneast.paths import ROOT

settings.register_profile(
    "turneast", max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("turneast")

text = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)  # lone surrogates included
plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=8,
)
attempts = st.lists(
    st.tuples(
        st.sampled_from(["a.one", "b.two", "c.three", "réponse.4"]), plain, st.sampled_from(store.SAVED_STATUSES)
    ),
    min_size=1,
    max_size=8,
)


def _fresh() -> None:
    store._said.clear()
    store._salvaged.clear()


def _read(path: Path) -> list[dict[str, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", store.ProgressWarning)
        return store.attempts(path)


@given(attempts)
def test_every_accepted_answer_is_read_back_exactly(entries: list[tuple[str, Any, str]]) -> None:
    _fresh()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progress.json"
        saved = []
        for qid, response, status in entries:
            try:
                saved.append(store.record(qid, "nb", response, status, path))
            except store.NotSaved as exc:
                assert "cannot be kept in a progress file" in str(exc)  # e.g. a lone surrogate: said, not saved
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a file the store wrote is never reported as damaged
            assert store.attempts(path) == saved


def _saved_file(n: int, folder: Path) -> tuple[bytes, list[dict[str, Any]]]:
    """A progress file written by the store with n distinct answers (varied text), and those answers."""
    path = folder / "source.json"
    records = [store.record(f"q.{i}", "nb", ["réponse", "Ответ", i] if i % 2 else f"text {i}", "correct", path)
               for i in range(n)]  # fmt: skip
    return path.read_bytes(), records


def _spans(data: bytes, records: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """The byte range of each record in the file."""
    spans = []
    for r in records:
        start = data.rindex(b"{", 0, data.index(json.dumps(r["qid"]).encode()))
        spans.append((start, data.index(b"}", data.index(b'"time"', start)) + 1))
    return spans


@given(
    st.integers(1, 8),
    st.sampled_from(["truncate", "overwrite", "append", "prepend", "insert"]),
    st.floats(0, 1),
    st.binary(min_size=1, max_size=64),
)
def test_damage_keeps_every_untouched_answer_and_invents_none(n: int, damage: str, where: float, junk: bytes) -> None:
    _fresh()
    with tempfile.TemporaryDirectory() as folder:
        data, records = _saved_file(n, Path(folder))
        spans = _spans(data, records)
        at = int(where * len(data))
        if damage == "truncate":
            damaged, hit = data[:at], [e > at for _, e in spans]
        elif damage == "overwrite":
            end = min(len(data), at + len(junk))
            damaged = data[:at] + junk[: end - at] + data[end:]
            hit = [not (e <= at or s >= end) for s, e in spans]
        elif damage == "insert":
            damaged, hit = data[:at] + junk + data[at:], [s < at < e for s, e in spans]
        elif damage == "append":
            damaged, hit = data + junk, [False] * n
        else:
            damaged, hit = junk + data, [False] * n
        path = Path(folder) / "progress.json"
        path.write_bytes(damaged)
        read = _read(path)
        originals = [json.dumps(r, sort_keys=True) for r in records]
        touched = {r["qid"] for r, t in zip(records, hit) if t}
        # nothing invented, nothing altered that the damage did not touch (bytes changed inside an answer that
        # still form valid JSON cannot be told from the real thing: records carry no checksum)
        assert all(json.dumps(r, sort_keys=True) in originals or r["qid"] in touched for r in read), read
        kept = {r["qid"] for r in read}
        lost = [r["qid"] for r, touched in zip(records, hit) if not touched and r["qid"] not in kept]
        assert lost == [], (damage, at, lost)
        store.record("after.damage", "nb", "B", "correct", path)  # saving again keeps what was read
        assert [r["qid"] for r in _read(path)] == [r["qid"] for r in read] + ["after.damage"]


@given(st.integers(1, 6), st.sampled_from(["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]), st.floats(0, 1))
def test_other_unicode_encodings_are_read_even_when_cut(n: int, encoding: str, where: float) -> None:
    _fresh()
    with tempfile.TemporaryDirectory() as folder:
        data, records = _saved_file(n, Path(folder))
        original = data.decode("utf-8")
        encoded = original.encode(encoding)
        path = Path(folder) / "progress.json"
        path.write_bytes(encoded)
        assert _read(path) == records
        cut = int(where * len(encoded))
        path.write_bytes(encoded[:cut])
        survived = len(encoded[:cut].decode(encoding, errors="ignore"))  # characters wholly inside the cut
        complete = [r["qid"] for r in records if original.index("}", original.index('"time"', original.index(
            json.dumps(r["qid"])))) < survived]  # fmt: skip
        read = [r["qid"] for r in _read(path)]
        assert read[: len(complete)] == complete and set(read) <= {r["qid"] for r in records}


BOOT = textwrap.dedent(f"""\
    import sys, types
    from pathlib import Path
    _pkg = types.ModuleType("turneast"); _pkg.__path__ = [{str(ROOT / "turneast")!r}]; sys.modules["turneast"] = _pkg
    from turneast import store
    p = Path(sys.argv[1])
    for i in range(100000):
        store.record(f"k.{{i}}", "nb", "answer " * (i % 7), "correct", p)
        print(f"k.{{i}}", flush=True)
    """)


@settings(max_examples=8)
@given(st.floats(0, 0.25))
def test_kill_9_at_any_moment_keeps_every_confirmed_answer(delay: float) -> None:
    _fresh()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progress.json"
        store.record("before", "nb", "B", "correct", path)
        proc = subprocess.Popen([sys.executable, "-c", BOOT, str(path)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        first = proc.stdout.readline() if select.select([proc.stdout], [], [], 30)[0] else ""
        time.sleep(delay)
        proc.kill()
        rest, _ = proc.communicate(timeout=30)
        confirmed = ["before", *(first + rest).split()]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the file is whole after any kill: no damage reported
            saved = [a["qid"] for a in store.attempts(path)]
        assert saved[: len(confirmed)] == confirmed and len(saved) - len(confirmed) <= 1
