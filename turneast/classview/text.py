"""Untrusted text made safe to show: one-line previews, responses as a reader writes them, CSV cells."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MAX_TEXT = 200  # identifier, name and other short fields

# Control, zero-width and bidi characters, the byte-order mark and lone surrogates.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")

_DANGEROUS = tuple("=+-@|%\t\r\n") + ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # incl. full-width forms
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?\Z")


def safe(text: Any, limit: int = 80) -> str:
    """A one-line, printable preview of untrusted text (no control or bidi characters), at most limit chars."""
    text = CONTROL.sub("?", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(value: Any, limit: int = 120) -> str:
    """A response as a reader would write it: texts plain, lists with '; ', pairs with '→'."""
    if isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, (list, tuple)):
        text = "; ".join(show(v, limit) for v in value[:50])
    elif isinstance(value, dict):
        text = "; ".join(f"{show(k, 60)} → {show(v, 60)}" for k, v in list(value.items())[:50])
    elif value is None:
        text = ""
    else:
        text = str(value)
    return safe(text, limit)


def neutralise(cell: Any) -> str:
    """A CSV cell that a spreadsheet shows as text and never runs as a formula (OWASP CSV injection)."""
    # A cell that starts with = + - @ | %, a tab, CR or LF (also after spaces) gets a leading apostrophe and
    # its pipes escaped ('\|'), so '=cmd|...' cannot start a program. Plain numbers such as -5, and a lone
    # '-' (Moodle's "no grade"), are left alone. write_csv quotes every field, so that a separator inside a
    # cell cannot start a new one.
    if cell is None:
        return ""
    if isinstance(cell, float):
        if math.isnan(cell):
            return ""
        return f"{cell:.2f}".rstrip("0").rstrip(".")
    text = str(cell)
    if text.lstrip(" ").startswith(_DANGEROUS) and not _PLAIN_NUMBER.match(text.strip()) and text != "-":
        return "'" + text.replace("|", "\\|")
    return text


def write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> Path:
    """Write a CSV (UTF-8, every field quoted, each cell neutralised)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, quoting=csv.QUOTE_ALL)
        out.writerow([neutralise(c) for c in header])
        for row in rows:
            out.writerow([neutralise(c) for c in row])
    return Path(path)
