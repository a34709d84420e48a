"""The data layer: every dataset validates and is sourced; damaged files fail with a message that says where.

The hostile edits live in tests/hostile/data/ (one JSON file per case, README there); each is applied to a
copy of data/ and must give a clear DataError (or be read correctly), and the reference validator
`frictionless` is run over the same edit so that every disagreement between the two is written down.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

import turneast as te
from turneast import data, jsonfile
from turneast.paths import ROOT

matplotlib.use("Agg")
import matplotlib.pyplot as plt

RESOURCES = sorted(name for name, res in data.resources().items() if res.tabular)
PACKAGES = sorted(data.packages())
HOSTILE = sorted((ROOT / "tests" / "hostile" / "data").glob("*.json"))


def _source_ids(res: data.Resource) -> set[str]:
    return {s["id"] for s in res.sources}


# ---------------------------------------------------------------- the real data
def test_every_data_folder_has_a_readable_datapackage() -> None:
    assert data.problems() == {}
    assert len(RESOURCES) >= 20


@pytest.mark.parametrize("name", RESOURCES)
def test_every_dataset_loads_and_every_row_has_a_listed_source(name: str) -> None:
    frame = te.load(name)
    assert len(frame) > 0
    res = data.find(name)
    if "source" in frame.columns:
        assert set(frame["source"]) <= _source_ids(res)
    else:
        assert name in ("core/sources", "core/excerpts"), "every dataset needs a per-row source column"


@pytest.mark.parametrize("name", RESOURCES)
def test_every_resource_is_fully_described(name: str) -> None:
    res = data.find(name).descriptor
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
    with pytest.raises(te.DataError, match=r"no excerpt with id 'lukin-peek'.*lukin-peak"):
        te.excerpt("lukin-peek")
    with pytest.raises(te.DataError, match="No dataset called 'nope'"):
        te.load("nope")
    with pytest.raises(te.DataError, match=r"No dataset called 'china/china_russia_trad'.*china/china_russia_trade"):
        te.load("china/china_russia_trad")
    for value in (None, 3, ["china/poll_2022"]):
        with pytest.raises(te.DataError, match="is text"):
            te.load(value)  # type: ignore[arg-type]
        with pytest.raises(te.DataError, match="is text"):
            te.excerpt(value)  # type: ignore[arg-type]


def test_find_returns_a_named_resource() -> None:
    res = data.find("poll_2022")
    assert isinstance(res, data.Resource)
    assert res.name == "china/poll_2022" and res.folder == ROOT / "data" / "china"
    assert res.descriptor["name"] == "poll_2022" and res.path == res.folder / "poll_2022.csv"
    assert res.primary_key == ["statement", "country"] and "china/poll_2022" in repr(res)
    assert set(RESOURCES) <= set(data.resources())


def test_a_map_can_be_cited_but_not_loaded(copy_of_data: Path) -> None:
    """A non-tabular resource (e.g. a GeoJSON map) needs no schema: captions cite it, te.load explains."""
    package = {
        "name": "maps",
        "resources": [
            {
                "name": "central_asia",
                "path": "central_asia.geojson",
                "format": "geojson",
                "sources": [
                    {
                        "id": "natural-earth",
                        "publisher": "Natural Earth (via world-atlas 2.0.2)",
                        "title": "Admin 0 countries, 1:50m",
                        "path": "https://www.naturalearthdata.com/",
                    }
                ],
            }
        ],
    }
    (copy_of_data / "maps" / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    assert te.source_line("maps/central_asia") == "Source: Natural Earth (dataset maps/central_asia)"
    with pytest.raises(te.DataError, match="'maps/central_asia' is not a table"):
        te.load("maps/central_asia")
    assert _frictionless_verdict(copy_of_data / "maps" / "datapackage.json") == "valid"


def test_dead_helpers_are_gone() -> None:
    assert not hasattr(te, "cite") and "cite" not in te.__all__
    assert not hasattr(data, "cite") and not hasattr(data, "excerpt_html")


# ---------------------------------------------------------------- types: missing values are <NA> everywhere
def test_types_are_applied() -> None:
    events = te.load("core/events")
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    trade = te.load("china/china_russia_trade")
    assert str(trade["year"].dtype) == "Int64"
    assert str(trade["total_usd_bn"].dtype) == "Float64"
    assert str(trade["reporter"].dtype) == "string"


@pytest.mark.parametrize("name", RESOURCES)
def test_missing_values_show_as_na_never_nan(name: str) -> None:
    frame = te.load(name)
    for col in frame.columns:
        dtype = str(frame[col].dtype)
        assert dtype in ("Int64", "Float64", "boolean", "string") or dtype.startswith("datetime64"), (
            col,
            dtype,
        )
    assert not re.search(r"\bNaN\b", frame.to_string()), "a missing value shown as NaN"
    assert not re.search(r"\bNaN\b", frame.to_html())


def test_lesson_arithmetic_keeps_na() -> None:
    """What typical lesson code does to a column with gaps: the gaps stay <NA>, never NaN."""
    trade = te.load("china/china_russia_trade")
    exports, imports = trade["china_exports_usd_bn"], trade["china_imports_usd_bn"]
    assert exports.isna().any(), "the test needs a column with gaps"
    for result in (
        exports - imports,
        exports / imports,
        (exports / imports).round(2),
        exports * 100,
        exports.pct_change(fill_method=None),
        exports.cumsum(),
        exports.where(exports > 40),
    ):
        assert str(result.dtype) == "Float64"
        assert not re.search(r"\bNaN\b", result.to_string())
    mask = exports > 40
    assert str(mask.dtype) == "boolean" and mask.isna().any()
    assert len(trade[mask]) == int(mask.sum())  # filtering with a mask that has gaps keeps only the True rows
    assert exports.mean() == pytest.approx(exports.dropna().mean())


def test_nullable_columns_plot(tmp_path: Path) -> None:
    """plot/scatter/step/fill_between/hist and pandas' .plot draw gaps; bar/errorbar need .astype(float).

    matplotlib cannot convert pd.NA in bar, barh, errorbar and annotate, nor a nullable DataFrame in imshow
    and pcolormesh (matplotlib#22126, #23991); `.astype(float)` turns <NA> into NaN, which matplotlib skips.
    """
    trade = te.load("china/china_russia_trade")
    china = trade[trade["reporter"] == "China customs"]
    x, y = china["year"], china["china_exports_usd_bn"]
    assert y.isna().any()
    fig, ax = te.figure()
    ax.plot(x, y)
    ax.scatter(x, y)
    ax.step(x, y)
    ax.fill_between(x, y, alpha=0.2)
    ax.hist(y.dropna())
    china.plot(x="year", y="china_exports_usd_bn", ax=ax)
    ax.bar(x.astype(float), y.astype(float))
    ax.barh(x.astype(float), y.astype(float))
    ax.errorbar(x.astype(float), y.astype(float), yerr=y.astype(float) / 10)
    ax.imshow(china[["total_usd_bn", "china_exports_usd_bn"]].astype(float).to_numpy())
    fig.savefig(tmp_path / "chart.png")
    plt.close(fig)
    assert y.astype(float).isna().sum() == y.isna().sum()


# ---------------------------------------------------------------- captions
def test_source_line_names_few_publishers_and_the_dataset() -> None:
    line = te.source_line("china/china_russia_trade")
    assert re.fullmatch(r"Source: [^;]+; [^;]+; [^;]+ and \d+ others \(dataset china/china_russia_trade\)", line), line
    res = data.find("china/china_russia_trade")
    publishers = {data.short_publisher(s["publisher"]) for s in res.sources}
    others = int(re.search(r"and (\d+) others", line).group(1))
    assert others == len(publishers) - 3
    assert te.source_line("poll_2022") == "Source: The Diplomat (dataset china/poll_2022)"


def test_source_line_with_rows_names_only_their_sources() -> None:
    trade = te.load("china/china_russia_trade")
    rows = trade[trade["year"] == 2024]
    src = {s["id"]: s for s in data.find("china/china_russia_trade").sources}
    expected = "; ".join(dict.fromkeys(data.short_publisher(src[i]["publisher"]) for i in rows["source"]))
    assert (
        te.source_line("china/china_russia_trade", rows=rows)
        == f"Source: {expected} (dataset china/china_russia_trade)"
    )
    assert te.source_line("china/china_russia_trade", rows=rows["source"]) == te.source_line(
        "china/china_russia_trade", rows=rows
    )


def test_source_line_with_several_datasets() -> None:
    line = te.source_line("un/unga_votes", "un/unga_resolutions")
    assert line.endswith("(datasets un/unga_votes, un/unga_resolutions)")
    votes = te.load("un/unga_votes")
    with pytest.raises(te.DataError, match="rows cite sources that are not in dataset core/events"):
        te.source_line("core/events", rows=votes)


def test_source_line_orders_publishers_by_rows_cited() -> None:
    frame = te.load("un/unga_votes")
    publisher = {s["id"]: data.short_publisher(s["publisher"]) for s in data.find("un/unga_votes").sources}
    top = frame["source"].map(publisher).value_counts()
    assert te.source_line("un/unga_votes").startswith(f"Source: {top.index[0]}; {top.index[1]}; {top.index[2]} and")


@pytest.mark.parametrize(
    "bad, message",
    [
        ((), "at least one dataset"),
        (("nope",), "No dataset called 'nope'"),
        (("china/poll_2022", pd.DataFrame({"x": [1]})), "no 'source' column"),
        (("china/poll_2022", pd.DataFrame({"source": []})), "names no source"),
        (("china/poll_2022", [1, 2]), "must be a DataFrame"),
    ],
)
def test_source_line_mistakes_are_explained(bad: tuple, message: str) -> None:
    names, rows = (bad[:1], bad[1]) if len(bad) == 2 else (bad, None)
    with pytest.raises(te.DataError, match=message):
        te.source_line(*names, rows=rows)


def test_short_publisher() -> None:
    assert data.short_publisher("Sputnik (citing China's General Administration of Customs)") == "Sputnik"
    assert data.short_publisher("ecns.cn (China News Service), citing the Chinese Embassy in Moscow") == "ecns.cn"
    assert data.short_publisher("E2News (이투뉴스), citing KOTRA") == "E2News"
    assert (
        data.short_publisher(
            "JETRO (Japan External Trade Organization), Business Short News; JETRO's US-dollar "
            "conversion of Ministry of Finance data"
        )
        == "JETRO, Business Short News"
    )
    assert data.short_publisher("Reporters Without Borders") == "Reporters Without Borders"


def test_caption_prefers_a_latin_publisher_name_and_never_shows_undrawable_text(copy_of_data: Path) -> None:
    path = copy_of_data / "china" / "datapackage.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    poll = next(r for r in doc["resources"] if r["name"] == "poll_2022")
    poll["sources"][0]["publisher"] = "연합뉴스"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert te.source_line("china/poll_2022") == "Source: 1 publisher (dataset china/poll_2022)"
    poll["sources"][0]["publisher_en"] = "Yonhap News Agency"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert te.source_line("china/poll_2022") == "Source: Yonhap News Agency (dataset china/poll_2022)"


def _needs_latin_name() -> list[str]:
    """Source ids whose publisher the chart font cannot draw and that have no drawable publisher_en."""
    return sorted(
        {
            f"{name}:{s['id']}"
            for name in RESOURCES
            for s in data.find(name).sources
            if not data.drawable(s["publisher"]) and not data.drawable(s.get("publisher_en", "\u3131"))
        }
    )


def test_publishers_the_chart_font_cannot_draw_are_listed() -> None:
    """These sources are still cited (the caption drops the non-Latin aside or counts them among the others),
    but a `publisher_en` key with the Latin name would let the caption name them in full."""
    for entry in _needs_latin_name():
        name, source_id = entry.split(":")
        src = next(s for s in data.find(name).sources if s["id"] == source_id)
        assert data.drawable(data.short_publisher(src["publisher"])), f"{entry}: add a Latin 'publisher_en'"


@pytest.mark.parametrize("name", RESOURCES)
def test_every_caption_is_drawable_and_fits_two_lines_under_an_8_inch_chart(name: str) -> None:
    line = te.source_line(name)
    assert data.drawable(line), line
    assert "$" not in line.replace(r"\$", "")
    fig, _ = te.figure()  # 8 inches wide, as every lesson chart
    text = fig.text(0.01, 0.01, line, fontsize=8)  # as charts.finish writes it
    width = text.get_window_extent(fig.canvas.get_renderer()).width / fig.dpi
    plt.close(fig)
    assert width <= 2 * 0.98 * 8 * 0.9, f"{width:.1f} inches: {line}"  # two lines, with room for word wrapping


# ---------------------------------------------------------------- one JSON reader
@pytest.mark.parametrize(
    "content, message",
    [
        (None, "is missing"),
        (b"{", r"is not valid JSON \(line 1"),
        (b"[" * 100 + b"]" * 100, "nested more than 64 levels"),
        (b'{"a": NaN}', "NaN is not allowed"),
        (b'{"a": ' + b"9" * 5000 + b"}", "thousands of digits"),
        (b"\xff\xfe{\x00}\x00", "is not UTF-8"),
        (b"[]", "must hold an object"),
    ],
)
def test_json_reader_explains_every_damage(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "x.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(te.CourseError, match=f"x.json .*{message}.*Restore it"):
        jsonfile.read(path, expect=dict, restore="Restore it.")


def test_json_reader_reads_a_bom_and_refuses_folders_pipes_and_huge_files(tmp_path: Path) -> None:
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"a": ["[", {"b": "}"}]}).encode())
    assert jsonfile.read(tmp_path / "bom.json") == {"a": ["[", {"b": "}"}]}
    with pytest.raises(te.DataError, match="is a folder"):
        jsonfile.read(tmp_path, error=te.DataError)
    (tmp_path / "big.json").write_text("[" + "1," * 600 + "1]")
    with pytest.raises(te.CourseError, match="larger than"):
        jsonfile.read(tmp_path / "big.json", max_bytes=1000)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.json")
        with pytest.raises(te.CourseError, match="not a regular file"):
            jsonfile.read(tmp_path / "pipe.json")
    assert jsonfile.depth('{"a": "[[[[", "b": [[1]]}') == 3


# ---------------------------------------------------------------- hostile edits
@pytest.fixture
def copy_of_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    monkeypatch.setenv("TURNEAST_DATA", str(target))
    yield target


def _lines(path: Path) -> tuple[list[list[str]], list[str]]:
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return records, [_line(r) for r in records]


def _line(record: list[str], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(record)
    return out.getvalue()


def _step(doc: object, key: object) -> object:
    if isinstance(key, dict):
        return next(item for item in doc if item.get("name") == key["name"])  # type: ignore[union-attr]
    return doc[key]  # type: ignore[index]


def _apply(edit: dict, root: Path) -> None:
    """Apply one corpus edit (see tests/hostile/data/README.md) to the data copy at root."""
    op, path = edit["op"], root / edit["file"]
    if op in ("json_set", "json_delete"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        *parents, last = edit["path"] or [None]
        holder = doc
        for key in parents:
            holder = _step(holder, key)
        if last is None:
            doc = edit["value"]
        elif op == "json_set":
            holder[last] = edit["value"]
        else:
            del holder[last]
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        return
    if op in ("write", "prefix", "append", "encode", "crlf"):
        text = path.read_text(encoding="utf-8")
        if op == "encode":
            path.write_bytes(text.encode(edit["encoding"]))
            return
        new = {
            "write": lambda: edit["text"],
            "prefix": lambda: edit["text"] + text,
            "append": lambda: text + edit["text"],
            "crlf": lambda: text.replace("\r\n", "\n").replace("\n", "\r\n"),
        }[op]()
        path.write_bytes(new.encode("utf-8"))
        return
    if op in ("delete", "make_dir", "make_fifo", "symlink"):
        if op in ("make_fifo", "symlink") and not hasattr(os, "mkfifo"):
            pytest.skip("needs a POSIX file system")
        if op == "symlink" and not os.path.exists(edit["target"]):
            pytest.skip(f"{edit['target']} does not exist here")
        path.unlink()
        if op == "make_dir":
            path.mkdir()
        elif op == "make_fifo":
            os.mkfifo(path)
        elif op == "symlink":
            path.symlink_to(edit["target"])
        return
    records, lines = _lines(path)
    header = records[0]
    if op == "set_cell":
        record = records[edit["row"] - 1]
        record[header.index(edit["column"])] = edit["value"]
        lines[edit["row"] - 1] = ",".join(record) if edit.get("raw") else _line(record)
    elif op == "add_column":
        lines = [_line([*r, edit["name"] if i == 0 else edit["value"]]) for i, r in enumerate(records)]
    elif op in ("add_cell", "drop_cell"):
        record = records[edit["row"] - 1]
        lines[edit["row"] - 1] = _line([*record, edit["value"]] if op == "add_cell" else record[:-1])
    elif op == "copy_row":
        lines.insert(edit["row"], lines[edit["row"] - 1])
    elif op == "insert_line":
        lines.insert(edit["row"] - 1, edit["text"])
    elif op == "swap_columns":
        a, b = header.index(edit["a"]), header.index(edit["b"])
        for record in records:
            record[a], record[b] = record[b], record[a]
        lines = [_line(r) for r in records]
    elif op == "rename_column":
        lines[0] = _line([edit["new"] if h == edit["old"] else h for h in header])
    elif op == "keep_header":
        lines = lines[:1]
    elif op == "delimiter":
        lines = [_line(r, edit["delimiter"]) for r in records]
    else:
        raise AssertionError(f"unknown edit {op!r}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _case(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_hostile_corpus_is_well_formed() -> None:
    assert len(HOSTILE) >= 40
    for path in HOSTILE:
        case = _case(path)
        assert case["case"] and case["dataset"] and case["edits"], path.name
        assert ("expect" in case) != bool(case.get("reads_correctly")), path.name
        assert case["frictionless"] in ("invalid", "valid", "crash", "skip"), path.name
        disagree = (case["frictionless"] != "invalid") == ("expect" in case)
        assert case.get("why") or not disagree, f"{path.name}: say why frictionless differs"


@pytest.mark.parametrize("case_file", HOSTILE, ids=[p.stem for p in HOSTILE])
def test_hostile_edit_gets_a_clear_message_or_is_read_correctly(case_file: Path, copy_of_data: Path) -> None:
    case = _case(case_file)
    before = te.load(case["dataset"]) if case.get("reads_correctly") else None
    for edit in case["edits"]:
        _apply(edit, copy_of_data)
    if before is not None:
        pd.testing.assert_frame_equal(te.load(case["dataset"]), before)
        return
    with pytest.raises(te.DataError) as caught:  # any other exception fails the test: it would be a traceback
        te.load(case["dataset"])
    message = str(caught.value)
    missing = [word for word in case["expect"] if word not in message]
    assert not missing, f"{missing} not in: {message}"
    assert len(message) < 700, message


# ---------------------------------------------------------------- the reference validator agrees
def _frictionless_verdict(descriptor: Path) -> str:
    frictionless = pytest.importorskip("frictionless")
    try:
        report = frictionless.validate(str(descriptor))
    except Exception:  # a crash of the reference validator is a verdict of its own
        return "crash"
    return "valid" if report.valid else "invalid"


@pytest.mark.parametrize("package", PACKAGES)
def test_frictionless_agrees_that_every_datapackage_is_valid(package: str) -> None:
    path = ROOT / "data" / package / "datapackage.json"
    assert _frictionless_verdict(path) == "valid"
    for name in (n for n in RESOURCES if n.startswith(package + "/")):
        te.load(name)  # the course's own validator agrees


@pytest.mark.parametrize(
    "case_file",
    [p for p in HOSTILE if _case(p)["frictionless"] != "skip"],
    ids=[p.stem for p in HOSTILE if _case(p)["frictionless"] != "skip"],
)
def test_frictionless_verdict_on_hostile_edit_is_as_recorded(case_file: Path, copy_of_data: Path) -> None:
    case = _case(case_file)
    for edit in case["edits"]:
        _apply(edit, copy_of_data)
    package = next(Path(e["file"]).parts[0] for e in case["edits"])
    assert _frictionless_verdict(copy_of_data / package / "datapackage.json") == case["frictionless"]


def test_friendly_error_handler_shows_message_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    from IPython.testing.globalipapp import start_ipython

    ip = start_ipython()
    ip.run_cell("import turneast; turneast.install_friendly_errors()")
    ip.run_cell("turneast.load('nope')")
    err = capsys.readouterr().err
    assert "DataError: No dataset called 'nope'" in err
    assert "Traceback" not in err


def test_data_is_found_from_the_working_folder_when_the_package_is_installed_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from turneast import paths

    site = tmp_path / "drive"
    (site / "data" / "core").mkdir(parents=True)
    (site / "data" / "core" / "datapackage.json").write_text("{}")
    (site / "notebooks").mkdir()
    monkeypatch.delenv("TURNEAST_DATA", raising=False)
    monkeypatch.setattr(paths, "ROOT", tmp_path / "site-packages")
    monkeypatch.chdir(site / "notebooks")
    assert paths.data_dir() == site / "data"
