"""The command line: `python -m turneast.classview {export,gather,gradebook} ...` (see the package docstring)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .gathering import Gathered, gather
from .learner import EXPORT_NAME, export
from .report import by_question, write_class_view
from .roster import read_roster
from .scores import DEFAULT_POINTS, gradebook, gradebook_report
from .text import write_csv

PROG = "python -m turneast.classview"
DESCRIPTION = "Class view: learners export their answers to one file; an instructor gathers a folder of them."


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    args = _parser().parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show a name gets '?', not a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if args.cmd == "export":
        return _export(args)
    g = gather(Path(args.folder), names=getattr(args, "names", False))
    for name, why in g.skipped:
        print(f"WARNING: skipped {name}: {why}")
    for note in g.notes:
        print(f"NOTE: {note}")
    if args.cmd == "gather":
        return _gather(args, g)
    return _gradebook(args, g)


def _parser() -> argparse.ArgumentParser:
    """The parser of all three commands."""
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export", help="write my answers to one file")
    ex.add_argument("out", nargs="?", default=EXPORT_NAME)
    ex.add_argument("--id", dest="identifier", default="", help="your course-site (LMS) login or email")
    ex.add_argument("--name", default="", help="a name the instructor should see (optional)")
    ga = sub.add_parser("gather", help="the class view of a folder of exports")
    ga.add_argument("folder")
    ga.add_argument("--out", default="class-report", help="folder for the tables, charts, sheet and report")
    ga.add_argument("--names", action="store_true", help="show learners' logins instead of 'learner N'")
    _add_gradebook_parser(sub)
    return parser


def _add_gradebook_parser(sub: argparse._SubParsersAction) -> None:
    """The gradebook command's options."""
    gb = sub.add_parser("gradebook", help="a gradebook CSV for Canvas or Moodle")
    gb.add_argument("folder")
    gb.add_argument("--roster", required=True, help="the gradebook CSV exported from the LMS")
    gb.add_argument("--lms", choices=("canvas", "moodle"), help="which LMS (detected from the roster if left out)")
    gb.add_argument("--out", default=None, help="the CSV to write (default gradebook-<lms>.csv)")
    gb.add_argument("--lessons", action="store_true", help="also one column per lesson notebook")
    gb.add_argument("--notebooks", default=None, help="comma-separated notebooks to score (default: exercises tried)")
    gb.add_argument("--points", type=float, default=DEFAULT_POINTS, help="points for a full score (default 100)")
    gb.add_argument("--match", default=None, help="the roster column holding what learners typed")
    gb.add_argument(
        "--unattempted",
        choices=("blank", "zero"),
        default="blank",
        help="score for a notebook a learner did not try: no score (default) or 0",
    )


def _export(args: argparse.Namespace) -> int:
    """`export`: write the learner's answers file."""
    try:
        path = export(Path(args.out), args.identifier, args.name)
    except (ValueError, OSError) as exc:
        print(f"Could not write {args.out}: {exc}")
        return 1
    print(f"Wrote your answers to {path}. Hand this file in; it holds your answers and the login you gave.")
    return 0


def _gather(args: argparse.Namespace, g: Gathered) -> int:
    """`gather`: write the class view files and print the table of questions answered."""
    written = write_class_view(g, Path(args.out), args.names)
    table = by_question(g)
    print(f"{g.count} learner(s), {len(table)} graded question(s) ({len(g.skipped)} file(s) skipped).")
    if g.count:
        view = table.loc[table["answered"] > 0, ["notebook", "answered_of", "share_correct_pct"]]
        print(view.to_string(max_colwidth=40))
    print(f"Wrote {', '.join(str(p) for p in written)}.")
    return 0 if g.count else 1


def _gradebook(args: argparse.Namespace, g: Gathered) -> int:
    """`gradebook`: write the gradebook CSV and the list of who could not be matched."""
    try:
        roster = read_roster(Path(args.roster), args.lms)
        notebooks = [n.strip() for n in args.notebooks.split(",")] if args.notebooks else None
        book = gradebook(
            g,
            roster,
            lessons=args.lessons,
            notebooks=notebooks,
            points=args.points,
            match=args.match,
            unattempted=args.unattempted,
        )
    except ValueError as exc:
        print(f"ERROR: {exc}")
        return 2
    out = Path(args.out or f"gradebook-{roster.lms}.csv")
    write_csv(out, book.header, book.rows)
    listing = out.with_name(out.stem + "-unmatched.csv")
    write_csv(
        listing,
        ["kind", "who", "why"],
        [["export without a roster row", files, why] for files, why in book.unmatched_exports]
        + [["roster row without an export", name, why] for name, why in book.missing],
    )
    print(gradebook_report(book), end="")
    print(f"Wrote {out} ({roster.lms}) and {listing}.")
    return 0
