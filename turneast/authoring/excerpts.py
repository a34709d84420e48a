"""Check that every excerpt in the course is quoted word for word from the three source texts.

    python -m turneast.authoring.excerpts            # check the course (exit 1 on a misquote or over budget)
    python -m turneast.authoring.excerpts --sources /path/to/texts

An excerpt is a Markdown blockquote (lines starting with ">") of six words or more in a notebook
(lessons, masters, solutions, instructors' notebooks; exercises/ repeat the masters), or a value in a
CSV column named text, excerpt or quote under data/. Each must appear, word for word, in one of the
source texts (curly quotes, dashes, emphasis and whitespace are normalised; "..." or "…" may join
fragments that appear in order; [square-bracket] insertions are editorial and skipped). A quote that
is close to a source but not verbatim is a misquote; one unlike any source is listed as "from elsewhere"
(it needs its own citation). No more than MAX_SHARE of any one source may be quoted across the course.

The texts belong to their publishers and are not in the repository: they are read from the folder
named by TURNEAST_SOURCES, by default ../shared/sources next to the repository.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import ROOT
from . import command

ENV = "TURNEAST_SOURCES"
MAX_SHARE = 0.25  # at most a quarter of any one source may be quoted
NEAR_MISS = 0.80  # similarity above which a non-match is called a misquote
MIN_WORDS = 6  # shorter blockquotes and CSV values are not treated as excerpts
SKIP_FOLDERS = {"exercises", "_output", "_stage", "build", "artifacts", "node_modules"}

TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2032": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
        "\u00a0": " ",
    }
)


class SourcesMissing(Exception):
    """The source texts are not where the check looked; the message says where and how to point to them."""


def sources_dir() -> Path:
    """The folder holding the source texts: TURNEAST_SOURCES, else ../shared/sources beside the repository."""
    override = os.environ.get(ENV, "").strip()
    return Path(override).expanduser() if override else (ROOT.parent / "shared" / "sources").resolve()


def normalise(text: str) -> str:
    """Straight quotes and hyphens, no Markdown emphasis, single spaces."""
    text = text.translate(TRANSLATE)
    text = re.sub(r"\*\*|__|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)", "", text)  # markdown emphasis
    text = re.sub(r"\s+", " ", text)
    return text.strip().strip('"').strip()


def fragments(excerpt: str) -> list[str]:
    """Split an excerpt on ellipses and editorial [insertions]."""
    parts = re.split(r"\.\.\.|\u2026|\[[^\]]*\]", excerpt)
    return [p.strip(" .,;:\"'-") for p in parts if len(p.strip(" .,;:\"'-").split()) >= 3]


def load_sources(folder: Path | None = None) -> dict[str, str]:
    """The normalised source texts by file name, or SourcesMissing saying where the check looked."""
    folder = sources_dir() if folder is None else Path(folder)
    texts = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not texts:
        how = "the folder does not exist" if not folder.is_dir() else "the folder holds no .txt files"
        raise SourcesMissing(
            f"The source texts were not found in {folder} ({how}), so the excerpt check cannot run. "
            f"They are not part of the repository. Point to them with the environment variable {ENV}, "
            f"e.g. {ENV}=/path/to/sources python -m turneast.authoring.excerpts "
            f"(default: ../shared/sources next to the repository)."
        )
    return {p.name: normalise(p.read_text(encoding="utf-8")) for p in texts}


def blockquotes(nb_path: Path, root: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every blockquote of MIN_WORDS words or more in a notebook's Markdown cells."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        src = "".join(cell.get("source", ""))
        block: list[str] = []
        for line in [*src.splitlines(), ""]:
            if line.lstrip().startswith(">"):
                block.append(line.lstrip()[1:].strip())
            elif block:
                text = " ".join(b for b in block if b)
                # a trailing attribution line such as "— Kuhrt" is not part of the quote
                text = re.sub(r"\s[\u2014-]{1,2}\s?[A-Z][^.]{0,80}$", "", text)
                if len(text.split()) >= MIN_WORDS:
                    yield f"{nb_path.relative_to(root)}#cell{i}", text
                block = []


def csv_excerpts(csv_path: Path, root: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every value of MIN_WORDS words or more in a text/excerpt/quote column."""
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        cols = [c for c in (reader.fieldnames or []) if c and c.lower() in {"text", "excerpt", "quote"}]
        for n, row in enumerate(reader, start=2):
            for c in cols:
                if row.get(c) and len(row[c].split()) >= MIN_WORDS:
                    yield f"{csv_path.relative_to(root)}:{n}:{c}", row[c]


def course_notebooks(root: Path) -> list[Path]:
    """The notebooks whose blockquotes count: not hidden folders (.venv, checkpoints), exercises/ or build output."""
    return [
        p
        for p in sorted(root.glob("**/*.ipynb"))
        if not any(part.startswith(".") or part in SKIP_FOLDERS for part in p.relative_to(root).parts[:-1])
    ]


