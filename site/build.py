#!/usr/bin/env python3
"""Build the course website from the notebooks as stored (outputs included, nothing re-executed).

    python3 course.py site                 # the usual way: makes .venv-site/ the first time, then runs this
    .venv-site/bin/python site/build.py [--instructor] [--out _site] [--repo URL] [--hub URL] [--lite-dir DIR]

Pages are found, not listed: every notebook in notebooks/ and exercises/, the files in instructors/, one page
per data/*/datapackage.json, and the excerpts in data/core. Solutions are only in an --instructor build.
The generated sources go to <out>/src/ and the website to <out>/html/ (Sphinx + MyST-NB + sphinx-book-theme).
Standard library only, apart from Sphinx itself, so it runs in the small site environment.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TITLE = "Russia's Turn to the East after the Ukraine War"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PREVIEW_ROWS = 8
LIVE_NOTE = (
    "This question is answered live: open this page in JupyterLite, on Binder or in JupyterLab "
    "(links at the top of the page). The answer is not shown here."
)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}


# ----------------------------------------------------------------------------------------- settings
def settings(args: argparse.Namespace) -> dict[str, str]:
    """site/config.toml, overridden by the command line; the repository URL defaults to git's origin."""
    conf = {k: str(v) for k, v in tomllib.loads((HERE / "config.toml").read_text(encoding="utf-8")).items()}
    for key, value in (
        ("repository_url", args.repo),
        ("jupyterhub_url", args.hub),
        ("binderhub_url", args.binder),
        ("jupyterlite_url", args.lite_url),
        ("branch", args.branch),
    ):
        if value is not None:
            conf[key] = value
    if not conf.get("repository_url"):
        try:
            conf["repository_url"] = subprocess.run(
                ["git", "remote", "get-url", "origin"], cwd=ROOT, text=True, capture_output=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            conf["repository_url"] = ""
    conf["repository_url"] = re.sub(r"\.git$", "", conf["repository_url"].rstrip("/"))
    if conf["repository_url"].startswith("git@github.com:"):
        conf["repository_url"] = "https://github.com/" + conf["repository_url"].split(":", 1)[1]
    if not re.match(r"https?://", conf["repository_url"]):  # e.g. a clone of a local folder: no public URL
        conf["repository_url"] = ""
    return conf


def launch_links(path: str, conf: dict[str, str]) -> list[dict[str, str]]:
    """The "open it live" links for one notebook (path relative to the course root).

    `site_relative` marks a link into this website (the JupyterLite build), made relative per page later.
    """
    links = []
    lite = conf.get("jupyterlite_url", "")
    if lite:
        target = lite.rstrip("/") + "/lab/index.html?path=" + urllib.parse.quote(path)
        links.append(
            {
                "label": "Open in JupyterLite",
                "url": target,
                "site_relative": "" if "://" in lite else "1",
                "note": "runs in your browser, nothing to install; answers are kept in this browser",
            }
        )
    repo, branch = conf.get("repository_url", ""), conf.get("branch", "main") or "main"
    if repo and conf.get("binderhub_url"):
        parts = urllib.parse.urlsplit(repo)
        if parts.netloc == "github.com":
            spec = "gh/" + parts.path.strip("/")
        else:
            spec = "git/" + urllib.parse.quote(repo, safe="")
        url = (
            f"{conf['binderhub_url'].rstrip('/')}/v2/{spec}/{urllib.parse.quote(branch, safe='')}"
            f"?urlpath={urllib.parse.quote('lab/tree/' + path, safe='')}"
        )
        links.append(
            {
                "label": "Open on Binder",
                "url": url,
                "site_relative": "",
                "note": "a free temporary JupyterLab; answers are lost when it closes",
            }
        )
    if repo and conf.get("jupyterhub_url"):
        folder = urllib.parse.urlsplit(repo).path.rstrip("/").rsplit("/", 1)[-1]
        query = urllib.parse.urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder}/{path}"})
        links.append(
            {
                "label": "Open on your JupyterHub",
                "url": f"{conf['jupyterhub_url'].rstrip('/')}/hub/user-redirect/git-pull?{query}",
                "site_relative": "",
                "note": "copies the course into your hub account (nbgitpuller) and keeps your answers there",
            }
        )
    return links


