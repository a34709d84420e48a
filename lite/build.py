#!/usr/bin/env python3
"""Build a JupyterLite (zero-install) copy of the course as a static site in lite/_output/.

    python3 lite/build.py            # makes lite/.venv with jupyterlite-core etc. the first time

The site runs Python in the browser (Pyodide). Each lesson gets one extra first cell,
`%pip install -q turneast ipywidgets`, which installs the course package from a wheel shipped in the
site. Pyodide itself is loaded from its CDN when the page opens, so learners need internet access.
Answers are saved in the browser's storage for the site (/drive), not on disk.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".venv"
PY = VENV / "bin" / "python"
PACKAGES = ["jupyterlite-core==0.8.6", "jupyterlite-pyodide-kernel==0.8.6", "jupyter_server", "ipywidgets>=8.1"]
INSTALL = "%pip install -q turneast ipywidgets\nimport os\nos.environ[\"TURNEAST_PROGRESS\"] = \"/drive/.turneast-progress.json\""


def _joined(value: object) -> object:
    """A list of lines as one string; anything else unchanged."""
    return "".join(value) if isinstance(value, list) else value


def main() -> int:
    """Build the site."""
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
        subprocess.run([str(PY), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    stage = HERE / "_stage"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "pypi").mkdir(parents=True)
    subprocess.run([str(PY), "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(stage / "pypi"), str(ROOT)], check=True)
    contents = stage / "contents"
    for folder in ("notebooks", "exercises", "data"):
        shutil.copytree(ROOT / folder, contents / folder, ignore=shutil.ignore_patterns("*.py", "questions.src.json"))
    for nb_path in list((contents / "notebooks").glob("*.ipynb")) + list((contents / "exercises").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:  # JupyterLite serves files as stored: join multi-line strings as a server would
            cell["source"] = _joined(cell["source"])
            for out in cell.get("outputs", []):
                if "text" in out:
                    out["text"] = _joined(out["text"])
                for mime, value in out.get("data", {}).items():
                    out["data"][mime] = _joined(value)
        nb["cells"].insert(1, {"cell_type": "code", "execution_count": None, "id": "lite-install", "metadata": {},
                               "outputs": [], "source": INSTALL})
        nb_path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    # the wheel in <lite dir>/pypi/ is picked up by the piplite add-on and served from the site
    config = {"LiteBuildConfig": {"contents": [str(contents)], "output_dir": str(HERE / "_output")}}
    (stage / "jupyter_lite_config.json").write_text(json.dumps(config, indent=1))
    subprocess.run([str(VENV / "bin" / "jupyter"), "lite", "build"], cwd=stage, check=True)
    print(f"Built {HERE / '_output'}: serve it with `python3 -m http.server -d {HERE / '_output'}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
