#!/usr/bin/env python3
"""Build the in-browser (JupyterLite, Pyodide kernel) copy of the course as a static site in lite/_output/.

    python3 lite/build.py                      # makes lite/.venv with the build tools the first time
    python3 lite/build.py --pyodide DIR|FILE   # ship a local Pyodide release too: the site then needs no internet
    python3 lite/build.py --verify-pyodide DIR # only check a Pyodide release against its pyodide-lock.json

What the site carries: notebooks/ and exercises/ (never solutions/), data/, a wheel of the course package with a
copy of data/ inside it (so data is found without the browser's /drive), and pinned pure-Python wheels of
anywidget, ipywidgets and their dependencies (lite/requirements-browser.txt), installed from the site itself:
the PyPI fallback is switched off. Each notebook gets one first cell that installs them. numpy, pandas and
matplotlib come with Pyodide, from its CDN unless --pyodide gives a local release (checked file by file against
the sha256 sums in its pyodide-lock.json).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if sys.platform == "win32" else "bin")
PY = BIN / ("python.exe" if sys.platform == "win32" else "python")
WHEELS = HERE / ".wheels"  # downloaded browser wheels (a cache; ignored by git)
BROWSER = HERE / "requirements-browser.txt"
# setuptools 70.1+ builds wheels by itself, so the course wheel is built with no network (no build isolation).
TOOLS = ["jupyterlite-core==0.8.6", "jupyterlite-pyodide-kernel==0.8.6", "jupyter_server>=2.4", "setuptools>=70.1"]
PYODIDE_VERSION = "314.0.6"  # the Pyodide that jupyterlite-pyodide-kernel 0.8.6 loads
PYODIDE_PYTHON = "3.14"
# What the course imports from the Pyodide distribution (a local release must have these and their dependencies).
PYODIDE_NEEDS = ["micropip", "numpy", "pandas", "matplotlib", "ipython", "traitlets", "typing-extensions"]
KERNEL_SETTINGS = "@jupyterlite/pyodide-kernel-extension:kernel"


def say(msg: str) -> None:
    print(f"[lite] {msg}", flush=True)


def pins() -> list[str]:
    """The browser wheels' requirement lines (name==version)."""
    lines = [ln.split("#")[0].strip() for ln in BROWSER.read_text(encoding="utf-8").splitlines()]
    return [ln for ln in lines if ln]


def ensure_tools() -> None:
    """lite/.venv with jupyterlite and the JupyterLab extensions of the shipped widget packages."""
    wanted = hashlib.sha256("\n".join(TOOLS + pins()).encode()).hexdigest()
    stamp = VENV / ".installed"
    if PY.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing the build tools into lite/.venv (once)")
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check", *TOOLS, *pins()], check=True)
    stamp.write_text(wanted)


def browser_wheels() -> list[Path]:
    """The pinned wheels for the browser, downloaded once into lite/.wheels/; all must be pure Python."""
    WHEELS.mkdir(exist_ok=True)
    wanted = {re.split(r"[=<>!~]", p)[0].lower().replace("-", "_"): p for p in pins()}

    def have() -> dict[str, Path]:
        found = {}
        for whl in WHEELS.glob("*.whl"):
            name, version = whl.name.split("-")[:2]
            if f"{name.lower()}=={version}" in {p.lower().replace("-", "_") for p in wanted.values()}:
                found[name.lower()] = whl
        return found

    if set(have()) != set(wanted):
        say("downloading the pinned browser wheels (once): " + ", ".join(wanted.values()))
        subprocess.run(
            [
                str(PY),
                "-m",
                "pip",
                "download",
                "-q",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary=:all:",
                "--platform",
                "any",
                "--implementation",
                "py",
                "--python-version",
                PYODIDE_PYTHON,
                "-d",
                str(WHEELS),
                *wanted.values(),
            ],
            check=True,
        )
    found = have()
    missing = set(wanted) - set(found)
    if missing:
        raise SystemExit(f"[lite] no wheel found for {sorted(missing)} in {WHEELS}")
    compiled = [w.name for w in found.values() if not re.search(r"-py[23.]*-none-any\.whl$", w.name)]
    if compiled:
        raise SystemExit(f"[lite] not pure-Python wheels (they cannot run in Pyodide as they are): {compiled}")
    return sorted(found.values())