# ----------------------------------------------------------------------------------------- links
class Linker:
    """Rewrites relative Markdown links so that they work on the website."""

    def __init__(self, stage: Path, docs: set[str], datasets: set[str], conf: dict[str, str]) -> None:
        self.stage, self.docs, self.datasets, self.conf = stage, docs, datasets, conf

    def target(self, source: str, target: str) -> str | None:
        """Where a link from source (course-relative) to target should point on the site; None: plain text."""
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("#"):
            return target
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), urllib.parse.unquote(path)))
        if (ROOT / resolved).is_dir() and f"{resolved}/README.md" in self.docs:
            resolved += "/README.md"
        here = posixpath.dirname(source) or "."
        if resolved in self.docs:
            return posixpath.relpath(resolved, here) + (f"#{anchor}" if anchor else "")
        if resolved == "README.md":
            return posixpath.relpath("index.md", here)
        match = re.match(r"data/([^/]+)(/|$)", resolved)
        if match and match.group(1) in self.datasets:
            return posixpath.relpath(f"datasets/{match.group(1)}.md", here)
        if resolved.startswith("solutions/"):
            return None  # never point learners at the answer key
        if posixpath.splitext(resolved)[1].lower() in IMAGE_SUFFIXES and (ROOT / resolved).is_file():
            (self.stage / resolved).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / resolved, self.stage / resolved)
            return posixpath.relpath(resolved, here)
        repo = self.conf.get("repository_url", "")
        if repo.startswith("https://") and (ROOT / resolved).exists():
            kind = "tree" if (ROOT / resolved).is_dir() else "blob"
            return f"{repo}/{kind}/{self.conf.get('branch') or 'main'}/{resolved}"
        return None

    def markdown(self, source: str, text: str) -> str:
        """text with every relative link rewritten (code spans and fenced code are left alone)."""
        pieces = re.split(r"(```.*?```|`[^`\n]*`)", text, flags=re.S)
        for i in range(0, len(pieces), 2):
            pieces[i] = re.sub(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)", lambda m: self._one(source, m), pieces[i])
        return "".join(pieces)

    def _one(self, source: str, m: re.Match[str]) -> str:
        new = self.target(source, m.group(3))
        if new is None:
            return m.group(2)
        return f"{m.group(1)}[{m.group(2)}]({new})"


# ----------------------------------------------------------------------------------------- notebooks
def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def chart_alt(outputs: list[dict[str, Any]], index: int) -> str:
    """The alt text of the image output at index: its metadata's "alt", else the chart description after it."""
    out = outputs[index]
    meta = out.get("metadata", {}) or {}
    for holder in (meta, meta.get("image/png", {}), meta.get("image/jpeg", {})):
        if isinstance(holder, dict) and isinstance(holder.get("alt"), str) and holder["alt"].strip():
            return holder["alt"].strip()
    for later in outputs[index + 1 :]:
        data = later.get("data", {})
        text = _text(data.get("text/markdown", later.get("text", "")))
        match = re.search(r"Chart description:\**\s*(.+)", text, flags=re.S)
        if match:
            return re.sub(r"[*_`]", "", match.group(1)).strip()
        if any(k.startswith("image/") for k in data):
            break
    return ""


def question_html(plain: str) -> str:
    """A readable HTML rendering of a question's text/plain (used when the output has no text/html)."""
    lines = plain.strip("\n").splitlines()
    head = html.escape(lines[0]) if lines else "Question"
    body, items, code = [], [], ""
    for line in lines[1:]:
        if line.startswith("Answer from code:"):
            code = line.split(":", 1)[1].strip()
        elif line.startswith((" ", "\t")):
            items.append(f"<li>{html.escape(line.strip())}</li>")
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    parts = [f'<div class="te-question"><p class="te-question-head">{head}</p>', *body]
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    if code:
        parts.append(f"<p>Answer from code: <code>{html.escape(code)}</code></p>")
    parts.append(f'<p class="te-live-note">{html.escape(LIVE_NOTE)}</p></div>')
    return "\n".join(parts)


