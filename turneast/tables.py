"""Tables for reading: prose shown whole and left-aligned, and one figure per year from several reporters."""

from __future__ import annotations

import hashlib

import pandas as pd

_NA = "<NA>"


class Table:
    """A DataFrame shown for reading: text columns whole and left-aligned, missing values as <NA>."""

    def __init__(self, frame: pd.DataFrame, index: bool) -> None:
        self.frame = frame
        self.index = index

    def _text_columns(self) -> list[str]:
        """Columns holding text (strings or objects)."""
        return [
            c
            for c in self.frame.columns
            if not pd.api.types.is_numeric_dtype(self.frame[c])
            and not pd.api.types.is_datetime64_any_dtype(self.frame[c])
        ]

    def _repr_html_(self) -> str:
        uuid = hashlib.sha256(self.frame.to_csv().encode()).hexdigest()[:10]  # stable, and distinct per table
        styler = self.frame.style.set_uuid(uuid).format(na_rep=_NA, precision=2, thousands=None)
        styler = styler.format(
            lambda d: _NA if pd.isna(d) else f"{d:%Y-%m-%d}",
            subset=[c for c in self.frame.columns if pd.api.types.is_datetime64_any_dtype(self.frame[c])],
        )
        styler = styler.set_properties(subset=self._text_columns(), **{"text-align": "left", "white-space": "normal"})
        styler = styler.set_table_styles([{"selector": "th", "props": "text-align: left;"}])
        if not self.index:
            styler = styler.hide(axis="index")
        return styler.to_html()

    def __repr__(self) -> str:
        text = self._text_columns()
        shown = self.frame.copy()
        for col in text:  # written out here: pandas would right-align its own missing-value marker
            shown[col] = [_NA if pd.isna(v) else str(v) for v in shown[col]]
        widths = {c: max([len(str(c))] + [len(v) for v in shown[c]]) for c in text}
        left = {c: (lambda v, w=widths[c]: v.ljust(w)) for c in text}
        text_out = shown.to_string(index=self.index, formatters=left, na_rep=_NA, justify="left")
        return "\n".join(line.rstrip() for line in text_out.splitlines())


def table(frame: pd.DataFrame, index: bool = False) -> Table:
    """Show a DataFrame for reading: text whole and left-aligned, missing values as <NA> (index hidden unless asked)."""
    return Table(frame, index)


def one_per_year(rows: pd.DataFrame, value: str, preference: list[str], by: str = "reporter") -> pd.DataFrame:
    """One figure per year from the first reporter in `preference` that gives one (reporter, value, source)."""
    rows = rows[rows[by].isin(preference) & rows[value].notna()]
    rank = rows[by].map({name: i for i, name in enumerate(preference)})
    best = rows.assign(_rank=rank).sort_values(["year", "_rank"]).drop_duplicates("year")
    return best.set_index("year")[[by, value] + (["source"] if "source" in rows.columns else [])]
