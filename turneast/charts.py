"""Chart style of the course: a finding as title, units, a source line, colour-blind-safe colours, alt text."""

from __future__ import annotations

import base64
import html
import io
import textwrap
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
THREAD_COLOURS = {
    "china": "#D55E00",
    "central_asia": "#009E73",
    "japan": "#0072B2",
    "korea": "#CC79A7",
    "india": "#E69F00",
    "general": "#000000",
}


def figure(width: float = 8.0, height: float = 4.5) -> tuple[Any, Any]:
    """A new figure and axes in the course style."""
    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    ax.set_prop_cycle(color=PALETTE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def finish(fig: Any, ax: Any, *, title: str, units: str, source: str, alt: str) -> None:
    """Add the title (the finding), units, a source line, then show the chart and its alt text."""
    if not alt.strip():
        raise ValueError("Every chart needs a one-line alt text describing what it shows.")
    top = 1.0
    if len(fig.axes) > 1:  # small multiples: the finding goes above all panels
        fig.suptitle(title, x=0.01, y=0.995, ha="left", fontsize=12, fontweight="bold")
        fig.text(0.01, 0.955, units, fontsize=9, color="#555555", ha="left", va="top")
        top = 0.93
    else:
        ax.set_title(title, loc="left", fontsize=12, fontweight="bold", pad=22)
        ax.annotate(
            units,
            (0, 1),
            xycoords="axes fraction",
            xytext=(0, 5),
            textcoords="offset points",
            fontsize=9,
            color="#555555",
            va="bottom",
        )  # in points: no overlap with the title on tall charts
    width_chars = int(fig.get_figwidth() * 16)  # about 16 characters of 8-point text per inch
    lines = textwrap.wrap(source, width_chars) or [""]
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=8, color="#555555", ha="left", va="bottom")
    bottom = (0.16 * len(lines) + 0.1) / fig.get_figheight()  # inches of source text, as a share of the figure
    fig.tight_layout(rect=(0, bottom, 1, top))
    display_with_alt(fig, alt)
    display(Markdown(f"*Chart description:* {alt}"))


def png_html(png: bytes, alt: str) -> str:
    """An <img> for PNG bytes that carries its alt text (JupyterLab ignores alt in image/png metadata)."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" style="max-width:100%">'


def display_with_alt(fig: Any, alt: str) -> None:
    """Show a figure as an <img alt> (JupyterLab, GitHub, nbconvert and the website keep the alt), then close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    display({"text/html": png_html(buf.getvalue(), alt), "text/plain": repr(fig)}, raw=True)


# ---------------------------------------------------------------- reusable course charts
VOTE_COLOURS = {"yes": "#009E73", "abstain": "#E69F00", "no": "#D55E00", "absent": "#bbbbbb", "no source": "white"}
VOTE_WORDS = {"yes": "yes", "abstain": "abstain", "no": "no", "absent": "did not vote", "no source": "no source"}
VOTE_LETTERS = {"yes": "Y", "abstain": "A", "no": "N", "absent": "–", "no source": ""}


def vote_grid(matrix: pd.DataFrame, *, letters: bool = False, line_after: int | None = None) -> tuple[Any, Any]:
    """A grid of votes (rows: states, columns: resolutions), each cell coloured and spelled out; no source = hatched."""
    cells = matrix.fillna("no source")
    fig, ax = figure(10, max(3.0, 0.45 * len(cells) + 1.5) if not letters else max(3.0, 0.28 * len(cells) + 1.5))
    ax.grid(False)
    for i, row in enumerate(cells.itertuples(index=False)):
        for j, vote in enumerate(row):
            ax.add_patch(
                plt.Rectangle(
                    (j, i),
                    0.95,
                    0.9,
                    facecolor=VOTE_COLOURS[vote],
                    edgecolor="#999999",
                    hatch="xx" if vote == "no source" else None,
                )
            )
            word = (VOTE_LETTERS if letters else VOTE_WORDS)[vote]
            ax.text(
                j + 0.475,
                i + 0.45,
                word,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if vote == "no" else "black",
            )
    if line_after is not None:
        ax.axhline(line_after - 0.05, color="black", linewidth=1)
    ax.set_xlim(0, cells.shape[1])
    ax.set_ylim(len(cells), 0)
    ax.set_xticks([j + 0.475 for j in range(cells.shape[1])], [str(c) for c in cells.columns], fontsize=8)
    ax.set_yticks([i + 0.45 for i in range(len(cells))], [str(r) for r in cells.index], fontsize=8 if letters else 10)
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return fig, ax


