"""Where the course keeps its data and the learner's progress."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The course's data folder (override with TURNEAST_DATA)."""
    return Path(os.environ.get("TURNEAST_DATA", ROOT / "data"))


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