def stage_notebook(src: Path, dest: Path, rel: str, linker: Linker, alts: dict[str, str]) -> None:
    """Copy a notebook for the site: links rewritten, widget views dropped, questions readable, alts noted."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            cell["source"] = linker.markdown(rel, _text(cell.get("source", "")))
            continue
        outputs = cell.get("outputs", [])
        is_question = bool(re.search(r"\bask\(", _text(cell.get("source", ""))))
        for i, out in enumerate(outputs):
            data = out.get("data")
            if not isinstance(data, dict):
                continue
            data.pop(WIDGET_VIEW, None)
            for mime in ("image/png", "image/jpeg"):
                if mime in data:
                    alt = chart_alt(outputs, i)
                    if alt:
                        alts[hashlib.sha256(base64.b64decode(_text(data[mime]))).hexdigest()] = alt
            plain = _text(data.get("text/plain", ""))
            if is_question and plain.startswith("Question "):
                if "text/html" not in data:
                    data["text/html"] = question_html(plain)
                elif "live" not in _text(data["text/html"]).lower():
                    data["text/html"] = (
                        _text(data["text/html"]) + f'\n<p class="te-live-note">{html.escape(LIVE_NOTE)}</p>'
                    )
        cell["outputs"] = [
            o for o in outputs if o.get("output_type") == "stream" or o.get("data") or o.get("output_type") == "error"
        ]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


def title_of(path: Path) -> str:
    """The first Markdown heading of a notebook or Markdown file."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join(_text(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    match = re.search(r"^#\s+(.+)$", text, flags=re.M)
    return match.group(1).strip() if match else path.stem.replace("_", " ")


def learn_list(path: Path) -> list[str]:
    """The bullet points under "What you will learn" (or similar) in a notebook's first cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next((_text(c["source"]) for c in nb.get("cells", []) if c.get("cell_type") == "markdown"), "")
    match = re.search(r"\*\*(What you will[^*]*|You will[^*]*|Goals?)\*\*\s*\n+((?:\s*[-*] .+\n?)+)", first)
    return [re.sub(r"^\s*[-*] ", "", ln).strip() for ln in match.group(2).splitlines() if ln.strip()] if match else []


def minutes(path: Path) -> str:
    """The notebook's stated time ("**Estimated time:** 60 minutes"), if any."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next((_text(c["source"]) for c in nb.get("cells", []) if c.get("cell_type") == "markdown"), "")
    match = re.search(r"(?:Estimated time|Time):\**\s*([^.\n]+)", first)
    return match.group(1).strip() if match else ""


# ----------------------------------------------------------------------------------------- generated pages
def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _html_block(text: str) -> str:
    """Raw HTML for a MyST page: one block without blank lines (CommonMark ends HTML blocks at a blank line)."""
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n\n"


def _link(url: str, text: str) -> str:
    if url and re.match(r"https?://", url):
        return f'<a href="{esc(url)}">{esc(text)}</a>'
    return esc(text)


def _package_title(folder: Path) -> str:
    pkg = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return str(pkg.get("title") or pkg.get("name") or folder.name)


def dataset_page(folder: Path) -> str:
    """A MyST page for one data package: description, and per resource its fields, sources, notes, rows."""
    pkg = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    out = [f"# Data: {pkg.get('title') or pkg.get('name') or folder.name}\n\n"]
    intro = f"<p>{esc(pkg.get('description', ''))}</p>"
    intro += (
        f"<p>Folder <code>data/{esc(folder.name)}/</code>, described in its "
        f"<code>datapackage.json</code> (a Frictionless Data Package). In a notebook: "
        f'<code>te.load("{esc(folder.name)}/&lt;resource&gt;")</code>.</p>'
    )
    out.append(_html_block(intro))
    for res in pkg.get("resources", []):
        name = res.get("name", "")
        out.append(f"## {res.get('title') or name}\n\n")
        info = [
            f"<p>{esc(res.get('description', ''))}</p>",
            f"<p>Resource <code>{esc(folder.name)}/{esc(name)}</code>, file <code>{esc(res.get('path', ''))}</code>",
        ]
        licences = "; ".join(lic.get("title") or lic.get("name", "") for lic in res.get("licenses", []))
        info.append(f". Licence: {esc(licences)}.</p>" if licences else ".</p>")
        out.append(_html_block("\n".join(info)))
        fields = res.get("schema", {}).get("fields", [])
        if fields:
            out.append("### Fields\n\n")
            rows = "".join(
                f'<tr><th scope="row"><code>{esc(f.get("name"))}</code></th><td>{esc(f.get("type", ""))}</td>'
                f"<td>{esc(f.get('unit', ''))}</td><td>{esc(f.get('description', ''))}"
                f"{_constraints(f.get('constraints', {}))}</td></tr>\n"
                for f in fields
            )
            out.append(
                _html_block(
                    f'<table class="te-table"><caption>Fields of {esc(name)}</caption>\n'
                    '<thead><tr><th scope="col">field</th>'
                    f'<th scope="col">type</th><th scope="col">unit</th><th scope="col">description</th></tr></thead>'
                    f"\n<tbody>\n{rows}</tbody></table>"
                )
            )
        sources = res.get("sources", [])
        if sources:
            out.append("### Sources\n\n")
            items = []
            for s in sources:
                when = "; ".join(x for x in (s.get("date", ""), s.get("date_note", "")) if x)
                bits = [
                    f"<code>{esc(s.get('id', ''))}</code>: {esc(s.get('publisher', ''))},",
                    f"“{_link(s.get('path', ''), s.get('title') or s.get('path', ''))}”",
                ]
                if when:
                    bits.append(f"({esc(when)})")
                if s.get("accessed"):
                    bits.append(f"— accessed {esc(s['accessed'])}")
                items.append("<li>" + " ".join(bits) + "</li>")
            out.append(_html_block('<ul class="te-sources">\n' + "\n".join(items) + "\n</ul>"))
        if res.get("notes"):
            out.append("### Notes: gaps, caveats and what could not be found\n\n")
            out.append(_html_block(f'<p class="te-notes">{esc(res["notes"])}</p>'))
        csv_path = folder / res.get("path", "")
        if res.get("path") and csv_path.is_file():
            out.append("### Preview\n\n")
            out.append(_html_block(_preview(csv_path, name)))
    return "".join(out)


