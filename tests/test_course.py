"""Course-level checks: notebook structure, links, environment files in step (exercise tools: test_authoring.py)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from turneast.paths import ROOT

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
GENERATED = sorted((ROOT / "exercises").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
ALL = LESSONS + GENERATED + sorted((ROOT / "masters").glob("*.ipynb"))


def _md(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_structure(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    h1 = [line for text in _md(nb) for line in text.splitlines() if re.match(r"#\s", line)]
    assert len(h1) == 1, f"{path.name}: {len(h1)} H1 headings"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    top = "\n".join(_md(nb)[:2])
    assert re.search(r"what you will learn", top, re.I), "no 'What you will learn' near the top"
    assert re.search(r"Estimated time:\*\*\s*\d+", top), "no estimated time near the top"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_navigation_links_resolve(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(_md(nb))
    links = re.findall(r"\]\(([^)#]+\.ipynb)\)", text)
    assert links, f"{path.name} has no links to other notebooks"
    for link in links:
        assert (path.parent / link).resolve().exists(), f"{path.name}: broken link {link}"
    first, last = nb.cells[0].source, nb.cells[-1].source
    if path.name != "00_start_here.ipynb":
        assert "**Previous:**" in first, f"{path.name}: no Previous link in the first cell"
    if path.name != LESSONS[-1].name:
        assert "**Next:**" in last, f"{path.name}: no Next link in the last cell"


THREAD_LESSONS = [p for p in LESSONS if p.name not in ("00_start_here.ipynb", "08_my_progress.ipynb")]


@pytest.mark.parametrize("path", THREAD_LESSONS, ids=lambda p: p.name)
def test_lessons_end_with_prompts_summary_and_reading(path: Path) -> None:
    text = "\n".join(_md(nbformat.read(path, as_version=4)))
    for heading in ("Discussion prompts", "Summary", "Further reading", "Facts as of"):
        assert heading in text, f"{path.name}: no '{heading}'"


def test_lessons_are_numbered_in_sequence() -> None:
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(len(numbers)))


def test_every_chart_has_alt_text() -> None:
    """Charts are stored as <img alt="..."> (JupyterLab ignores alt on image/png), with a visible description too."""
    for path in LESSONS + GENERATED:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            outputs = cell.get("outputs", [])
            assert not any("image/png" in o.get("data", {}) for o in outputs), (
                f"{path.name}: a bare image/png output (no alt text) in cell {cell.source[:60]!r}"
            )
            imgs = [m for o in outputs for m in re.findall(r"<img [^>]*>", o.get("data", {}).get("text/html", ""))]
            for img in imgs:
                assert re.search(r'alt="[^"]{20,}"', img), (
                    f"{path.name}: an image without alt text in {cell.source[:60]!r}"
                )
            if imgs:
                described = sum("*Chart description:*" in o.get("data", {}).get("text/markdown", "") for o in outputs)
                assert described >= len(imgs), (
                    f"{path.name}: a chart without a visible description: {cell.source[:60]!r}"
                )


def test_stored_outputs_hold_no_errors_or_widget_state() -> None:
    for path in LESSONS + sorted((ROOT / "solutions").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert "widgets" not in nb.metadata, f"{path.name}: stored widget state"
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert out.get("output_type") != "error", f"{path.name}: stored error in {cell.source[:60]!r}"
                assert out.get("name") != "stderr", f"{path.name}: stored stderr in {cell.source[:60]!r}"
            if cell.cell_type == "code":
                assert cell.get("execution_count") is not None or not cell.source.strip(), (
                    f"{path.name}: unexecuted cell"
                )


def _packages(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        line = line.split("#")[0].strip().lstrip("- ").strip()
        if line and not line.endswith(":"):
            names.add(re.split(r"[<>=!~ \[]", line)[0].lower().replace("_", "-"))
    return names


def test_environment_yml_matches_requirements() -> None:
    pip = _packages((ROOT / "requirements.txt").read_text().splitlines())
    dev = _packages((ROOT / "requirements-dev.txt").read_text().splitlines())
    text = (ROOT / "environment.yml").read_text()
    deps = text.split("dependencies:")[1]
    conda = _packages(
        [
            ln
            for ln in deps.splitlines()
            if ln.strip().startswith("- ") and ln.strip() != "- pip:" and "--editable" not in ln
        ]
    )
    conda -= {"python", "pip"}
    assert pip | dev == conda, f"only pip: {sorted((pip | dev) - conda)}; only conda: {sorted(conda - pip - dev)}"


# ---------------------------------------------------------------- what a learner meets on the page
MARKDOWN_FILES = (
    sorted(ROOT.glob("*.md"))
    + sorted((ROOT / "instructors").glob("*.md"))
    + sorted((ROOT / "docs").glob("**/*.md"))
    + sorted((ROOT / "data").glob("**/*.md"))
)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _relative_links(text: str) -> list[str]:
    """Markdown link targets that point into the course (not web addresses, anchors or code examples)."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    return [
        t.split("#")[0]
        for t in LINK.findall(text)
        if not re.match(r"[a-z]+:", t) and not t.startswith("#") and t.split("#")[0]
    ]


