"""The course website: built with `course.py site` as an instructor builds it, served on localhost, every page
opened in headless Chromium (Debian's, launched by path).

Asserts, on every page: no console errors, no failed or off-site requests (the site works offline), no broken
internal links, anchors or images, and no serious or critical axe-core violations in the course content.
axe also scans the theme's chrome (sidebars, header, footer of sphinx-book-theme); those results are printed,
not asserted, because that markup is the theme's, not the course's: fixes belong upstream.
The build itself is checked without a browser: pages found from the folders, solutions only in an instructor
build, datasets and excerpts, questions without their answers, chart alt text, launch links.
Browser parts are skipped, with the reason printed, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from needs import CHROMIUM, CHROMIUM_ARGS, NO_CHROMIUM, unavailable

from turneast import questions
from turneast.paths import ROOT

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None
try:
    import axe_playwright_python

    AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
except ImportError:  # pragma: no cover
    AXE = None
NO_BROWSER = NO_CHROMIUM if not CHROMIUM else "Playwright not installed (pip install -r requirements-dev.txt)"
REPO, HUB = "https://github.com/example/turneast", "https://hub.example.edu"
SHOTS = ROOT / "tests" / "artifacts"
CONTENT = "article.bd-article"  # the course's own content; everything else on a page is the theme's chrome


def _site_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("site_build", ROOT / "site" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _offline() -> list[str]:
    """A command prefix that runs a build with no network at all (a new network namespace), where allowed."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n"]
    return []


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The in-browser version and the website, built into a temporary folder with the network cut off."""
    base = tmp_path_factory.mktemp("site")
    # First-time installs (.venv-site/, lite/.venv, the browser wheels) are the only steps that use the network.
    subprocess.run([sys.executable, str(ROOT / "lite" / "build.py"), "--prepare"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, str(ROOT / "course.py"), "site", "--badges"], cwd=ROOT, check=True)
    offline = _offline()
    started = time.monotonic()
    lite = [sys.executable, str(ROOT / "lite" / "build.py"), "--out", str(base / "lite"), "--stage", str(base / "st")]
    subprocess.run([*offline, *lite], cwd=ROOT, check=True)
    lite_time = time.monotonic() - started
    started = time.monotonic()
    args = ["site", "--no-lite", "--lite-dir", str(base / "lite"), "--out", str(base / "out"), "--repo", REPO]
    done = subprocess.run(
        [*offline, sys.executable, str(ROOT / "course.py"), *args, "--hub", HUB],
        cwd=ROOT,
        text=True,
        capture_output=True,
    )
    print(done.stdout[-3000:], done.stderr[-3000:])
    assert done.returncode == 0, "course.py site failed (Sphinx warnings are errors)"
    html = base / "out" / "html"
    size = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
    lite_size = sum(f.stat().st_size for f in (html / "lite").rglob("*") if f.is_file())
    print(
        f"\n[site] {'with no network (unshare -n)' if offline else 'network NOT cut off (unshare unavailable)'}: "
        f"JupyterLite build {lite_time:.1f} s; website build {time.monotonic() - started:.1f} s; "
        f"{size / 1e6:.1f} MB in all, of which the JupyterLite copy {lite_size / 1e6:.1f} MB"
    )
    return {"html": html, "src": base / "out" / "src"}


def _pages(html: Path) -> list[str]:
    """Every HTML page of the website (the JupyterLite application under lite/ is not a course page)."""
    return sorted(
        p.relative_to(html).as_posix()
        for p in html.rglob("*.html")
        if p.relative_to(html).parts[0] not in ("lite", "_static")
    )  # _static: the theme's template macros


# ------------------------------------------------------------------------------- the build, without a browser
def test_every_notebook_dataset_and_guide_has_a_page(site: dict[str, Any]) -> None:
    pages = set(_pages(site["html"]))
    expected = {f"notebooks/{p.stem}.html" for p in (ROOT / "notebooks").glob("*.ipynb")}
    expected |= {f"exercises/{p.stem}.html" for p in (ROOT / "exercises").glob("*.ipynb")}
    expected |= {f"datasets/{p.parent.name}.html" for p in (ROOT / "data").glob("*/datapackage.json")}
    expected |= {"index.html", "outline.html", "excerpts.html", "datasets/index.html", "instructors/README.html"}
    assert expected - pages == set()
    assert not any(p.startswith("solutions/") for p in pages), "solutions must not be in the default build"
    assert not (site["html"] / "_sources").exists() or not list((site["html"] / "_sources").rglob("*solutions*"))


def test_an_instructor_build_stages_the_solutions(tmp_path: Path) -> None:
    build = _site_build()
    conf = {
        "repository_url": REPO,
        "branch": "main",
        "binderhub_url": "https://mybinder.org",
        "jupyterhub_url": "",
        "jupyterlite_url": "lite/",
    }
    build.stage(tmp_path / "teach", conf, instructor=True)
    solutions = sorted(p.name for p in (tmp_path / "teach" / "src" / "solutions").glob("*.ipynb"))
    assert solutions == sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb")) and solutions
    assert "solutions/" in (tmp_path / "teach" / "src" / "index.md").read_text(encoding="utf-8")
    build.stage(tmp_path / "learn", conf, instructor=False)
    assert not (tmp_path / "learn" / "src" / "solutions").exists()
    assert "solutions/" not in (tmp_path / "learn" / "src" / "index.md").read_text(encoding="utf-8")


def test_dataset_pages_show_fields_units_sources_notes_and_rows(site: dict[str, Any]) -> None:
    for package in sorted((ROOT / "data").glob("*/datapackage.json")):
        text = (site["html"] / "datasets" / f"{package.parent.name}.html").read_text(encoding="utf-8")
        described = json.loads(package.read_text(encoding="utf-8"))
        for res in described["resources"]:
            assert f"{package.parent.name}/{res['name']}" in text
            for field in res.get("schema", {}).get("fields", []):
                assert f"<code>{field['name']}</code>" in text
                if field.get("unit"):
                    assert _esc(field["unit"]) in text, f"{res['name']}.{field['name']}: unit not shown"
            for source in res.get("sources", []):
                if source.get("path", "").startswith("http"):
                    assert f'href="{_esc(source["path"])}"' in text, f"{res['name']}: no link to {source['path']}"
            if res.get("notes"):
                assert _esc(res["notes"][:80]) in text
            if res.get("path", "").endswith(".csv"):
                assert f"rows of {res['path']}" in text, f"{res['name']}: no preview"


def test_excerpts_page_has_every_excerpt_with_its_attribution(site: dict[str, Any]) -> None:
    import csv

    text = (site["html"] / "excerpts.html").read_text(encoding="utf-8")
    with (ROOT / "data" / "core" / "excerpts.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        assert f'id="excerpt-{row["id"]}"' in text
        assert _esc(row["text"][:60]) in text


def _esc(text: str) -> str:
    import html

    return html.escape(text)


QUESTION_BLOCK = re.compile(r'<div class="(?:te-question|turneast-question)[^"]*"')


def test_questions_read_well_and_never_give_the_answer(site: dict[str, Any]) -> None:
    """Every question output on the site (the stored text/html, or the site's rendering of the text/plain) names
    its question, says it is answered live, and shows neither the explanation nor a verdict."""
    bank = questions.all_questions()
    ids = re.compile("|".join(re.escape(q) for q in sorted(bank, key=len, reverse=True)))
    asked: set[str] = set()
    for page in _pages(site["html"]):
        text = (site["html"] / page).read_text(encoding="utf-8")
        for match in QUESTION_BLOCK.finditer(text):
            shown = text[match.start() : text.index("</div>", match.start())]  # the question's own block
            qid = ids.search(shown)
            assert qid, f"{page}: a question block names no question of the banks: {shown[:300]}"
            q = bank[qid.group(0)]
            asked.add(q.id)
            assert "live" in shown.lower(), f"{page}: {q.id} is shown without the note that it is answered live"
            if q.feedback:
                assert _esc(q.feedback[:70]) not in shown, f"{page}: the explanation of {q.id} is shown with it"
            assert "Correct." not in shown, f"{page}: {q.id} is shown as answered"
            if q.type in ("single", "multiple", "ordering"):  # the stored output's wording is nbval's business
                options = re.findall(r"(?:^|>|\n)\s*(?:[A-H]\)|<li>)", shown)
                assert len(options) >= 2, f"{page}: {q.id} is shown without its options: {shown[:400]}"
    asked_in_notebooks = {
        m
        for p in (ROOT / "notebooks").glob("*.ipynb")
        for c in json.loads(p.read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code"
        for m in re.findall(r"ask\(\s*[\"']([^\"']+)[\"']", "".join(c["source"]))
        if c.get("outputs")
    }
    assert asked_in_notebooks <= asked, f"questions asked in lessons but not shown: {asked_in_notebooks - asked}"


def test_every_chart_carries_its_alt_text(site: dict[str, Any]) -> None:
    images = 0
    for page in _pages(site["html"]):
        text = (site["html"] / page).read_text(encoding="utf-8")
        for tag in re.findall(r"<img [^>]*>", text):
            images += 1
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and alt.group(1).strip(), f"{page}: image without alt text: {tag[:200]}"
    charts = sum(
        1
        for p in (ROOT / "notebooks").glob("*.ipynb")
        for c in json.loads(p.read_text())["cells"]
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    )
    assert images >= charts


def test_lesson_and_exercise_pages_offer_all_three_launch_links(site: dict[str, Any]) -> None:
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "exercises").glob("*.ipynb")):
        path = nb.relative_to(ROOT).as_posix()
        text = (site["html"] / path.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        links = {
            label: _unesc(href)
            for href, label in re.findall(r'<a class="te-launch-link" href="([^"]+)">([^<]+)</a>', text)
        }
        assert set(links) == {"Open in JupyterLite", "Open on Binder", "Open on your JupyterHub"}, path
        lite = urllib.parse.urlsplit(links["Open in JupyterLite"])
        assert lite.path == "../lite/lab/index.html" and urllib.parse.parse_qs(lite.query) == {"path": [path]}
        assert (site["html"] / "lite" / "files" / path).is_file(), f"{path} is not in the JupyterLite build"
        binder = urllib.parse.urlsplit(links["Open on Binder"])
        assert f"{binder.scheme}://{binder.netloc}{binder.path}" == "https://mybinder.org/v2/gh/example/turneast/main"
        assert urllib.parse.parse_qs(binder.query) == {"urlpath": [f"lab/tree/{path}"]}
        hub = urllib.parse.urlsplit(links["Open on your JupyterHub"])
        assert f"{hub.scheme}://{hub.netloc}{hub.path}" == f"{HUB}/hub/user-redirect/git-pull"
        assert urllib.parse.parse_qs(hub.query) == {
            "repo": [REPO],
            "branch": ["main"],
            "urlpath": [f"lab/tree/turneast/{path}"],
        }


def _unesc(text: str) -> str:
    import html

    return html.unescape(text)


def test_the_jupyterlite_copy_ships_its_wheels_and_no_pypi_fallback(site: dict[str, Any]) -> None:
    lite = site["html"] / "lite"
    config = json.loads((lite / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    names = {e["name"] for e in config["federated_extensions"]}
    assert {"@jupyter-widgets/jupyterlab-manager", "anywidget"} <= names
    wheels = {p.name.split("-")[0] for p in (lite / "pypi").glob("*.whl")}
    assert {"turneast", "anywidget", "ipywidgets", "psygnal", "comm", "jupyterlab_widgets"} <= wheels
    nb = json.loads((lite / "files" / "notebooks" / "00_start_here.ipynb").read_text())
    install = next(c for c in nb["cells"] if c.get("id") == "lite-install")
    assert re.search(r"%pip install -q turneast==\S+ anywidget==\S+", install["source"])
    assert not list((lite / "files").glob("solutions/*"))


# ------------------------------------------------------------------------------- in the browser
@pytest.fixture(scope="module")
def served(site: dict[str, Any]) -> Iterator[str]:
    """The website on a free loopback port."""
    handler = functools.partial(_QuietHandler, directory=str(site["html"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    if not CHROMIUM or sync_playwright is None:
        unavailable(NO_BROWSER)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


AXE_RUN = """async (sel) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const content = document.querySelector(sel) || document.querySelector('main');  // search.html has no article
  const find = (target) => { try { return document.querySelector(target[0]); } catch (e) { return null; } };
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => (
    {target: n.target, content: !!(content && find(n.target) && content.contains(find(n.target)))}))}));
}"""


@functools.cache
def _ids_of(file: Path) -> frozenset[str]:
    return frozenset(_ids(file.read_text(encoding="utf-8")))


def _ids(html_text: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html_text))


def _target(html: Path, base_page: str, href: str, origin: str) -> tuple[Path, str, str] | None:
    """The file and fragment an internal link points at (None for an external link)."""
    url = urllib.parse.urljoin(f"{origin}/{base_page}", href)
    parts = urllib.parse.urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = urllib.parse.unquote(parts.path).lstrip("/")
    file = html / path
    if not path or path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file, parts.fragment, parts.query


def test_every_page_in_chromium(site: dict[str, Any], served: str, page: Page) -> None:
    html = site["html"]
    pages = _pages(html)
    problems: list[str] = []
    chrome: dict[str, int] = {}
    counts = {"pages": 0, "links": 0, "anchors": 0, "images": 0, "content_violations": 0}
    errors: list[str] = []
    offsite: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))

    def route(r: Any) -> None:
        if r.request.url.startswith(served) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            offsite.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    checked: set[tuple[str, str]] = set()
    started = time.monotonic()
    for name in pages:
        errors.clear(), offsite.clear(), failed.clear()
        page.goto(f"{served}/{name}", wait_until="load")
        page.wait_for_timeout(150)
        counts["pages"] += 1
        for kind, items in (("console errors", errors), ("off-site requests", offsite), ("failed requests", failed)):
            if items:
                problems.append(f"{name}: {kind}: {items[:3]}")
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.getAttribute('src'), e.complete && e.naturalWidth > 0, e.alt])"
        )
        for src, loaded, alt in images:
            counts["images"] += 1
            if not loaded:
                problems.append(f"{name}: image not loaded: {src}")
            if not (alt or "").strip():
                problems.append(f"{name}: image without alt text: {src}")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = _target(html, name, href, served)
            if target is None or (name, href) in checked:
                continue
            checked.add((name, href))
            file, fragment, query = target
            counts["links"] += 1
            if not file.is_file():
                problems.append(f"{name}: broken link {href}")
            elif fragment and file.suffix == ".html" and fragment not in _ids_of(file):
                problems.append(f"{name}: link {href}: no element with id {fragment!r}")
            elif fragment:
                counts["anchors"] += 1
            if "lite/lab/index.html" in str(file) and query:
                opened = urllib.parse.parse_qs(query).get("path", [""])[0]
                if not (html / "lite" / "files" / opened).is_file():
                    problems.append(f"{name}: JupyterLite link to {opened}, which the build does not have")
        if AXE:  # one scan of the whole page; each violation is counted as content or theme chrome
            page.evaluate(AXE)
            for v in page.evaluate(AXE_RUN, CONTENT):
                if v["impact"] not in ("serious", "critical"):
                    continue
                inside = [n["target"] for n in v["nodes"] if n["content"]]
                if inside:
                    counts["content_violations"] += 1
                    problems.append(f"{name}: axe {v['impact']} {v['id']} ({v['help']}) at {inside[:3]}")
                if len(inside) < len(v["nodes"]):
                    chrome[f"{v['impact']} {v['id']}"] = chrome.get(f"{v['impact']} {v['id']}", 0) + 1
    print(
        f"\n[site] {counts['pages']} pages, {counts['links']} internal links ({counts['anchors']} with anchors), "
        f"{counts['images']} images checked in {time.monotonic() - started:.1f} s; axe-core "
        f"{'(not installed: pip install axe-playwright-python)' if not AXE else ''} serious/critical in the "
        f"content: {counts['content_violations']}; on whole pages incl. the theme's chrome (pages affected): "
        f"{chrome or 'none'}"
    )
    assert counts["pages"] == len(pages) and counts["pages"] > 20
    assert problems == [], "\n".join(problems[:40])


def test_screenshots_of_a_lesson_and_a_dataset_page(site: dict[str, Any], served: str, page: Page) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    lesson = next(p for p in _pages(site["html"]) if re.match(r"notebooks/01_", p))
    page.goto(f"{served}/{lesson}")
    page.locator("nav.te-launch").wait_for()
    page.screenshot(path=str(SHOTS / "site-lesson.png"))
    chart = page.locator(f"{CONTENT} img").first
    chart.scroll_into_view_if_needed()
    assert chart.get_attribute("alt")
    page.screenshot(path=str(SHOTS / "site-lesson-chart.png"))
    page.goto(f"{served}/datasets/china.html")
    page.locator("table.te-table").first.wait_for()
    page.locator("h3", has_text="Fields").first.evaluate("e => window.scrollTo(0, e.offsetTop - 120)")
    page.screenshot(path=str(SHOTS / "site-dataset.png"))
    page.get_by_role("link", name=re.compile("next", re.I)).first.wait_for()


# ------------------------------------------------------------------------------- Binder (repo2docker's rules)
BINDER = ROOT / "binder"
TEST_TOOLS = {
    "pytest",
    "pytest-xdist",
    "nbval",
    "playwright",
    "axe-playwright-python",
    "hypothesis",
    "frictionless",
    "ruff",
    "sphinx",
    "myst-nb",
    "sphinx-book-theme",
    "jupyterlite-core",
}


def _requirement_names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        line = line.split("#")[0].strip()
        if line and not line.startswith(("-", ".")):
            names.add(re.split(r"[<>=!~;\[ ]", line)[0].lower().replace("_", "-"))
    return names


def test_binder_folder_follows_repo2docker_rules() -> None:
    """With binder/ present repo2docker reads only binder/; `.` is a local reference, so the whole repository
    is copied in before `pip install -r binder/requirements.txt` runs from its root."""
    assert not (ROOT / ".binder").exists(), "repo2docker refuses both binder/ and .binder/"
    lines = (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    entries = [ln.split("#")[0].strip() for ln in lines if ln.split("#")[0].strip()]
    assert "." in entries or "-e ." in entries, "binder/requirements.txt must install the course package"
    names = _requirement_names(lines)
    assert names & TEST_TOOLS == set(), f"test or build tools in binder/requirements.txt: {names & TEST_TOOLS}"
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _requirement_names(project["dependencies"])
    assert runtime <= names | {"filelock"}, f"runtime packages missing from binder/: {runtime - names}"
    assert {"jupyterlab", "ipywidgets", "anywidget"} <= names
    runtime_txt = BINDER / "runtime.txt"
    assert not runtime_txt.exists() or runtime_txt.read_text().strip().startswith("python-3")
    for other in ("environment.yml", "Pipfile", "Dockerfile", "setup.py"):
        assert not (BINDER / other).exists(), f"binder/{other} would change which build pack repo2docker uses"


@pytest.mark.skipif(os.environ.get("TURNEAST_SKIP_BINDER_INSTALL") == "1", reason="TURNEAST_SKIP_BINDER_INSTALL=1")
def test_binder_requirements_install_fresh_and_a_lesson_runs(tmp_path: Path) -> None:
    """What repo2docker does, minus Docker: a fresh environment, the requirements from the repository's root,
    then the start-here lesson executed top to bottom in its folder (as JupyterLab runs it)."""
    import venv

    venv.EnvBuilder(with_pip=True).create(tmp_path / "env")
    py = tmp_path / "env" / "bin" / "python"
    started = time.monotonic()
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", "binder/requirements.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    installed = subprocess.run([str(py), "-m", "pip", "list", "--format=json"], capture_output=True, text=True)
    names = {p["name"].lower().replace("_", "-") for p in json.loads(installed.stdout)}
    assert not names & {"pytest", "nbval", "playwright"}, "test tools were installed"
    lesson = tmp_path / "00.ipynb"
    env = dict(os.environ, TURNEAST_PROGRESS=str(tmp_path / "progress.json"))
    env.pop("TURNEAST_DATA", None)
    run = subprocess.run(
        [
            str(py),
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--output",
            str(lesson),
            str(ROOT / "notebooks" / "00_start_here.ipynb"),
        ],
        cwd=ROOT / "notebooks",
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    outputs = [o for c in json.loads(lesson.read_text())["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    print(
        f"\n[binder] fresh install of binder/requirements.txt and lesson 00 run in {time.monotonic() - started:.0f} s"
    )
