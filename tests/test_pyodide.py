"""The in-browser version: the course's pure-Python parts under Pyodide in Node, and the offline-Pyodide check.

Runs the course wheel that lite/build.py ships (data bundled inside it) under two Pyodide runtimes from npm
(tests/pyodide/package.json): 314.0.6, the one JupyterLite's kernel loads, and 0.27.7, which has no fcntl
module. Checks data discovery without /drive, grading of every question in every bank (same statuses and
messages as under CPython), and the progress store (save, read back, damaged file). numpy/pandas/matplotlib
are not on npm, so the parts that need them are not run here. Needs Node.js and `npm ci --prefix tests/pyodide`
(.ci/run does both); skipped with the reason printed where they are missing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from needs import unavailable

from turneast.paths import ROOT

HERE = ROOT / "tests" / "pyodide"
NODE = shutil.which("node") or shutil.which("nodejs")
RUNTIMES = {"pyodide": "314.0.6", "pyodide-0.27": "0.27.7"}


def _lite_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lite_build", ROOT / "lite" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report(output: str) -> dict[str, Any]:
    lines = [ln for ln in output.splitlines() if ln.startswith("REPORT: ")]
    assert lines, f"no report in the output:\n{output[-3000:]}"
    return json.loads(lines[-1][len("REPORT: ") :])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course wheel exactly as the in-browser build makes it."""
    base = tmp_path_factory.mktemp("wheel")
    try:
        return _lite_build().course_wheel(base / "stage", base / "dist", python=sys.executable, isolated=True)
    except (subprocess.CalledProcessError, SystemExit) as exc:  # pragma: no cover - offline without a cache
        pytest.skip(f"could not build the course wheel here ({exc}); pip needs setuptools from PyPI once")


@pytest.fixture(scope="module")
def cpython(wheel: Path) -> dict[str, Any]:
    """The same checks under this CPython: the reference for Pyodide's results."""
    done = subprocess.run(
        [sys.executable, str(HERE / "course_check.py"), str(wheel)], capture_output=True, text=True, timeout=300
    )
    return _report(done.stdout + done.stderr)


def _failed(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report["checks"].items() if isinstance(v, str) and v.startswith("FAILED")}


def test_the_checks_pass_under_cpython(cpython: dict[str, Any]) -> None:
    assert _failed(cpython) == {}
    assert len(cpython["checks"]) == 7


@pytest.mark.parametrize("runtime", sorted(RUNTIMES))
def test_course_runs_under_pyodide(runtime: str, wheel: Path, cpython: dict[str, Any]) -> None:
    if not NODE:
        unavailable("Node.js not found (Debian: apt-get install nodejs npm)")
    package = HERE / "node_modules" / runtime / "package.json"
    if not package.is_file():
        unavailable(f"{runtime} not installed: run `npm ci --prefix tests/pyodide`")
    version = json.loads(package.read_text())["version"]
    assert version == RUNTIMES[runtime], f"{runtime} is {version}; package-lock.json pins {RUNTIMES[runtime]}"
    done = subprocess.run(
        [NODE, str(HERE / "run.mjs"), runtime, str(HERE / "course_check.py"), str(wheel)],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = _report(done.stdout + done.stderr)
    print(
        f"\n[pyodide {version}] Python {report['python']} on {report['platform']}; fcntl: {report['fcntl']}; "
        + "; ".join(f"{k}: {v}" for k, v in report["checks"].items() if v is not True)
    )
    assert report["platform"] == "emscripten"
    assert _failed(report) == {}, "\n\n".join(f"{k}:\n{v}" for k, v in _failed(report).items())
    assert report["checks"].keys() == cpython["checks"].keys()
    differ = {q: (g, cpython["grades"].get(q)) for q, g in report["grades"].items() if g != cpython["grades"].get(q)}
    assert not differ, f"grades differ from CPython's for {len(differ)} questions, e.g. {next(iter(differ.items()))}"
    assert report["grades"].keys() == cpython["grades"].keys()


def test_node_modules_stay_out_of_git() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "tests/pyodide/node_modules/pyodide/package.json"], cwd=ROOT
    ).returncode
    assert ignored == 0, "tests/pyodide/node_modules/ must be in .gitignore"


