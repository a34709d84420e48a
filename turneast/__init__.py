"""Helpers for the course "Russia's Turn to the East after the Ukraine War"."""
from __future__ import annotations

from ._errors import BankError, CourseError, DataError, install_friendly_errors
from .charts import PALETTE, figure, finish
from .data import describe, excerpt, load, source_line, sources
from .tables import one_per_year, table
from .quiz import (answer, ask, check, explain, hint, my_answers, progress, revisit, save_answers, saved_answer,
                   score, start_afresh)

__all__ = ["BankError", "CourseError", "DataError", "PALETTE", "answer", "ask", "check", "describe",
           "excerpt", "explain", "figure", "finish", "hint", "load", "my_answers", "progress", "revisit",
           "save_answers", "saved_answer", "score", "source_line", "sources", "start_afresh", "table", "one_per_year"]

install_friendly_errors()
