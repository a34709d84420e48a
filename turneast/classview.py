"""Class view: learners export their answers to one file; an instructor gathers a folder of them.

    python -m turneast.classview export answers.json [--name "Ada L."]   # learner: write my answers
    python -m turneast.classview gather submissions/ [--out report/] [--names]   # instructor

Exported files are treated as untrusted: read as JSON only (never executed), size-limited and
schema-checked; a bad file is reported and skipped, the others are still counted. Learners are
anonymised ("learner 1", ...) unless --names is given.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import store
from .questions import all_questions

FORMAT = "turneast-answers"
MAX_BYTES = 1_000_000
MAX_ANSWERS = 5_000
STATUSES = ("correct", "incorrect", "saved")


def export(path: Path, name: str = "") -> Path:
    """Write the learner's latest answer to every question they tried to one JSON file."""
    latest = store.latest()
    doc = {"format": FORMAT, "version": 1, "learner": name,
           "exported": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
           "answers": [{"qid": a["qid"], "notebook": a.get("notebook", ""), "status": a["status"],
                        "response": a.get("response"), "time": a["time"]} for a in latest.values()]}
    path = Path(path)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _check(doc: Any) -> str | None:
    """Why an exported document is not acceptable, or None."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return "not a course answers file (run `python -m turneast.classview export` to make one)"
    if not isinstance(doc.get("learner", ""), str) or len(doc.get("learner", "")) > 200:
        return "the learner name is not a short text"
    answers = doc.get("answers")
    if not isinstance(answers, list) or len(answers) > MAX_ANSWERS:
        return "'answers' is not a list of answers"
    for i, a in enumerate(answers):
        if not isinstance(a, dict) or not isinstance(a.get("qid"), str) or a.get("status") not in STATUSES:
            return f"answer {i + 1} is malformed"
    return None


@dataclass
class Gathered:
    """What gather() read: one row per learner and question, plus the files it skipped and why."""

    answers: pd.DataFrame
    skipped: list[tuple[str, str]]
    learners: int


def gather(folder: Path, names: bool = False) -> Gathered:
    """Read every *.json export in a folder; skip (and report) bad files."""
    rows, skipped, learner = [], [], 0
    for path in sorted(Path(folder).glob("*.json")):
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ValueError(f"larger than {MAX_BYTES // 1000} KB")
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            skipped.append((path.name, f"cannot be read as JSON ({exc.__class__.__name__}: {str(exc)[:80]})"))
            continue
        problem = _check(doc)
        if problem:
            skipped.append((path.name, problem))
            continue
        learner += 1
        label = (doc.get("learner") or path.stem) if names else f"learner {learner}"
        latest = {a["qid"]: a for a in doc["answers"]}
        for a in latest.values():
            rows.append({"learner": label, "qid": a["qid"], "status": a["status"],
                         "response": json.dumps(a.get("response"), ensure_ascii=False, sort_keys=True)[:200]})
    frame = pd.DataFrame(rows, columns=["learner", "qid", "status", "response"])
    return Gathered(frame, skipped, learner)


def by_question(g: Gathered) -> pd.DataFrame:
    """Per question: how many answered, how many right, the share right, and the commonest wrong answer."""
    known = all_questions()
    out = []
    for qid, grp in g.answers.groupby("qid", sort=True):
        wrong = Counter(grp.loc[grp["status"] == "incorrect", "response"])
        q = known.get(qid)
        out.append({"qid": qid, "notebook": q.notebook if q else "(unknown question)", "answered": len(grp),
                    "correct": int((grp["status"] == "correct").sum()),
                    "share_correct_pct": round(100 * (grp["status"] == "correct").sum() / len(grp), 1),
                    "commonest_wrong": wrong.most_common(1)[0][0] if wrong else ""})
    return pd.DataFrame(out, columns=["qid", "notebook", "answered", "correct", "share_correct_pct",
                                      "commonest_wrong"]).set_index("qid")


def chart(table: pd.DataFrame, path: Path) -> Path:
    """A bar chart of the share of the class that answered each question correctly."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    from .charts import figure
    graded = table[table["notebook"] != ""]
    fig, ax = figure(8, max(3.0, 0.28 * len(graded) + 1.5))
    ax.barh(graded.index[::-1], graded["share_correct_pct"][::-1], color="#0072B2")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of learners who answered correctly (%)")
    ax.set_title("How the class answered each question", loc="left", fontweight="bold")
    ax.grid(axis="x", color="#dddddd")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    import matplotlib.pyplot as plt
    plt.close(fig)
    return path


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m turneast.classview", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export", help="write my answers to one file")
    ex.add_argument("out", nargs="?", default="my-answers.json")
    ex.add_argument("--name", default="", help="your name as the instructor should see it (optional)")
    ga = sub.add_parser("gather", help="gather a folder of exported files")
    ga.add_argument("folder")
    ga.add_argument("--out", default="class-report", help="folder for the CSV tables and the chart")
    ga.add_argument("--names", action="store_true", help="show learners' names instead of 'learner N'")
    args = parser.parse_args(argv)
    if args.cmd == "export":
        path = export(Path(args.out), args.name)
        print(f"Wrote your answers to {path}. Hand this file in; it holds your answers only.")
        return 0
    g = gather(Path(args.folder), names=args.names)
    for name, why in g.skipped:
        print(f"WARNING: skipped {name}: {why}")
    if not g.learners:
        print(f"No valid answer files in {args.folder}.")
        return 1
    table = by_question(g)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "by_question.csv")
    g.answers.pivot_table(index="learner", columns="qid", values="status", aggfunc="first").to_csv(out / "by_learner.csv")
    chart(table, out / "by_question.png")
    print(f"{g.learners} learners, {len(table)} questions ({len(g.skipped)} file(s) skipped).")
    print(table[["answered", "correct", "share_correct_pct"]].to_string())
    print(f"Wrote {out / 'by_question.csv'}, {out / 'by_learner.csv'} and {out / 'by_question.png'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
