"""The learner's side: one file holding their latest answers and a version stamp, and the box that writes it."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from .. import store
from .exports import FORMAT, VERSION
from .grading import stamp
from .text import CONTROL, MAX_TEXT, safe

EXPORT_NAME = "my-answers.json"


def _learner_id() -> str:
    """The stable id kept in the learner's progress file (it links several exports of one learner)."""
    try:
        return str(store.learner_id())
    except Exception:  # noqa: BLE001 - an export must not fail for want of an id
        return ""


def clean_identifier(identifier: Any) -> str:
    """The identifier a learner typed, trimmed; ValueError if it cannot be one."""
    text = str(identifier or "").strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"That is longer than {MAX_TEXT} characters: type only your login or email.")
    if CONTROL.search(text):
        raise ValueError("That contains invisible characters: type your login or email again.")
    return text


def export(path: Path, identifier: str = "", name: str = "") -> Path:
    """Write the learner's latest answer to every question they tried, with a version stamp, to one file."""
    # `identifier` is the learner's LMS login or email (it lets the instructor's gradebook find them); it is
    # kept in this file only. `name` is an optional display name (older exports had only this).
    doc = _document(clean_identifier(identifier), name)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # written whole, then renamed: never half a file
    try:
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _document(identifier: str, name: str) -> dict[str, Any]:
    """The export's content: who, the version stamp, when, and the latest answer to each question."""
    latest = store.latest()
    return {
        "format": FORMAT,
        "version": VERSION,
        "identifier": identifier,
        "learner": safe(name, MAX_TEXT),
        "learner_id": _learner_id(),
        **stamp(),
        "exported": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "answers": [
            {
                "qid": a["qid"],
                "notebook": a.get("notebook", ""),
                "status": a.get("status"),
                "response": a.get("response"),
                "time": a.get("time", ""),
            }
            for a in latest.values()
        ],
    }


def _export_widget_class() -> type:
    """The export widget's class (imported here so that importing classview does not need ipywidgets)."""
    from .widget import ExportWidget

    return ExportWidget


def export_answers() -> Any:
    """A small box to hand in answers: an identifier prompt and a button writing my-answers.json here."""
    return _export_widget_class()()