def _constraints(c: dict[str, Any]) -> str:
    bits = []
    if c.get("required"):
        bits.append("required")
    if "minimum" in c or "maximum" in c:
        bits.append(f"from {c.get('minimum', '…')} to {c.get('maximum', '…')}")
    if c.get("enum"):
        bits.append("one of: " + ", ".join(map(str, c["enum"])))
    return f" <em>({esc('; '.join(bits))})</em>" if bits else ""


def _preview(path: Path, name: str) -> str:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return "<p>(empty file)</p>"
    head, body = rows[0], rows[1:]
    shown = body[:PREVIEW_ROWS]
    cells = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>\n" for row in shown)
    return (
        f'<div class="te-scroll" tabindex="0" role="region" aria-label="First rows of {esc(name)}">'
        f'<table class="te-table"><caption>First {len(shown)} of {len(body)} rows of {esc(path.name)}</caption>\n'
        "<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in head) + "</tr></thead>\n"
        f"<tbody>\n{cells}</tbody></table></div>"
    )


def excerpts_page() -> str | None:
    """All excerpts, grouped by the text they come from, each with its attribution."""
    core = ROOT / "data" / "core"
    if not (core / "excerpts.csv").is_file():
        return None
    with (core / "excerpts.csv").open(encoding="utf-8", newline="") as fh:
        excerpts = list(csv.DictReader(fh))
    sources: dict[str, dict[str, str]] = {}
    if (core / "sources.csv").is_file():
        with (core / "sources.csv").open(encoding="utf-8", newline="") as fh:
            sources = {row["id"]: row for row in csv.DictReader(fh)}
    out = [
        "# Excerpts and their sources\n\n",
        _html_block(
            "<p>The course quotes three expert texts briefly, always with attribution, for teaching, criticism and "
            'comment; the texts belong to their publishers. In a notebook, <code>te.excerpt("id")</code> shows one '
            f"excerpt. {len(excerpts)} excerpts from {len({e['source_id'] for e in excerpts})} texts.</p>"
        ),
    ]
    order = list(sources) + sorted({e["source_id"] for e in excerpts} - set(sources))
    for sid in order:
        group = [e for e in excerpts if e["source_id"] == sid]
        if not group:
            continue
        s = sources.get(sid, {})
        who = s.get("author") or s.get("outlet") or sid
        out.append(f"## {who}: {s.get('title', sid)}\n\n" if s.get("title") else f"## {who}\n\n")
        meta = ", ".join(x for x in (s.get("outlet", ""), s.get("date", "") or "date not found") if x)
        out.append(
            _html_block(
                f"<p>{_link(s.get('url', ''), s.get('title') or sid)} — {esc(meta)}. "
                f"Source id <code>{esc(sid)}</code>.</p>"
            )
        )
        for e in group:
            speaker = e.get("speaker") or who
            out.append(
                _html_block(
                    f'<figure class="te-excerpt" id="excerpt-{esc(e["id"])}">'
                    f"<blockquote><p>{esc(e['text'])}</p></blockquote>"
                    f"<figcaption>— {esc(speaker)}, {esc(s.get('outlet', ''))} ({esc(e.get('location', ''))}); "
                    f"thread: {esc(e.get('thread', ''))}; id <code>{esc(e['id'])}</code></figcaption></figure>"
                )
            )
    return "".join(out)


