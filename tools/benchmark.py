#!/usr/bin/env python3
"""Time every notebook against the floor (an empty notebook with the same imports), and the package import.

    .venv/bin/python tools/benchmark.py [--repeat 3] [notebooks/01_china.ipynb ...]

Not a test: numbers depend on the machine. It prints a table: median seconds per notebook, the floor,
the ratio, and the stored size of each notebook.
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


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args()
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
