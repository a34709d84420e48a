"""The data layer: every dataset validates and is sourced; damaged files fail with a message that says where."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import turneast as te
from turneast import data
from turneast.paths import ROOT

RESOURCES = sorted(data.resources())


@pytest.mark.parametrize("name", RESOURCES)
def test_every_dataset_loads_and_every_row_has_a_listed_source(name: str) -> None:
    frame = te.load(name)
    assert len(frame) > 0
    _, res = data.find(name)
    if "source" in frame.columns:
        ids = {s["id"] for s in res["sources"]}
        assert set(frame["source"]) <= ids
    else:
        assert name in ("core/sources", "core/excerpts"), "every dataset needs a per-row source column"


@pytest.mark.parametrize("name", RESOURCES)
def test_every_resource_is_fully_described(name: str) -> None:
    _, res = data.find(name)
    for key in ("title", "description", "licenses", "sources", "schema"):
        assert res.get(key), f"{name}: missing {key}"
    for src in res["sources"]:
        assert src.get("publisher") and src.get("title") and src.get("path"), (name, src)
        assert re.match(r"https?://", src["path"]), (name, src["path"])
        assert src.get("date") or src.get("accessed"), (name, src)
    for field in res["schema"]["fields"]:
        assert field.get("description"), (name, field["name"])
        if field.get("type") in ("integer", "number"):
            assert field.get("unit"), f"{name}.{field['name']}: numeric field without a unit"


def test_only_the_excerpts_table_has_quotation_columns() -> None:
    for path in (ROOT / "data").glob("**/*.csv"):
        header = path.read_text(encoding="utf-8").splitlines()[0].lower().split(",")
        if path.name != "excerpts.csv":
            assert not {"text", "excerpt", "quote"} & set(header), path


def test_every_excerpt_cites_a_course_text_and_is_short() -> None:
    excerpts = te.load("core/excerpts")
    assert set(excerpts["source_id"]) <= set(te.sources().index)
    assert excerpts["text"].str.split().str.len().max() <= 80


def test_excerpt_renders_as_an_attributed_blockquote() -> None:
    md = te.excerpt("lukin-peak")._repr_markdown_()
    assert md.startswith("> the peak of Russian-Chinese rapprochement")
    assert "Yuan Jiang" in md and "The Diplomat" in md and "[lukin-peak]" in md


def test_unknown_excerpt_and_dataset_names_are_explained() -> None:
    with pytest.raises(te.DataError, match="no excerpt with id 'lukin-peek'.*lukin-peak"):
        te.excerpt("lukin-peek")
    with pytest.raises(te.DataError, match="No dataset called 'nope'"):
        te.load("nope")


def test_types_are_applied() -> None:
    events = te.load("core/events")
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert str(te.load("china/china_russia_trade")["year"].dtype) == "Int64"


@pytest.fixture
def copy_of_data(tmp_path, monkeypatch) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    monkeypatch.setenv("TURNEAST_DATA", str(target))
    data._package.cache_clear()
    yield target
    data._package.cache_clear()


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_missing_file(copy_of_data: Path) -> None:
    (copy_of_data / "core" / "events.csv").unlink()
    with pytest.raises(te.DataError, match=r"events\.csv is missing.*git checkout"):
        te.load("core/events")


@pytest.mark.parametrize("old, new, message", [
    ("date,precision", "day,precision", r"missing: \['date'\]; unexpected: \['day'\]"),
    ("2012-09-08,", "8 Sept 2012,", r"events\.csv, row 2, column 'date': '8 Sept 2012' is not a date"),
    (",general,", ",europe,", r"row \d+, column 'thread': 'europe' is not one of the allowed values"),
    (",tass-2012-09-08", ",made-up-source", "source 'made-up-source' is not listed"),
    ("2012-09-08,day,general", "2012-09-08,,general", "column 'precision': the value is required"),
], ids=["renamed column", "wrong type", "value outside allowed set", "unknown source id", "empty required cell"])
def test_edited_csv_fails_with_a_message_naming_the_problem(copy_of_data: Path, old: str, new: str, message: str) -> None:
    _edit(copy_of_data / "core" / "events.csv", old, new)
    with pytest.raises(te.DataError, match=message):
        te.load("core/events")


def test_value_outside_range(copy_of_data: Path) -> None:
    package = copy_of_data / "core" / "datapackage.json"
    doc = json.loads(package.read_text(encoding="utf-8"))
    doc["resources"][2]["schema"]["fields"][0]["constraints"]["minimum"] = "2013-01-01"
    package.write_text(json.dumps(doc), encoding="utf-8")
    data._package.cache_clear()
    with pytest.raises(te.DataError, match="below the minimum"):
        te.load("core/events")


def test_damaged_descriptor(copy_of_data: Path) -> None:
    (copy_of_data / "core" / "datapackage.json").write_text("{", encoding="utf-8")
    with pytest.raises(te.DataError, match=r"datapackage\.json is not valid JSON"):
        te.load("core/events")


def test_not_utf8(copy_of_data: Path) -> None:
    (copy_of_data / "core" / "events.csv").write_bytes(b"date,precision\n\xff\xfe\n")
    with pytest.raises(te.DataError, match="cannot be read as UTF-8 CSV"):
        te.load("core/events")


def test_friendly_error_handler_shows_message_without_traceback(capsys) -> None:
    from IPython.testing.globalipapp import start_ipython
    ip = start_ipython()
    ip.run_cell("import turneast; turneast.install_friendly_errors()")
    ip.run_cell("turneast.load('nope')")
    err = capsys.readouterr().err
    assert "DataError: No dataset called 'nope'" in err
    assert "Traceback" not in err


def test_data_is_found_from_the_working_folder_when_the_package_is_installed_elsewhere(tmp_path, monkeypatch) -> None:
    from turneast import paths
    site = tmp_path / "drive"
    (site / "data" / "core").mkdir(parents=True)
    (site / "data" / "core" / "datapackage.json").write_text("{}")
    (site / "notebooks").mkdir()
    monkeypatch.delenv("TURNEAST_DATA", raising=False)
    monkeypatch.setattr(paths, "ROOT", tmp_path / "site-packages")
    monkeypatch.chdir(site / "notebooks")
    assert paths.data_dir() == site / "data"