def course_wheel(stage: Path, dest: Path, python: Path | str = PY, isolated: bool = False) -> Path:
    """A wheel of the course package with a copy of data/ inside it (turneast/_data/)."""
    src = stage / "package"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "turneast", src / "turneast", ignore=shutil.ignore_patterns("__pycache__", "_data"))
    shutil.copytree(ROOT / "data", src / "turneast" / "_data", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (src / "MANIFEST.in").write_text("recursive-include turneast/_data *\n")
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "wheel",
            "-q",
            "--disable-pip-version-check",
            "--no-deps",
            *([] if isolated else ["--no-build-isolation"]),
            "-w",
            str(dest),
            str(src),
        ],
        check=True,
    )
    wheel = next(dest.glob("turneast-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for needed in ("turneast/_data/core/datapackage.json", "turneast/_data/core/questions.json"):
        if needed not in names:
            raise SystemExit(f"[lite] the course wheel lacks {needed}: data would not be found in the browser")
    return wheel


def _version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def install_cell(course: Path, wheels: list[Path]) -> str:
    """The first cell of every notebook: install the course and the widgets from the site's own wheels."""
    names = [f"turneast=={_version(course)}"] + [f"{w.name.split('-')[0]}=={_version(w)}" for w in wheels]
    return (
        "# In the browser only: install the course package and the widgets shipped with this site.\n"
        f"%pip install -q {' '.join(names)}"
    )


def _joined(value: object) -> object:
    """A list of lines as one string; anything else unchanged."""
    return "".join(value) if isinstance(value, list) else value


def stage_contents(stage: Path, cell: str) -> Path:
    """notebooks/, exercises/ and data/ with the install cell added and strings joined."""
    contents = stage / "contents"
    for folder in ("notebooks", "exercises", "data"):
        if (ROOT / folder).is_dir():
            shutil.copytree(
                ROOT / folder,
                contents / folder,
                ignore=shutil.ignore_patterns("*.py", "__pycache__", ".ipynb_checkpoints"),
            )
    for nb_path in sorted(contents.glob("*/*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for c in nb["cells"]:  # JupyterLite serves files as stored: join multi-line strings as a server would
            c["source"] = _joined(c["source"])
            for out in c.get("outputs", []):
                if "text" in out:
                    out["text"] = _joined(out["text"])
                for mime, value in out.get("data", {}).items():
                    out["data"][mime] = _joined(value)
        nb["cells"].insert(
            1 if nb["cells"] and nb["cells"][0]["cell_type"] == "markdown" else 0,
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "lite-install",
                "metadata": {"tags": ["lite"]},
                "outputs": [],
                "source": cell,
            },
        )
        nb_path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return contents


# ------------------------------------------------------------------------------- a local Pyodide release
def _unpacked(release: Path, tmp: Path) -> Path:
    """The folder holding pyodide-lock.json: release itself, or the unpacked .tar.bz2 archive."""
    if release.is_file():
        with tarfile.open(release) as tf:
            tf.extractall(tmp, filter="data") if hasattr(tarfile, "data_filter") else tf.extractall(tmp)
        release = tmp
    locks = sorted(release.glob("**/pyodide-lock.json"), key=lambda p: len(p.parts))
    if not locks:
        raise SystemExit(f"[lite] {release} holds no pyodide-lock.json: not a Pyodide release")
    return locks[0].parent


def _needed(packages: dict[str, dict], names: list[str]) -> set[str]:
    """names and everything they depend on, by the lock file."""
    todo, seen = [n.lower() for n in names], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in packages:
            continue
        seen.add(name)
        todo.extend(d.lower() for d in packages[name].get("depends", []))
    return seen


def verify_pyodide(folder: Path, needs: list[str] = PYODIDE_NEEDS, version: str | None = PYODIDE_VERSION) -> list[str]:
    """Check a Pyodide release folder file by file against pyodide-lock.json; return the problems (none: fine).

    Every file present must match its sha256; the packages the course needs (and their dependencies) must be
    present; the release must be the Pyodide version the kernel expects (when it says which it is).
    """
    problems = []
    lock_path = folder / "pyodide-lock.json"
    try:
        lock = json.loads(lock_path.read_text(encoding="utf-8"))
        packages = {k.lower(): v for k, v in lock["packages"].items()}
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        return [f"{lock_path} cannot be read as a Pyodide lock file ({exc.__class__.__name__}: {exc})"]
    for core in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        if not (folder / core).is_file():
            problems.append(f"{core} is missing: not a complete Pyodide release")
    meta = folder / "package.json"
    if version and meta.is_file():
        found = json.loads(meta.read_text(encoding="utf-8")).get("version")
        if found != version:
            problems.append(f"this is Pyodide {found}; the kernel (jupyterlite-pyodide-kernel) expects {version}")
    missing_needed = sorted(n for n in needs if n.lower() not in packages)
    if missing_needed:
        problems.append(f"pyodide-lock.json lists no {', '.join(missing_needed)}")
    needed = _needed(packages, needs)
    for name, info in sorted(packages.items()):
        path = folder / info.get("file_name", "")
        if not info.get("file_name") or not path.is_file():
            if name in needed:
                problems.append(f"{info.get('file_name') or name} (needed by the course) is missing")
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != info.get("sha256"):
            problems.append(f"{path.name}: sha256 {digest} does not match pyodide-lock.json ({info.get('sha256')})")
    return problems


def add_pyodide(release: Path, stage: Path) -> None:
    """Verify a local Pyodide release and put it where jupyterlite-pyodide-kernel serves it from (static/pyodide)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = _unpacked(release.resolve(), Path(tmp))
        problems = verify_pyodide(folder)
        if problems:
            raise SystemExit("[lite] the Pyodide release failed its check:\n  " + "\n  ".join(problems))
        count = len(json.loads((folder / "pyodide-lock.json").read_text())["packages"])
        say(f"Pyodide release verified against pyodide-lock.json ({count} packages listed); shipping it")
        shutil.copytree(folder, stage / "static" / "pyodide")


# ------------------------------------------------------------------------------- build
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pyodide", type=Path, help="a Pyodide release (folder or .tar.bz2) to ship with the site")
    parser.add_argument("--verify-pyodide", type=Path, metavar="DIR", help="only verify a Pyodide release folder")
    parser.add_argument("--out", type=Path, default=HERE / "_output", help="output folder (default lite/_output)")
    parser.add_argument("--stage", type=Path, default=HERE / "_stage", help="work folder (default lite/_stage)")
    parser.add_argument("--prepare", action="store_true", help="only install the tools and download the wheels")
    args = parser.parse_args(argv)
    if args.verify_pyodide:
        with tempfile.TemporaryDirectory() as tmp:
            problems = verify_pyodide(_unpacked(args.verify_pyodide.resolve(), Path(tmp)))
        print("\n".join(problems) or "[lite] the Pyodide release matches its pyodide-lock.json")
        return 1 if problems else 0
    ensure_tools()
    if args.prepare:
        browser_wheels()
        say("tools and wheels ready: the build itself needs no network from here on")
        return 0
    stage = args.stage.resolve()
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "pypi").mkdir(parents=True)
    wheels = browser_wheels()
    for whl in wheels:
        shutil.copy2(whl, stage / "pypi" / whl.name)
    course = course_wheel(stage, stage / "pypi")
    contents = stage_contents(stage, install_cell(course, wheels))
    if args.pyodide:
        add_pyodide(args.pyodide, stage)
    settings = {"disablePyPIFallback": True}  # everything not in Pyodide comes from the site's own pypi/
    (stage / "jupyter-lite.json").write_text(
        json.dumps(
            {
                "jupyter-lite-schema-version": 0,
                "jupyter-config-data": {"litePluginSettings": {KERNEL_SETTINGS: settings}},
            },
            indent=1,
        )
    )
    out = args.out.resolve()
    config = {"LiteBuildConfig": {"contents": [str(contents)], "output_dir": str(out)}}
    (stage / "jupyter_lite_config.json").write_text(json.dumps(config, indent=1))
    subprocess.run([str(BIN / "jupyter"), "lite", "build"], cwd=stage, check=True, stdout=subprocess.DEVNULL)
    shipped = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = shipped.get("litePluginSettings", {}).get(KERNEL_SETTINGS, {})
    where = "this site (offline)" if (out / "static" / "pyodide").is_dir() else "Pyodide's CDN (needs internet)"
    say(
        f"built {out}: Pyodide {PYODIDE_VERSION} from {where}; wheels from the site: "
        f"{', '.join(sorted(w.name for w in (stage / 'pypi').glob('*.whl')))}; "
        f"PyPI fallback {'off' if kernel.get('disablePyPIFallback') else 'ON'}. "
        f"Serve it with `python3 -m http.server -d {out}`"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
