#!/usr/bin/env python3
"""Time every notebook against the floor (an empty notebook with the same imports), and the package import.

    .venv/bin/python tools/benchmark.py [--repeat 3] [notebooks/01_china.ipynb ...]
    .venv/bin/python tools/benchmark.py --grading --classview --site   # the other measured costs

Not a test: numbers depend on the machine. It prints a table: median seconds per notebook, the floor,
the ratio, and the stored size of each notebook. --grading times grading every question of every bank;
--classview times `gather` on the hostile corpus and on 5,000 made-up ids; --site times `course.py site`
and reports the size of the website and of its in-browser copy.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from turneast.authoring.execute import execute

ROOT = Path(__file__).resolve().parent.parent
FLOOR_SOURCE = "import turneast as te\nimport pandas as pd\nimport matplotlib.pyplot as plt\nimport ipywidgets as w"


def execute_seconds(nb: nbformat.NotebookNode, cwd: Path) -> float:
    """Wall time to start a kernel and run every cell of a notebook."""
    start = time.perf_counter()
    execute(nb, cwd, timeout=600)
    return time.perf_counter() - start


def import_seconds(repeat: int) -> float:
    """Median time to import the helper package in a fresh interpreter."""
    times = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", "import time; t=time.perf_counter(); import turneast; print(time.perf_counter()-t)"],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def grading_seconds(repeat: int) -> tuple[int, float]:
    """Median time to grade every question's right answer once (the bank already loaded)."""
    from turneast.questions import all_questions, grade

    questions = list(all_questions().values())
    answers = [q.answer["value"] if q.type == "numeric" else q.answer or "My view." for q in questions]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for q, a in zip(questions, answers):
            grade(q, a)
        times.append(time.perf_counter() - start)
    return len(questions), statistics.median(times)


def classview_seconds(tmp: Path) -> list[tuple[str, float]]:
    """Wall time of `classview gather` on the hostile corpus and on one export with 5,000 made-up ids."""
    import json

    big = tmp / "big"
    big.mkdir()
    answers = [{"qid": f"made.up_{i}", "notebook": "x", "status": "correct", "response": 1} for i in range(5000)]
    answers.append({"qid": "china.trade_growth", "notebook": "01_china", "status": "correct", "response": 29.3})
    doc = {"format": "turneast-answers", "version": 1, "learner": "", "answers": answers}
    (big / "many.json").write_text(json.dumps(doc), encoding="utf-8")
    out = []
    for label, folder in (("hostile corpus", ROOT / "tests" / "hostile" / "exports"), ("5,000 made-up ids", big)):
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "turneast.classview", "gather", str(folder), "--out", str(tmp / "report")]
        subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT)
        out.append((label, time.perf_counter() - start))
    return out


def folder_mb(path: Path) -> float:
    """Total size of the files under a folder, in MB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def site_report() -> None:
    """Build the website (and its in-browser copy) as `python3 course.py site` does; print time and size."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "course.py", "site"], cwd=ROOT, capture_output=True, text=True)
    secs = time.perf_counter() - start
    if done.returncode:
        print(f"course.py site failed after {secs:.0f} s:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return
    html = ROOT / "_site" / "html"
    pages = len(list(html.rglob("*.html")))
    lite = html / "lite"
    lite_mb = folder_mb(lite) if lite.exists() else 0.0
    print(
        f"course.py site: {secs:.0f} s; {pages} HTML files; {folder_mb(html) - lite_mb:.1f} MB website "
        f"+ {lite_mb:.1f} MB in-browser copy"
    )


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--grading", action="store_true", help="time grading every question")
    parser.add_argument("--classview", action="store_true", help="time gather on hostile and large exports")
    parser.add_argument("--site", action="store_true", help="time course.py site and measure the site")
    args = parser.parse_args()
    if args.grading or args.classview or args.site:
        if args.grading:
            n, secs = grading_seconds(args.repeat)
            print(f"grading the right answer of all {n} questions, median of {args.repeat}: {secs * 1000:.1f} ms")
        if args.classview:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                for label, secs in classview_seconds(Path(tmp)):
                    print(f"classview gather, {label}: {secs:.1f} s")
        if args.site:
            site_report()
        return 0
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
        (ROOT / "solutions").glob("*.ipynb")
    )
    floor_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    execute_seconds(nbformat.from_dict(floor_nb), ROOT)  # warm-up: the first kernel start pays for cold caches
    floor = statistics.median(execute_seconds(nbformat.from_dict(floor_nb), ROOT) for _ in range(args.repeat))
    print(f"import turneast (fresh interpreter, median of {args.repeat}): {import_seconds(args.repeat):.2f} s")
    print(f"floor: kernel start + imports, median of {args.repeat}: {floor:.2f} s\n")
    print(f"{'notebook':42} {'median s':>9} {'ratio':>6} {'size KB':>8}")
    total = 0.0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        secs = statistics.median(execute_seconds(nbformat.from_dict(nb), path.parent) for _ in range(args.repeat))
        total += secs
        rel = path.resolve().relative_to(ROOT)
        print(f"{rel!s:42} {secs:9.2f} {secs / floor:6.1f} {path.stat().st_size / 1024:8.0f}")
    print(f"\n{len(paths)} notebooks, {total:.1f} s in all (each includes its own kernel start)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
