"""The discussion sheet: what the class wrote in each reflection, anonymous by default, as Markdown or HTML."""

from __future__ import annotations

import hashlib
import html
import re

from ..questions import SAVED, Question
from .gathering import Gathered
from .grading import course_questions
from .text import CONTROL

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#!|<>$~&])")
_STYLE = (
    "body{font:1.35rem/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}"
    "h2{font-size:1.5rem;margin-top:2.5rem}.meta{color:#555;font-size:1rem}blockquote{border-left:.4rem solid "
    "#0072B2;margin:1rem 0;padding:.2rem 1rem;background:#f4f8fb}footer{color:#555;font-size:1rem}"
)


def reflections(g: Gathered, names: bool = False) -> list[tuple[Question, list[tuple[str, str]]]]:
    """For each reflection question (course order) the texts written, as (who, text); who is '' unless names."""
    # Within a question the texts are in the order of a hash of the text, unrelated to who wrote them.
    out = []
    for q in course_questions():
        if q.type != "reflection":
            continue
        texts = [
            (ln.label if names else "", ln.answers[q.id].response)
            for ln in g.learners
            if q.id in ln.answers and ln.answers[q.id].status == SAVED
        ]
        texts.sort(key=lambda wt: hashlib.sha256(wt[1].encode()).hexdigest())
        if texts:
            out.append((q, texts))
    return out


def _md(text: str) -> str:
    """Learner text made inert in Markdown (no links, images, HTML or math)."""
    return _MD_SPECIAL.sub(r"\\\1", CONTROL.sub(" ", text))


def discussion_markdown(g: Gathered, names: bool = False) -> str:
    """The discussion sheet as Markdown: each reflection prompt with what the class wrote."""
    lines = [
        "# Discussion sheet",
        "",
        f"What {g.count} learner(s) wrote in their reflections" + ("" if names else " (anonymous)") + ".",
        "",
    ]
    found = reflections(g, names)
    if not found:
        lines.append("Nobody has written a reflection yet.")
    for q, texts in found:
        lines += [f"## {_md(q.prompt)}", "", f"*{q.notebook}, {len(texts)} of {g.count} learners wrote one.*", ""]
        for who, text in texts:
            body = "\n".join("> " + _md(line) for line in text.splitlines() if line.strip())
            lines += [body + (f"\n>\n> — {_md(who)}" if who else ""), ""]
    return "\n".join(lines).rstrip() + "\n"


def discussion_html(g: Gathered, names: bool = False, page: bool = True) -> str:
    """The discussion sheet as HTML to project (large type, no scripts, nothing loaded from elsewhere)."""
    parts = [
        f"<h1>Discussion sheet</h1><p>What {g.count} learner(s) wrote in their reflections"
        + ("" if names else " (anonymous)")
        + ".</p>"
    ]
    found = reflections(g, names)
    if not found:
        parts.append("<p>Nobody has written a reflection yet.</p>")
    for q, texts in found:
        parts.append(
            f"<section><h2>{html.escape(q.prompt)}</h2><p class='meta'>{html.escape(q.notebook)}, "
            f"{len(texts)} of {g.count} learners wrote one.</p>"
        )
        for who, text in texts:
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
            signed = f"<footer>— {html.escape(who)}</footer>" if who else ""
            parts.append(f"<blockquote>{paragraphs}{signed}</blockquote>")
        parts.append("</section>")
    body = "\n".join(parts)
    return _page(body) if page else f'<div class="turneast-discussion">{body}</div>'


def _page(body: str) -> str:
    """A whole HTML page around body: its own style, nothing loaded from elsewhere, no scripts."""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>Discussion sheet</title><style>{_STYLE}</style></head>\n<body>\n"
        f"{body}\n</body></html>\n"
    )
