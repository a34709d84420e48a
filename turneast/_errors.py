"""Errors the course shows to learners as a plain message, never as a traceback."""

from __future__ import annotations


def did_you_mean(word: str, known: list[str]) -> str:
    """' Did you mean ...?' naming up to three close matches, or ''."""
    import difflib

    close = difflib.get_close_matches(word, known, n=3)
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


class CourseError(Exception):
    """A problem the learner can fix; shown as its message alone."""


class DataError(CourseError):
    """A data file is missing, edited or invalid."""


class BankError(CourseError):
    """A question bank or question id is wrong."""


def install_friendly_errors() -> None:
    """In IPython, show CourseError messages without a traceback."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return
    ip = get_ipython()
    if ip is None:
        return

    def _show(shell, etype, value, tb, tb_offset=None):  # noqa: ANN001, ANN202, ARG001 - IPython's signature
        import sys

        print(f"{etype.__name__}: {value}", file=sys.stderr)
        return None

    ip.set_custom_exc((CourseError,), _show)