def find_excerpts(root: Path) -> list[tuple[str, str]]:
    """Every excerpt in the course under root."""
    found: list[tuple[str, str]] = []
    for nb in course_notebooks(root):
        found.extend(blockquotes(nb, root))
    for c in sorted((root / "data").glob("**/*.csv")):
        found.extend(csv_excerpts(c, root))
    return found


@dataclass
class Misquote:
    """An excerpt close to a source but not verbatim."""

    where: str
    text: str
    source: str
    window: str
    similarity: float


@dataclass
class Report:
    """What the check found."""

    checked: int = 0
    verbatim: int = 0
    misquotes: list[Misquote] = field(default_factory=list)
    elsewhere: list[tuple[str, str]] = field(default_factory=list)
    shares: dict[str, float] = field(default_factory=dict)

    @property
    def over_budget(self) -> list[str]:
        """Sources quoted beyond MAX_SHARE."""
        return [name for name, share in self.shares.items() if share > MAX_SHARE]

    @property
    def failed(self) -> bool:
        """True on a misquote or a source quoted beyond its budget."""
        return bool(self.misquotes or self.over_budget)

    def text(self) -> str:
        """The report as printed."""
        lines = [
            f"excerpts checked: {self.checked}; verbatim from the sources: {self.verbatim}; "
            f"misquoted: {len(self.misquotes)}; from elsewhere: {len(self.elsewhere)}"
        ]
        for m in self.misquotes:
            lines.append(
                f"\nMISQUOTE {m.where} (closest: {m.source}, similarity {m.similarity:.2f})\n"
                f"  course: {m.text[:300]}\n  source: {m.window[:300]}"
            )
        for where, raw in self.elsewhere:
            lines.append(f"\nnot in the three sources (cite it where it appears): {where}\n  {raw[:200]}")
        for name, share in self.shares.items():
            flag = f"  <-- over the limit of {MAX_SHARE:.0%}" if share > MAX_SHARE else ""
            lines.append(f"share of {name} quoted: {share:.1%}{flag}")
        return "\n".join(lines)


def _locate(frags: list[str], sources: dict[str, str]) -> tuple[str, list[tuple[int, int]]] | None:
    """The first source holding every fragment, in order, with the fragments' spans."""
    for name, text in sources.items():
        spans, pos = [], 0
        for f in frags:
            j = text.find(f, pos)
            if j < 0:
                break
            spans.append((j, j + len(f)))
            pos = j + len(f)
        else:
            return name, spans
    return None


def _closest(probe: str, sources: dict[str, str]) -> tuple[float, str | None, str]:
    """The most similar window of any source to the probe: (similarity, source name, window)."""
    best, best_name, best_window = 0.0, None, ""
    for name, text in sources.items():
        m = difflib.SequenceMatcher(None, text, probe, autojunk=False)
        blk = m.find_longest_match(0, len(text), 0, len(probe))
        window = text[max(0, blk.a - blk.b) : blk.a - blk.b + len(probe)]
        r = difflib.SequenceMatcher(None, window, probe).ratio()
        if r > best:
            best, best_name, best_window = r, name, window
    return best, best_name, best_window


def check(root: Path = ROOT, sources: dict[str, str] | None = None) -> Report:
    """Check every excerpt under root against the sources (read from sources_dir() by default)."""
    sources = load_sources() if sources is None else sources
    quoted = {name: bytearray(len(text)) for name, text in sources.items()}
    found = find_excerpts(Path(root))
    report = Report(checked=len(found))
    for where, raw in found:
        frags = fragments(normalise(raw)) or [normalise(raw)]
        hit = _locate(frags, sources)
        if hit:
            report.verbatim += 1
            for a, b in hit[1]:
                quoted[hit[0]][a:b] = b"\x01" * (b - a)
            continue
        similarity, name, window = _closest(frags[0], sources)
        if similarity >= NEAR_MISS and name is not None:
            report.misquotes.append(Misquote(where, raw, name, window, similarity))
        else:
            report.elsewhere.append((where, raw))
    report.shares = {name: sum(marks) / max(1, len(marks)) for name, marks in quoted.items()}
    return report


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = command(
        "excerpts",
        "Check that every excerpt is verbatim from the source texts and that "
        f"no source is quoted beyond {MAX_SHARE:.0%} of its length.",
    )
    p.add_argument("root", nargs="?", type=Path, default=ROOT, help="the course folder (default: this repository)")
    p.add_argument("--sources", type=Path, help=f"folder of the source texts (default: ${ENV}, else ../shared/sources)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: exit 1 on a misquote or an over-budget source, 2 when the texts are absent."""
    args = parser().parse_args(argv)
    try:
        sources = load_sources(args.sources)
    except SourcesMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    report = check(args.root, sources)
    print(report.text())
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
