"""The course timeline: a matplotlib chart of dated events and a widget to filter it by thread."""

from __future__ import annotations

import html
import io
from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd

from .charts import THREAD_COLOURS, figure, png_html

THREAD_NAMES = {
    "general": "General",
    "china": "China",
    "central_asia": "Central Asia",
    "japan": "Japan",
    "korea": "Korean Peninsula",
    "india": "India",
}


def draw(events: pd.DataFrame, title: str) -> Any:
    """A timeline figure: one row per thread, one marker per event (the table beside it names them)."""
    fig, ax = figure(10, 0.9 + 0.75 * events["thread"].nunique())
    threads = [t for t in THREAD_NAMES if t in set(events["thread"])]
    for y, thread in enumerate(threads):
        rows = events[events["thread"] == thread]
        ax.scatter(
            rows["date"],
            [y] * len(rows),
            s=40,
            color=THREAD_COLOURS[thread],
            zorder=3,
            marker="os^Dvp"[y % 6],
            label=THREAD_NAMES[thread],
        )
    ax.set_yticks(range(len(threads)), [THREAD_NAMES[t] for t in threads])
    ax.set_ylim(-0.7, len(threads) - 0.3)
    ax.grid(axis="x", color="#dddddd")
    ax.grid(axis="y", visible=False)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    return fig


def table_html(events: pd.DataFrame) -> str:
    """The events as an accessible HTML table."""
    rows = "".join(
        f"<tr><td>{e.date:%Y-%m-%d}</td><td>{html.escape(THREAD_NAMES[e.thread])}</td>"
        f"<td><b>{html.escape(e.label)}</b><br>{html.escape(e.detail)}</td></tr>"
        for e in events.itertuples()
    )
    return (
        "<table><caption>Events of the Turn to the East (sources in data/core/datapackage.json)</caption>"
        "<thead><tr><th>Date</th><th>Thread</th><th>Event</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _png(fig: Any) -> bytes:
    """Render a figure to PNG bytes and close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


class Explorer(w.VBox):
    """Pick a thread; the chart and the table below update (no printed output, so stored outputs stay stable)."""

    def __init__(self, events: pd.DataFrame) -> None:
        self.events = events.sort_values("date")
        options = [("All threads", "all")] + [(THREAD_NAMES[t], t) for t in THREAD_NAMES if t in set(events["thread"])]
        self.choice = w.Dropdown(options=options, value="all", description="Thread:")
        self.image = w.HTML()
        self.table = w.HTML()
        self.choice.observe(lambda _: self.update(), names="value")
        super().__init__([self.choice, self.image, self.table])
        self.update()

    def selected(self) -> pd.DataFrame:
        """The events of the chosen thread."""
        if self.choice.value == "all":
            return self.events
        return self.events[self.events["thread"] == self.choice.value]

    def update(self) -> None:
        """Redraw the chart and the table for the chosen thread."""
        rows = self.selected()
        label = {v: k for k, v in self.choice.options}[self.choice.value]
        title = f"{label}: {len(rows)} events, {rows['date'].min():%Y} to {rows['date'].max():%Y}"
        self.image.value = png_html(_png(draw(rows, title)), f"Timeline chart. {title}; the table below lists them.")
        self.table.value = table_html(rows)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"Timeline explorer: {len(self.events)} events; choose a thread in JupyterLab to filter."
        return bundle
