"""Chart style of the course: a finding as title, units, a source line, colour-blind-safe colours, alt text."""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from IPython.display import Markdown, display

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
THREAD_COLOURS = {"china": "#D55E00", "central_asia": "#009E73", "japan": "#0072B2", "korea": "#CC79A7",
                  "india": "#E69F00", "general": "#000000"}


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
        ax.text(0, 1.02, units, transform=ax.transAxes, fontsize=9, color="#555555", va="bottom")
    fig.text(0.01, 0.01, source, fontsize=8, color="#555555", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, top))
    display(fig)
    plt.close(fig)
    display(Markdown(f"*Chart description:* {alt}"))
