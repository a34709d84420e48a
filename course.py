#!/usr/bin/env python3
"""Set up and run the course with nothing but Python 3.10+ (standard library only).

    python3 course.py lab     # install into ./.venv (first time only) and open JupyterLab at the start-here notebook
    python3 course.py test    # install into ./.venv (with test extras) and run the whole test suite
    python3 course.py site    # build the course website in ./_site/html (own environment ./.venv-site)

Everything goes into a virtual environment in ./.venv, so it works where the system Python refuses
`pip install` (PEP 668 "externally managed"). Extra arguments after `test` are passed to pytest; after `site`,
to site/build.py (`--instructor` adds the solutions, `--no-lite` skips the in-browser version, `--help` lists
the rest). The website's tools live in ./.venv-site and the in-browser version's in ./lite/.venv.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
START = "notebooks/00_start_here.ipynb"


def say(msg: str) -> None:
    """Print a progress line."""
    print(f"[course] {msg}", flush=True)


def ensure_venv(dev: bool) -> None:
    """Create .venv and install the requirements and the course package, unless already done."""
    if sys.version_info < (3, 10):
        sys.exit(f"[course] Python 3.10 or newer is needed; this is {sys.version.split()[0]}.")
    run_files = ["requirements.txt", "pyproject.toml"]
    wanted = {
        hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()
        for files in ([run_files, run_files + ["requirements-dev.txt"]] if dev else [run_files])
    }
    stamp = VENV / ".installed"  # digests of the requirement sets installed (a test install includes the lab's)
    if PY.exists() and stamp.exists() and wanted <= set(stamp.read_text().split()):
        return
    if not PY.exists():
        say(f"creating a virtual environment in {VENV}")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as exc:
            sys.exit(
                f"[course] Could not create {VENV} ({exc}). On Debian/Ubuntu install the venv module first: "
                "sudo apt install python3-venv"
            )
    args = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", "requirements.txt"]
    if dev:
        args += ["-r", "requirements-dev.txt"]
    say("installing the course's packages (a minute or two the first time)")
    subprocess.run(args + ["-e", "."], cwd=ROOT, check=True)
    stamp.write_text(" ".join(sorted(wanted)))


SITE_VENV = ROOT / ".venv-site"
SITE_PY = SITE_VENV / ("Scripts" if os.name == "nt" else "bin") / ("python.exe" if os.name == "nt" else "python")


def ensure_site_venv() -> None:
    """Create .venv-site with the website's tools (Sphinx, MyST-NB, the book theme), unless already done.

    Kept apart from .venv so that the site's pins never move the course's own packages."""
    wanted = hashlib.sha256((ROOT / "requirements-site.txt").read_bytes()).hexdigest()
    stamp = SITE_VENV / ".installed"
    if SITE_PY.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return
    if not SITE_PY.exists():
        say(f"creating the website's environment in {SITE_VENV}")
        venv.EnvBuilder(with_pip=True).create(SITE_VENV)
    say("installing the website's tools (Sphinx, MyST-NB, sphinx-book-theme)")
    subprocess.run(
        [str(SITE_PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", "requirements-site.txt"],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(wanted)


def site(argv: list[str]) -> int:
    """Build the in-browser version (unless --no-lite), then the website with it under lite/."""
    args = [a for a in argv if a != "--no-lite"]
    if "--badges" not in args and "--help" not in args and "-h" not in args and "--no-lite" not in argv:
        if subprocess.call([sys.executable, str(ROOT / "lite" / "build.py")], cwd=ROOT):
            say("the in-browser (JupyterLite) build failed; see above, or build the site with --no-lite")
            return 1
        args = ["--lite-dir", str(ROOT / "lite" / "_output"), *args]
    ensure_site_venv()
    return subprocess.call([str(SITE_PY), str(ROOT / "site" / "build.py"), *args], cwd=ROOT)


def lab_args(extra: list[str]) -> list[str]:
    """The `jupyter lab` arguments: serve the whole course folder and open the start-here notebook."""
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return ["lab", f"--ServerApp.root_dir={ROOT}", f"--LabApp.default_url=/lab/tree/{START}", *root, *extra]


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    if not argv or argv[0] not in ("lab", "test", "site"):
        print(__doc__)
        return 2
    if argv[0] == "site":
        return site(argv[1:])
    if argv[0] == "lab":
        ensure_venv(dev=False)
        say(f"opening JupyterLab at {START} (stop it with Ctrl+C)")
        return subprocess.call([str(BIN / "jupyter"), *lab_args(argv[1:])], cwd=ROOT)
    ensure_venv(dev=True)
    say("running the test suite: unit tests, data and bank checks, strict nbval, exercises, browser tests")
    return subprocess.call([str(PY), "-m", "pytest", "-n", "2", "--dist", "loadfile", *argv[1:]], cwd=ROOT)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        sys.exit(f"[course] a set-up step failed ({exc}); see the messages above. Delete .venv and try again.")
    except KeyboardInterrupt:
        sys.exit(130)