@pytest.mark.parametrize(
    "path",
    ALL + MARKDOWN_FILES + sorted((ROOT / "instructors").glob("*.ipynb")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_relative_link_resolves_on_disk(path: Path) -> None:
    if path.suffix == ".ipynb":
        text = "\n".join(_md(nbformat.read(path, as_version=4)))
    else:
        text = path.read_text(encoding="utf-8")
    broken = [t for t in _relative_links(text) if not (path.parent / t).resolve().exists()]
    assert broken == [], f"{path.relative_to(ROOT)}: links to missing files {broken}"


@pytest.mark.parametrize("path", THREAD_LESSONS, ids=lambda p: p.name)
def test_every_thread_lesson_links_to_its_exercise(path: Path) -> None:
    exercise = sorted((ROOT / "exercises").glob(f"ex{path.name[:2]}_*.ipynb"))
    if not exercise and path.name.startswith("07"):
        exercise = sorted((ROOT / "exercises").glob("ex07_*.ipynb"))
    assert exercise, f"{path.name}: no exercise notebook exists for this lesson"
    text = "\n".join(_md(nbformat.read(path, as_version=4)))
    assert f"../exercises/{exercise[0].name})" in text, f"{path.name}: no link to {exercise[0].name}"


_DOLLAR = re.compile(r"(?<!\\)\$")


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_markdown_dollar_pair_is_rendered_as_math(path: Path) -> None:
    """JupyterLab renders text between two unescaped $ signs in a cell as LaTeX: escape them as \\$."""
    for text in _md(nbformat.read(path, as_version=4)):
        prose = re.sub(r"`[^`]*`", "", text)  # code spans are not math
        assert len(_DOLLAR.findall(prose)) < 2, f"{path.name}: $...$ would render as math: {text[:120]!r}"


TEACHING = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "masters").glob("*.ipynb"))


def _code(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", TEACHING, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebooks_define_no_helpers_and_keep_cells_short(path: Path) -> None:
    """Drawing boilerplate and helpers live in the package; a code cell stays readable at a glance."""
    for source in _code(path):
        assert not re.search(r"^\s*(def|class) ", source, re.M), (
            f"{path.name}: helper defined in a cell: {source[:80]!r}"
        )
        assert len(source.splitlines()) <= 20, f"{path.name}: a {len(source.splitlines())}-line cell: {source[:80]!r}"


@pytest.mark.parametrize("path", TEACHING, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chart_captions_come_from_the_datapackages(path: Path) -> None:
    """One way to write a source line, te.source_line(...), so that a caption cannot drift from the data."""
    for source in _code(path):
        assert not re.search(r"[\"']Source:", source), f"{path.name}: a typed-out source line: {source[:80]!r}"
        for call in re.finditer(r"te\.finish\(", source):
            assert re.search(r"source\s*=\s*te\.source_line\(", source[call.start() :]), (
                f"{path.name}: te.finish without source=te.source_line(...): {source[:80]!r}"
            )
