"""Sphinx configuration of the course website. Used by site/build.py (`python3 course.py site`), which writes
the sources and `_site.json` (titles, alt texts, launch links) into the folder named by TURNEAST_SITE_SRC."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
SITE = json.loads((Path(os.environ["TURNEAST_SITE_SRC"]) / "_site.json").read_text(encoding="utf-8"))

project = SITE["title"]
author = "the course authors"
copyright = "the course authors; text CC BY 4.0, code MIT; excerpts belong to their publishers"
language = "en"
extensions = ["myst_nb", "turneast_site"]
master_doc = root_doc = "index"
exclude_patterns = ["_site.json", "**.ipynb_checkpoints"]

# Notebooks are shown as stored: never executed here.
nb_execution_mode = "off"
nb_output_stderr = "show"
# No widget state is stored, so a widget view has nothing to draw: show its text/html or text/plain instead.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
myst_heading_anchors = 3
myst_enable_extensions = ["deflist"]
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = SITE["title"]
html_static_path = [str(HERE / "_static")]
html_css_files = ["course.css"]
html_favicon = str(HERE / "_static" / "favicon.svg")
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": False,
    "show_toc_level": 2,
    "show_navbar_depth": 1,
    "navigation_with_keys": False,
}
if SITE["repository_url"]:  # the theme's repository button, only when the site knows where the course lives
    html_theme_options |= {
        "repository_url": SITE["repository_url"],
        "use_repository_button": True,
        "repository_branch": SITE["branch"],
    }
html_context = {"default_mode": "light"}
