"""Real-browser tests: JupyterLab on 127.0.0.1, driven by Playwright in headless Chromium (Debian's package).

Skipped, with the reason printed, where Chromium or Playwright is missing; never passed silently.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from turneast.paths import ROOT

CHROMIUM = next((p for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium")
                 if p and Path(p).exists()), None)
try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

SHOTS = ROOT / "tests" / "artifacts"
REASON = ("Chromium not found (install Debian's 'chromium' package or set CHROMIUM=/path/to/chromium)"
          if not CHROMIUM else "Playwright not installed (pip install -r requirements-dev.txt)")
pytestmark = pytest.mark.skipif(not CHROMIUM or sync_playwright is None, reason=REASON)
IDLE = "Python 3 (ipykernel) | Idle"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A JupyterLab server on a free loopback port with a token, serving a copy of the notebooks."""
    base = tmp_path_factory.mktemp("lab")
    root = base / "course"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    settings = base / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, TURNEAST_PROGRESS=str(base / "progress.json"), JUPYTER_CONFIG_DIR=str(base / "config"))
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
           f"--LabApp.user_settings_dir={base / 'settings'}", f"--LabApp.workspaces_dir={base / 'workspaces'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(base / "lab.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail(f"JupyterLab did not start: {(base / 'lab.log').read_text()[-2000:]}")
        yield {"url": url, "token": token, "progress": str(base / "progress.json")}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def page(lab: dict[str, str]) -> Iterator[Page]:
    """A headless Chromium page (the browser is Debian's, launched by path; nothing is downloaded)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.set_default_timeout(30_000)
        yield pg
        browser.close()


def _open_and_run_all(page: Page, lab: dict[str, str], restart: bool = False) -> None:
    """Open the start-here notebook, wait for an idle kernel, and run every cell."""
    page.goto(f"{lab['url']}/lab/tree/notebooks/00_start_here.ipynb?reset&token={lab['token']}")
    expect(page.get_by_text(IDLE)).to_be_visible(timeout=60_000)
    page.locator(".jp-Notebook").first.click()
    if restart:
        page.get_by_role("menuitem", name="Kernel").click()
        page.get_by_text("Restart Kernel and Run All Cells…").click()
        page.locator(".jp-Dialog .jp-mod-accept").click()
    else:
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
    expect(page.locator(".turneast-question")).to_have_count(6, timeout=60_000)
    expect(page.get_by_text(IDLE)).to_be_visible(timeout=60_000)


def _question(page: Page, qid: str):
    box = page.locator(f".q-{qid.replace('.', '-')}")
    box.scroll_into_view_if_needed()
    return box


def _check(box) -> None:
    box.get_by_role("button", name="Check").click()


def _feedback(box):
    return box.locator("[role=status]")


def test_run_all_and_answer_every_type(page: Page, lab: dict[str, str]) -> None:
    _open_and_run_all(page, lab)
    page.screenshot(path=str(SHOTS / "lab-start-here.png"))

    # single choice, with the keyboard only: focus the second option, Space to pick it, Enter on Check
    box = _question(page, "start.first_year")
    box.locator("input[type=radio]").nth(1).focus()
    page.keyboard.press("Space")
    box.get_by_role("button", name="Check").focus()
    page.keyboard.press("Enter")
    expect(_feedback(box)).to_contain_text("Correct.")

    # multiple select: click the boxes
    box = _question(page, "start.unfriendly")
    box.get_by_label("Japan").check()
    box.get_by_label("South Korea").check()
    _check(box)
    expect(_feedback(box)).to_contain_text("Correct.")

    # numeric: a wrong type first, then a number
    box = _question(page, "start.poll_china")
    field = box.locator("input[type=text]")
    field.fill("ninety-eight")
    _check(box)
    expect(_feedback(box)).to_contain_text("'ninety-eight' is not a number")
    box.screenshot(path=str(SHOTS / "question-wrong-type.png"))
    field.fill("98")
    _check(box)
    expect(_feedback(box)).to_contain_text("Correct.")
    box.screenshot(path=str(SHOTS / "question-numeric.png"))

    # ordering: select an item and move it up, as a learner would
    box = _question(page, "start.order")
    target = ["APEC summit in Vladivostok", "Russia annexes Crimea",
              "Xi Jinping and Putin agree to link the EAEU and the Belt and Road",
              "CSTO troops sent to Kazakhstan", "Russia invades Ukraine"]
    select = box.locator("select")

    def shown() -> list[str]:  # ipywidgets renders spaces in options as non-breaking spaces
        return [t.replace("\xa0", " ").strip() for t in select.locator("option").all_text_contents()]

    for i, item in enumerate(target):
        for _ in range(shown().index(item) - i):
            before = shown()
            select.select_option(index=before.index(item))
            box.get_by_role("button", name="Move up").click()
            page.wait_for_function("([el, old]) => el.options[0] && Array.from(el.options).map(o => o.text.replace(/\\u00a0/g, ' ').trim()).join('|') !== old",
                                   arg=[select.element_handle(), "|".join(before)])
    assert shown() == target
    _check(box)
    expect(_feedback(box)).to_contain_text("Correct.")

    # matching: one dropdown per statement
    box = _question(page, "start.who_said")
    for row, name in zip(box.locator(".widget-hbox").all(),
                         ["Andrei Kortunov", "Alexander Lukin", "Dmitri Trenin", "Dmitri Likhachev"]):
        row.locator("select").select_option(label=name)
    _check(box)
    expect(_feedback(box)).to_contain_text("Correct.")
    box.screenshot(path=str(SHOTS / "question-matching.png"))

    # reflection: type and save
    box = _question(page, "start.expectation")
    box.locator("textarea").fill("I expect closer ties with China and little else.")
    box.get_by_role("button", name="Save").click()
    expect(_feedback(box)).to_contain_text("Saved.")

    # hint and explain buttons
    box = _question(page, "start.order")
    box.get_by_role("button", name="Explain").click()
    expect(_feedback(box)).to_contain_text("Answer: APEC summit in Vladivostok")
    _question(page, "start.poll_china").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SHOTS / "lab-questions.png"))

    saved = json.loads(Path(lab["progress"]).read_text())
    statuses = {a["qid"]: a["status"] for a in saved["attempts"]}
    assert statuses == {"start.first_year": "correct", "start.unfriendly": "correct", "start.poll_china": "correct",
                        "start.order": "correct", "start.who_said": "correct", "start.expectation": "saved"}


def test_answers_survive_reload_and_kernel_restart(page: Page, lab: dict[str, str]) -> None:
    page.reload()
    _open_and_run_all(page, lab, restart=True)
    box = _question(page, "start.unfriendly")
    expect(_feedback(box)).to_contain_text("Your saved answer")
    expect(box.get_by_label("Japan")).to_be_checked()
    box = _question(page, "start.expectation")
    expect(box.locator("textarea")).to_have_value("I expect closer ties with China and little else.")
    progress_cell = page.locator(".jp-Cell", has_text="te.progress()").last
    progress_cell.scroll_into_view_if_needed()
    expect(progress_cell.locator(".jp-OutputArea-output")).to_contain_text(re.compile(r"00_start_here\s+6\s+6\s+5\s+0"))
    progress_cell.screenshot(path=str(SHOTS / "progress-after-restart.png"))
