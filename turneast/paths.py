"""Where the course keeps its data and the learner's progress."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = Path(__file__).resolve().parent / "_data"  # the in-browser build's wheel carries a copy of data/ here


def data_dir() -> Path:
    """The course's data folder: TURNEAST_DATA, else next to the package, else the copy inside the package
    (the in-browser build's wheel), else above the working folder."""
    if os.environ.get("TURNEAST_DATA"):
        return Path(os.environ["TURNEAST_DATA"])
    if (ROOT / "data" / "core").is_dir():
        return ROOT / "data"
    if (BUNDLED / "core").is_dir():  # JupyterLite: found without the browser's /drive
        return BUNDLED
    for folder in (Path.cwd(), *Path.cwd().parents):  # e.g. JupyterLite, where the package is a wheel
        if (folder / "data" / "core" / "datapackage.json").is_file():
            return folder / "data"
    return ROOT / "data"


def progress_path() -> Path:
    """The learner's progress file (override with TURNEAST_PROGRESS).

    Default: ~/.local/share/turneast/progress.json (XDG_DATA_HOME), %APPDATA%\\turneast\\progress.json on
    Windows; under Pyodide (JupyterLite) /drive/.turneast-progress.json, or the in-memory home folder
    when the browser gives the page no /drive (answers then last only until the page is closed).
    """
    override = os.environ.get("TURNEAST_PROGRESS")
    if override:
        return Path(override).expanduser()
    if sys.platform == "emscripten":  # JupyterLite: the browser's storage for the site, when it is there
        drive = Path("/drive")
        return (drive if drive.is_dir() else Path.home()) / ".turneast-progress.json"
    if os.name == "nt":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "turneast" / "progress.json"
