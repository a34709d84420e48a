"""Class view: learners export their answers to one file; an instructor gathers a folder of them.

    python -m turneast.classview export [my-answers.json] [--id LOGIN_OR_EMAIL]         # learner
    python -m turneast.classview gather submissions/ [--out class-report/] [--names]      # instructor
    python -m turneast.classview gradebook submissions/ --roster lms-export.csv [--lms canvas|moodle]

In a notebook, `te.export_answers()` shows the learner's export as a box with one button.

The files learners send are untrusted. `gather` and `gradebook` read regular files only (named pipes,
devices and links out of the folder are skipped), at most 1 MB each and 20 levels deep, as JSON data
(never run). Every answer is graded again with the question bank: the status a file claims is ignored,
reflections are never graded, unknown question ids are reported and left out. Duplicate exports are
counted once. Every file that cannot be used is named with the reason; the others are still counted.
CSV cells that a spreadsheet would run as a formula are neutralised (OWASP CSV-injection rule).

The modules, in the order the data flows:
    text        safe previews of untrusted text; CSV cells a spreadsheet cannot run
    untrusted   reading untrusted files and JSON: regular files only, bounded
    exports     one export file: its format checked, its answers indexed
    grading     notebook order, bank checksums, the version stamp, grading again
    learner     the learner's export file
    widget      the box that writes it from a notebook (needs ipywidgets; imported when shown)
    gathering   a folder of exports: each person's files merged, every answer graded again
    report      tables by question and by learner; the files `gather` writes
    barchart    the class chart
    discussion  the discussion sheet of reflections
    roster      the class list an LMS (Canvas, Moodle) exports
    scores      the gradebook written for the LMS
    cli         the command line (run by __main__)
"""

from __future__ import annotations

from ..questions import CORRECT, INCORRECT, INVALID, SAVED, Question
from .barchart import MAX_CHART_ROWS, MAX_LABEL, chart, show_chart
from .cli import main
from .discussion import discussion_html, discussion_markdown, reflections
from .exports import FORMAT, MAX_ANSWERS, VERSION
from .gathering import MAX_LISTED, MAX_TOTAL_BYTES, Answer, Gathered, Learner, gather
from .grading import (
    MAX_REFLECTION,
    bank_checksums,
    course_questions,
    course_version,
    is_exercise,
    notebook_key,
    regrade,
    stamp,
)
from .learner import EXPORT_NAME, _export_widget_class, clean_identifier, export, export_answers
from .report import by_learner, by_question, pointer, report_text, write_class_view
from .roster import CANVAS_IDENTITY, CANVAS_MATCH, MAX_ROSTER_BYTES, MOODLE_IDENTITY, MOODLE_MATCH, Roster, read_roster
from .scores import DEFAULT_POINTS, Gradebook, gradebook, gradebook_report, notebook_scores
from .text import _DANGEROUS, MAX_TEXT, neutralise, safe, show, write_csv
from .untrusted import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_FILES,
    MAX_FOLDER_DEPTH,
    _too_deep,
    find_exports,
    parse_json,
    read_regular,
)

__all__ = [
    "CANVAS_IDENTITY",
    "CANVAS_MATCH",
    "CORRECT",
    "DEFAULT_POINTS",
    "EXPORT_NAME",
    "FORMAT",
    "INCORRECT",
    "INVALID",
    "MAX_ANSWERS",
    "MAX_BYTES",
    "MAX_CHART_ROWS",
    "MAX_DEPTH",
    "MAX_ENTRIES",
    "MAX_FILES",
    "MAX_FOLDER_DEPTH",
    "MAX_LABEL",
    "MAX_LISTED",
    "MAX_REFLECTION",
    "MAX_ROSTER_BYTES",
    "MAX_TEXT",
    "MAX_TOTAL_BYTES",
    "MOODLE_IDENTITY",
    "MOODLE_MATCH",
    "SAVED",
    "VERSION",
    "_DANGEROUS",
    "Answer",
    "Gathered",
    "Gradebook",
    "Learner",
    "Question",
    "Roster",
    "_export_widget_class",
    "_too_deep",
    "bank_checksums",
    "by_learner",
    "by_question",
    "chart",
    "clean_identifier",
    "course_questions",
    "course_version",
    "discussion_html",
    "discussion_markdown",
    "export",
    "export_answers",
    "find_exports",
    "gather",
    "gradebook",
    "gradebook_report",
    "is_exercise",
    "main",
    "neutralise",
    "notebook_key",
    "notebook_scores",
    "parse_json",
    "pointer",
    "read_regular",
    "read_roster",
    "reflections",
    "regrade",
    "report_text",
    "safe",
    "show",
    "show_chart",
    "stamp",
    "write_class_view",
    "write_csv",
]