# ------------------------------------------------------------------------------- a local Pyodide release
NEEDED = {
    "micropip": [],
    "numpy": [],
    "pandas": ["numpy", "python-dateutil"],
    "python-dateutil": ["six"],
    "six": [],
    "matplotlib": ["numpy"],
    "ipython": ["traitlets"],
    "traitlets": [],
    "typing-extensions": [],
}


def fake_release(folder: Path, version: str = "314.0.6") -> Path:
    """A small stand-in for a Pyodide release: core files, one tiny 'wheel' per package, and the lock file."""
    folder.mkdir(parents=True)
    for core in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs"):
        (folder / core).write_bytes(f"fake {core}".encode())
    (folder / "package.json").write_text(json.dumps({"name": "pyodide", "version": version}))
    packages = {}
    for name, depends in {**NEEDED, "affine": []}.items():
        file_name = f"{name.replace('-', '_')}-1.0-py3-none-any.whl"
        body = f"wheel of {name}".encode()
        if name != "affine":  # a package the course does not need may be left out of a local copy
            (folder / file_name).write_bytes(body)
        packages[name] = {
            "name": name,
            "version": "1.0",
            "file_name": file_name,
            "depends": depends,
            "sha256": hashlib.sha256(body).hexdigest(),
            "imports": [name],
        }
    (folder / "pyodide-lock.json").write_text(json.dumps({"info": {"python": "3.14.2"}, "packages": packages}))
    return folder


def test_a_complete_release_passes(tmp_path: Path) -> None:
    assert _lite_build().verify_pyodide(fake_release(tmp_path / "pyodide")) == []


def test_a_changed_file_fails_with_its_name_and_checksums(tmp_path: Path) -> None:
    release = fake_release(tmp_path / "pyodide")
    (release / "pandas-1.0-py3-none-any.whl").write_bytes(b"tampered")
    problems = _lite_build().verify_pyodide(release)
    assert len(problems) == 1 and problems[0].startswith("pandas-1.0-py3-none-any.whl: sha256 ")
    assert hashlib.sha256(b"tampered").hexdigest() in problems[0]


def test_a_missing_needed_file_or_wrong_version_fails(tmp_path: Path) -> None:
    release = fake_release(tmp_path / "pyodide", version="0.27.7")
    (release / "six-1.0-py3-none-any.whl").unlink()  # needed: pandas -> python-dateutil -> six
    (release / "python_stdlib.zip").unlink()
    problems = _lite_build().verify_pyodide(release)
    assert any("six-1.0-py3-none-any.whl (needed by the course) is missing" in p for p in problems), problems
    assert any("python_stdlib.zip is missing" in p for p in problems), problems
    assert any("Pyodide 0.27.7" in p and "314.0.6" in p for p in problems), problems
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pyodide-lock.json").write_text("{not json")
    assert "cannot be read" in _lite_build().verify_pyodide(bad)[0]


def test_the_command_line_checks_an_archive(tmp_path: Path) -> None:
    """`lite/build.py --verify-pyodide` reads a release as downloaded (.tar.bz2) and exits 1 on a bad file."""
    release = fake_release(tmp_path / "src" / "pyodide")
    archive = tmp_path / "pyodide-314.0.6.tar.bz2"
    with tarfile.open(archive, "w:bz2") as tf:
        tf.add(release, arcname="pyodide")
    run = [sys.executable, str(ROOT / "lite" / "build.py"), "--verify-pyodide"]
    good = subprocess.run([*run, str(archive)], capture_output=True, text=True)
    assert good.returncode == 0 and "matches its pyodide-lock.json" in good.stdout
    (release / "numpy-1.0-py3-none-any.whl").write_bytes(b"changed")
    bad = subprocess.run([*run, str(release)], capture_output=True, text=True)
    assert bad.returncode == 1 and "numpy-1.0-py3-none-any.whl: sha256" in bad.stdout


def test_a_verified_release_is_staged_where_the_kernel_serves_it(tmp_path: Path) -> None:
    build = _lite_build()
    build.add_pyodide(fake_release(tmp_path / "pyodide"), tmp_path / "stage")
    assert (tmp_path / "stage" / "static" / "pyodide" / "pyodide-lock.json").is_file()
    (tmp_path / "pyodide" / "numpy-1.0-py3-none-any.whl").write_bytes(b"changed")
    with pytest.raises(SystemExit, match=r"numpy-1\.0-py3-none-any\.whl: sha256"):
        build.add_pyodide(tmp_path / "pyodide", tmp_path / "stage2")