def small_multiples(
    panels: list[tuple[str, str, pd.Series]], marks: dict[int, str] | None = None, years: range = range(2012, 2026)
) -> tuple[Any, Any]:
    """One line chart per (title, unit, series by year) in a 2-column grid; gaps stay gaps; dashed lines at marks."""
    rows = (len(panels) + 1) // 2
    fig, axes = plt.subplots(rows, 2, figsize=(10, 3.5 * rows), dpi=100, squeeze=False)
    for ax, (title, unit, series) in zip(axes.flat, panels):
        values = series.reindex(years).astype(float)
        ax.plot(values.index, values.to_numpy(), marker="o", color=PALETTE[0], linewidth=1.5)
        ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
        ax.set_ylabel(unit, fontsize=8)
        ax.set_xlim(years.start - 0.5, years.stop - 0.5)
        ax.set_ylim(bottom=0)
        for year, style in (marks or {}).items():
            ax.axvline(year, color="#999999", linestyle=style, linewidth=1)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    return fig, axes


def report_dots(
    rows: pd.DataFrame, order: list[str], *, value: str, label: str, approximate: str, by: str = "state"
) -> tuple[Any, Any]:
    """One labelled marker per report, a line per category (hollow = approximate); empty lines say so."""
    fig, ax = figure(9, 0.9 * len(order) + 1)
    for i, name in enumerate(order):
        known = rows[(rows[by] == name) & rows[value].notna()].reset_index(drop=True)
        if known.empty:
            ax.text(
                0.01,
                i,
                "no figure reported",
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=9,
                color="#555555",
                style="italic",
            )
        for k, report in known.iterrows():
            y = i + 0.22 * (k - (len(known) - 1) / 2)  # equal figures from different reports stay apart
            face = "white" if bool(report[approximate]) else PALETTE[0]
            ax.plot(report[value], y, "o", markersize=8, color=PALETTE[0], markerfacecolor=face)
            ax.annotate(
                str(report[label]),
                (report[value], y),
                xytext=(7, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
    ax.set_yticks(range(len(order)), order)
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.plot([], [], "o", color=PALETTE[0], label="figure given as exact")
    ax.plot([], [], "o", color=PALETTE[0], markerfacecolor="white", label="figure given as approximate ('about')")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return fig, ax


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on the given fill colour (WCAG relative luminance)."""
    from matplotlib.colors import to_rgb

    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


def stacked_bars(
    frame: pd.DataFrame, colours: dict[str, str], hatches: dict[str, str] | None = None, min_label: float = 7.0
) -> tuple[Any, Any]:
    """Horizontal bars, one per row, columns stacked left to right; coloured columns labelled, the rest plain grey."""
    fig, ax = figure(8, 5.2)
    labels = [str(row) for row in frame.index]
    left = pd.Series(0.0, index=frame.index)
    for name in frame.columns:
        values = frame[name].astype(float).fillna(0.0)
        fill = colours.get(name, "#cccccc")
        ax.barh(
            labels, values, left=left, color=fill, hatch=(hatches or {}).get(name, ""), edgecolor="white", label=name
        )
        for label, value, start in zip(labels, values, left):
            if name in colours and value >= min_label:
                box = {"facecolor": fill, "edgecolor": "none", "pad": 1.5}  # keeps the number off the hatch
                ax.text(
                    start + value / 2,
                    label,
                    f"{value:g}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=_ink(fill),
                    bbox=box,
                )
        left = left + values
    return fig, ax