def outline_page(lessons: list[Path], exercises: list[Path]) -> str:
    """Every lesson in order with what it teaches and its time, and the exercises that go with it."""
    out = [
        "# Outline\n\n",
        "The lessons build on each other; do them in order. Each thread lesson has an exercise "
        "notebook for coursework.\n\n",
    ]
    for nb in lessons:
        num = nb.name[:2]
        out.append(f"## [{title_of(nb)}](notebooks/{nb.stem}.ipynb)\n\n")
        if minutes(nb):
            out.append(f"*Time:* {minutes(nb)}\n\n")
        for item in learn_list(nb):
            out.append(f"- {item}\n")
        exs = [e for e in exercises if e.name.startswith(f"ex{num}")]
        if exs:
            out.append(
                "\n" + "Exercise: " + "; ".join(f"[{title_of(e)}](exercises/{e.stem}.ipynb)" for e in exs) + "\n"
            )
        out.append("\n")
    others = [e for e in exercises if not any(e.name.startswith(f"ex{nb.name[:2]}") for nb in lessons)]
    if others:
        out.append(
            "## Other exercises\n\n" + "".join(f"- [{title_of(e)}](exercises/{e.stem}.ipynb)\n" for e in others) + "\n"
        )
    return "".join(out)


def _toctree(caption: str, entries: list[str]) -> str:
    if not entries:
        return ""
    return "```{toctree}\n:caption: " + caption + "\n:maxdepth: 1\n\n" + "\n".join(entries) + "\n```\n\n"


