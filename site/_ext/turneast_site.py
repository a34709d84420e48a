"""A small Sphinx extension for the course website.

- Chart images get their alt text: site/build.py maps each image's content hash (the file name MyST-NB gives
  it) to the alt found in the notebook (the output's "alt" metadata, else the "Chart description" after it).
- Lesson and exercise pages get their "run it live" links (JupyterLite, Binder, JupyterHub) under the title.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


def _site() -> dict[str, Any]:
    return json.loads((Path(os.environ["TURNEAST_SITE_SRC"]) / "_site.json").read_text(encoding="utf-8"))


def add_alt(app: Sphinx, doctree: nodes.document) -> None:
    """Give every notebook image whose content is known its alt text."""
    alts = app.env.turneast_alts if hasattr(app.env, "turneast_alts") else _site()["alts"]
    app.env.turneast_alts = alts
    for image in doctree.findall(nodes.image):
        alt = alts.get(Path(str(image.get("uri", ""))).stem)
        if alt and not image.get("alt"):
            image["alt"] = alt


def add_launch_links(
    app: Sphinx,  # noqa: ARG001 - Sphinx's event signature
    pagename: str,
    templatename: str,  # noqa: ARG001
    context: dict[str, Any],
    doctree: Any,  # noqa: ARG001
) -> None:
    """Put the launch links for a notebook page right after its title."""
    links = _site()["launch"].get(pagename)
    body = context.get("body")
    if not links or not body or "</h1>" not in body:
        return
    items = []
    for link in links:
        url = context["pathto"](link["url"], 1) if link["site_relative"] else link["url"]
        items.append(
            f'<li><a class="te-launch-link" href="{html.escape(url)}">{html.escape(link["label"])}</a> '
            f'<span class="te-launch-note">({html.escape(link["note"])})</span></li>'
        )
    block = (
        '<nav class="te-launch" aria-label="Run this notebook live"><p class="te-launch-title">'
        "Run this notebook live:</p><ul>" + "".join(items) + "</ul></nav>"
    )
    head, _, rest = body.partition("</h1>")
    context["body"] = head + "</h1>" + block + rest


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", add_alt)
    app.connect("html-page-context", add_launch_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
