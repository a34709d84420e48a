"""Where the course keeps its data and the learner's progress."""
from __future__ import annotations

import os
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
    """The learner's progress file (override with TURNEAST_PROGRESS)."""
    override = os.environ.get("TURNEAST_PROGRESS")
    if override:
        return Path(override).expanduser()
    if os.name == "nt":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "turneast" / "progress.json"