# ----------------------------------------------------------------------------------------- build
def stage(out: Path, conf: dict[str, str], instructor: bool) -> dict[str, Any]:
    """Write the Sphinx sources into out/src and return what conf.py needs."""
    src = out / "src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    lessons = sorted((ROOT / "notebooks").glob("*.ipynb"))
    exercises = sorted((ROOT / "exercises").glob("*.ipynb"))
    solutions = sorted((ROOT / "solutions").glob("*.ipynb")) if instructor else []
    guides = sorted((ROOT / "instructors").glob("*.md"), key=lambda p: (p.name != "README.md", p.name)) + sorted(
        (ROOT / "instructors").glob("*.ipynb")
    )
    packages = sorted(p.parent for p in (ROOT / "data").glob("*/datapackage.json"))
    docs = {p.relative_to(ROOT).as_posix() for p in lessons + exercises + solutions + guides}
    linker = Linker(src, docs, {p.name for p in packages}, conf)
    alts: dict[str, str] = {}
    launch: dict[str, list[dict[str, str]]] = {}
    for nb in lessons + exercises + solutions + [g for g in guides if g.suffix == ".ipynb"]:
        rel = nb.relative_to(ROOT).as_posix()
        stage_notebook(nb, src / rel, rel, linker, alts)
        if nb in lessons or nb in exercises:
            launch[rel[: -len(".ipynb")]] = launch_links(rel, conf)
    for guide in guides:
        if guide.suffix == ".md":
            rel = guide.relative_to(ROOT).as_posix()
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            (src / rel).write_text(linker.markdown(rel, guide.read_text(encoding="utf-8")), encoding="utf-8")
    (src / "datasets").mkdir()
    for folder in packages:
        (src / "datasets" / f"{folder.name}.md").write_text(dataset_page(folder), encoding="utf-8")
    (src / "datasets" / "index.md").write_text(
        "# Datasets\n\nEvery dataset is a CSV file under `data/`, described in its folder's `datapackage.json`: "
        "what each column means, its unit, and for every resource the sources and what could not be found.\n\n"
        + "".join(f"- [{_package_title(p)}]({p.name}.md)\n" for p in packages),
        encoding="utf-8",
    )
    excerpts = excerpts_page()
    if excerpts:
        (src / "excerpts.md").write_text(excerpts, encoding="utf-8")
    (src / "outline.md").write_text(outline_page(lessons, exercises), encoding="utf-8")
    home = linker.markdown("index.md", (HERE / "home.md").read_text(encoding="utf-8"))
    if lessons:  # the home page offers the first lesson live
        launch["index"] = launch_links(lessons[0].relative_to(ROOT).as_posix(), conf)

    def rel(paths: list[Path]) -> list[str]:
        return [p.relative_to(ROOT).with_suffix("").as_posix() for p in paths]

    home += "\n\n" + _toctree("Course", ["outline"] + rel(lessons))
    home += _toctree("Exercises", rel(exercises))
    if solutions:
        home += _toctree("Solutions (instructor build)", rel(solutions))
    home += _toctree("Instructors", rel(guides))
    # datasets listed flat: a nested toctree gives the theme's sidebar a <summary> toggle with no accessible name
    datasets = ["datasets/index"] + [f"datasets/{p.name}" for p in packages]
    home += _toctree("Sources and data", (["excerpts"] if excerpts else []) + datasets)
    (src / "index.md").write_text(home, encoding="utf-8")
    return {
        "title": TITLE,
        "alts": alts,
        "launch": launch,
        "repository_url": conf.get("repository_url", ""),
        "branch": conf.get("branch") or "main",
        "instructor": instructor,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_site", help="output folder (default _site/)")
    parser.add_argument("--instructor", action="store_true", help="include the worked solutions")
    parser.add_argument("--repo", help="repository URL for Binder/JupyterHub links (default: config or git origin)")
    parser.add_argument("--hub", help="your JupyterHub URL (nbgitpuller links)")
    parser.add_argument("--binder", help="BinderHub URL (default https://mybinder.org)")
    parser.add_argument("--branch", help="git branch to launch (default main)")
    parser.add_argument("--lite-url", dest="lite_url", help="where the JupyterLite build is served")
    parser.add_argument("--lite-dir", type=Path, help="a built JupyterLite site to copy to <site>/lite/")
    parser.add_argument(
        "--badges", action="store_true", help="print README badges for this configuration; build nothing"
    )
    args = parser.parse_args(argv)
    conf = settings(args)
    if args.badges:
        print(badges(conf))
        return 0
    started = time.monotonic()
    out = args.out.resolve()
    if not (args.lite_dir and (args.lite_dir / "index.html").is_file()) and "://" not in conf["jupyterlite_url"]:
        print(
            "[site] no JupyterLite build given (--lite-dir): the pages link to it at "
            f"{conf['jupyterlite_url']!r} anyway; build it with `python3 lite/build.py`",
            flush=True,
        )
    if not conf["repository_url"]:
        print(
            "[site] no repository URL (site/config.toml, --repo or git origin): no Binder or JupyterHub links",
            flush=True,
        )
    meta = stage(out, conf, args.instructor)
    (out / "src" / "_site.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    html_dir = out / "html"
    shutil.rmtree(html_dir, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        "-n",
        "-W",
        "--keep-going",
        "-c",
        str(HERE),
        "-d",
        str(out / "doctrees"),
        str(out / "src"),
        str(html_dir),
    ]
    code = subprocess.call(cmd, cwd=ROOT, env=dict(os.environ, TURNEAST_SITE_SRC=str(out / "src")))
    if code:
        print(f"[site] Sphinx failed (exit {code}); see the warnings above", flush=True)
        return code
    if args.lite_dir and (args.lite_dir / "index.html").is_file() and "://" not in conf["jupyterlite_url"]:
        shutil.copytree(args.lite_dir, html_dir / conf["jupyterlite_url"].strip("/"), dirs_exist_ok=True)
    (html_dir / ".nojekyll").write_text("")
    size = sum(f.stat().st_size for f in html_dir.rglob("*") if f.is_file())
    pages = len(list(html_dir.rglob("*.html")))
    print(
        f"[site] built {html_dir} in {time.monotonic() - started:.1f} s: {pages} HTML files, "
        f"{size / 1e6:.1f} MB. Preview: python3 -m http.server -d {html_dir}",
        flush=True,
    )
    return 0


def badges(conf: dict[str, str]) -> str:
    """README badges (Markdown) for the start-here notebook's launch links, absolute where the site's URL is set."""
    links = launch_links("notebooks/00_start_here.ipynb", conf)
    shields = {
        "Open in JupyterLite": "https://jupyterlite.rtfd.io/en/latest/_static/badge.svg",
        "Open on Binder": "https://mybinder.org/badge_logo.svg",
        "Open on your JupyterHub": "https://img.shields.io/badge/launch-JupyterHub-orange",
    }
    out = []
    for link in links:
        url = link["url"]
        if link["site_relative"]:
            if not conf.get("site_url"):
                continue  # a relative link means nothing in a README
            url = conf["site_url"].rstrip("/") + "/" + url
        out.append(f"[![{link['label']}]({shields[link['label']]})]({url})")
    return " ".join(out) or "(set repository_url, site_url or jupyterhub_url in site/config.toml first)"


if __name__ == "__main__":
    sys.exit(main())
