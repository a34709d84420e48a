"""The class chart: per graded question, the share correct of those who answered, with a description."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .text import safe

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_LABEL = 70  # characters of a question drawn in a chart
MAX_CHART_ROWS = 120  # questions drawn in one chart
_PLAIN = {"parse_math": False, "usetex": False}  # every label is plain text, never mathtext


def chart(table: pd.DataFrame, path: Path | None = None, notebook: str | None = None) -> tuple[Figure, str]:
    """A bar per graded question: share correct of those who answered; returns (figure, alt text)."""
    # 0% is drawn (a mark at zero and the words '0% correct'); a question nobody answered says so. With
    # path, the chart is saved there and closed.
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rows, capped = _rows_to_draw(table, notebook)
    lines: list[tuple[str, Any]] = []
    for nb in dict.fromkeys(rows["notebook"]):
        lines.append(("notebook", nb))
        lines += [("question", (qid, r)) for qid, r in rows[rows["notebook"] == nb].iterrows()]
    fig, ax, height = _axes(len(lines))
    for y, (kind, item) in enumerate(lines):
        if kind == "notebook":
            ax.text(-1, y, safe(item, MAX_LABEL), ha="right", va="center", fontweight="bold", fontsize=9, **_PLAIN)
        else:
            _draw_question(ax, y, *item)
    title = "How the class answered each question" + (f": {notebook}" if notebook else "")
    ax.set_title(title, loc="left", fontweight="bold", pad=12, **_PLAIN)
    if capped:
        ax.text(
            0,
            len(lines) - 0.2,
            f"{capped} more question(s) not drawn (at most {MAX_CHART_ROWS} per chart); see by_question.csv.",
            fontsize=8,
            color="#555555",
            va="top",
            **_PLAIN,
        )
    fig.subplots_adjust(left=0.45, right=0.78, top=1 - 0.9 / height, bottom=0.7 / height)
    alt = _alt_text(rows, notebook, capped)
    if path is not None:
        fig.savefig(path, dpi=100)
        plt.close(fig)
    return fig, alt


def _rows_to_draw(table: pd.DataFrame, notebook: str | None) -> tuple[pd.DataFrame, int]:
    """(the questions to draw: of notebooks someone answered, at most MAX_CHART_ROWS; how many were left out)."""
    rows = table if notebook is None else table[table["notebook"] == notebook]
    answered_nbs = set(rows.loc[rows["answered"] > 0, "notebook"])
    rows = rows[rows["notebook"].isin(answered_nbs)]
    capped = max(0, len(rows) - MAX_CHART_ROWS)
    return rows.iloc[:MAX_CHART_ROWS], capped


def _axes(n_lines: int) -> tuple[Figure, Axes, float]:
    """(figure, axes, height in inches) for n_lines rows of labels and bars, 0 to 100%."""
    from ..charts import figure

    height = 1.6 + 0.3 * max(n_lines, 1)
    fig, ax = figure(11, height)
    ax.grid(False)
    ax.set_xlim(0, 100)
    ax.set_ylim(n_lines - 0.5, -0.8)
    ax.set_yticks([])
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("correct, of those who answered (%)")
    return fig, ax, height


def _draw_question(ax: Axes, y: int, qid: str, r: pd.Series) -> None:
    """One question's row: its label, a grey bar for 100%, the share correct and 'n of N answered'."""
    from ..charts import PALETTE

    ax.text(-1, y, safe(f"{qid}: {r['question']}", MAX_LABEL), ha="right", va="center", fontsize=8, **_PLAIN)
    ax.barh(y, 100, height=0.7, color="#eeeeee")
    if r["answered"] == 0:
        nobody = f"nobody answered (0 of {r['learners']})"
        ax.text(1, y, nobody, va="center", fontsize=8, color="#555555", style="italic", **_PLAIN)
        return
    pct = float(r["share_correct_pct"])
    ax.barh(y, pct, height=0.7, color=PALETTE[0])
    if pct == 0:
        ax.plot([0.6], [y], marker="|", markersize=14, markeredgewidth=4, color=PALETTE[3])
    ax.text(
        101,
        y,
        f"{pct:.0f}% correct · {r['answered_of']}",
        va="center",
        fontsize=8,
        color="#9a3412" if pct == 0 else "#222222",  # dark enough for small text
        clip_on=False,
        **_PLAIN,
    )


def _alt_text(rows: pd.DataFrame, notebook: str | None, capped: int) -> str:
    """The chart's description for readers who cannot see it."""
    shown_rows = rows[rows["answered"] > 0]
    zero = shown_rows[shown_rows["share_correct_pct"] == 0]
    return (
        f"Bar chart of {len(shown_rows)} question(s) in course order"
        + (f" in {notebook}" if notebook else "")
        + ": the share of answers that were correct, with how many of "
        f"the {int(rows['learners'].max()) if len(rows) else 0} learners answered each."
        + (f" {len(zero)} question(s) had no correct answer: {', '.join(zero.index[:5])}." if len(zero) else "")
        + (f" {capped} question(s) not drawn." if capped else "")
    )


def show_chart(table: pd.DataFrame, notebook: str | None = None) -> None:
    """In a notebook: draw the chart (all questions, or one notebook's) with its description underneath."""
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    fig, alt = chart(table, notebook=notebook)
    display(fig)
    plt.close(fig)
    display(Markdown(f"*Chart description:* {alt}"))
