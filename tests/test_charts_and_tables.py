"""The drawing and table helpers the lessons call instead of defining their own."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

import turneast as te
from turneast import charts, maps
from turneast.paths import ROOT


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """What charts.finish displays, as mime bundles."""
    bundles: list[dict] = []

    def capture(obj: object, raw: bool = False, **_: object) -> None:
        bundles.append(obj if raw else InteractiveShell.instance().display_formatter.format(obj)[0])

    monkeypatch.setattr(charts, "display", capture)
    return bundles


def test_a_chart_is_stored_as_an_img_with_its_alt_text(shown: list[dict]) -> None:
    fig, ax = te.figure()
    ax.plot([2020, 2021], [1, 2])
    te.finish(fig, ax, title="A finding", units="US$ billion", source="Source: X", alt='Two points, "quoted" & <b>')
    html = shown[0]["text/html"]
    assert re.fullmatch(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="[^"]+" style="max-width:100%">', html)
    assert 'alt="Two points, &quot;quoted&quot; &amp; &lt;b&gt;"' in html
    assert "image/png" not in shown[0] and shown[0]["text/plain"].startswith("<Figure size")
    assert "*Chart description:* Two points" in shown[1]["text/markdown"]
    assert not plt.get_fignums(), "finish() closes the figure"


def test_a_chart_without_alt_text_is_refused() -> None:
    fig, ax = te.figure()
    with pytest.raises(ValueError, match="alt text"):
        te.finish(fig, ax, title="t", units="u", source="s", alt="  ")
    plt.close(fig)


def test_a_long_source_line_is_wrapped_to_the_chart_width(shown: list[dict]) -> None:
    fig, ax = te.figure(8, 4)
    source = "Source: " + "; ".join(f"Publisher number {i}" for i in range(12))
    te.finish(fig, ax, title="t", units="u", source=source, alt="An empty chart used to test the caption.")
    caption = next(t.get_text() for t in fig.texts if t.get_text().startswith("Source:"))
    assert caption.replace("\n", " ") == source
    assert all(len(line) <= 8 * 16 for line in caption.splitlines()) and caption.count("\n") >= 1


def test_vote_grid_spells_out_every_cell_and_marks_missing_sources() -> None:
    matrix = pd.DataFrame({"ES-11/1": ["yes", "absent"], "ES-11/2": [None, "no"]}, index=["A", "B"])
    _, ax = charts.vote_grid(matrix, line_after=1)
    words = sorted(t.get_text() for t in ax.texts)
    assert words == ["did not vote", "no", "no source", "yes"]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 1 and [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    letters = charts.vote_grid(matrix, letters=True)[1]
    assert sorted(t.get_text() for t in letters.texts) == ["", "N", "Y", "–"]
    plt.close("all")


def test_small_multiples_keep_gaps_and_hide_unused_panels() -> None:
    series = pd.Series({2013: 1.0, 2015: 3.0}, dtype="Float64")
    fig, axes = charts.small_multiples([("one", "u", series)] * 3, marks={2022: "--"}, years=range(2012, 2017))
    line = axes[0, 0].lines[0]
    assert list(line.get_xdata()) == [2012, 2013, 2014, 2015, 2016]
    assert pd.isna(line.get_ydata()[2]), "a missing year stays a gap"
    assert not axes[1, 1].get_visible() and axes[1, 0].get_visible()
    plt.close(fig)


def test_table_shows_prose_whole_left_aligned_with_one_missing_marker() -> None:
    prose = "A sentence that is much longer than the fifty characters pandas would show by default."
    frame = pd.DataFrame(
        {
            "year": pd.array([2020, None], dtype="Int64"),
            "gist": [prose, None],
            "when": pd.to_datetime(["2020-01-02", None]),
        }
    )
    text = repr(te.table(frame))
    assert prose in text and "NaN" not in text and "NaT" not in text and text.count("<NA>") == 3
    header, first, second = text.splitlines()
    col = first.index("A sentence")
    assert header[col:].startswith("gist") and second[col:].startswith("<NA>"), "text columns are left-aligned"
    html = te.table(frame)._repr_html_()
    assert prose in html and "text-align: left" in html and "NaN" not in html and "NaT" not in html
    other = te.table(frame.head(1))._repr_html_()
    assert re.search(r'id="T_(\w+)"', html).group(1) != re.search(r'id="T_(\w+)"', other).group(1)


def test_one_per_year_takes_the_first_reporter_in_the_order_given() -> None:
    rows = pd.DataFrame(
        {"year": [2018, 2018, 2019], "reporter": ["B", "A", "B"], "v": [1.0, 2.0, None], "source": ["s1", "s2", "s3"]}
    )
    best = te.one_per_year(rows, "v", ["A", "B"])
    assert best.to_dict("index") == {2018: {"reporter": "A", "v": 2.0, "source": "s2"}}


def test_maps_draw_and_name_their_countries() -> None:
    codes = maps.iso_codes("central_asia")
    assert codes["Kazakhstan"] == "KAZ" and len(codes) == 15
    _, ax = maps.membership_map({"KAZ": "CSTO + EAEU + SCO", "CHN": "SCO"})
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:5] == list(maps.MEMBERSHIP_STYLE) and legend[-1] == "railway (schematic)"
    _, ax2 = maps.kurils_map()
    labels = {t.get_text() for t in ax2.texts}
    assert set(maps.KURIL_GROUPS) <= labels
    assert sum(1 for p in ax2.patches if p.get_hatch() == "////") >= 4
    plt.close("all")


def test_a_missing_or_damaged_map_file_gets_a_clear_message(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setenv("TURNEAST_DATA", str(data))
    (data / "maps" / "kurils.geojson").unlink()
    with pytest.raises(te.DataError, match=r"kurils\.geojson is missing\. Restore it with: git checkout"):
        maps.read("kurils")
    (data / "maps" / "central_asia.geojson").write_text('{"type": "FeatureCollection", "features": [', "utf-8")
    with pytest.raises(te.DataError, match=r"central_asia\.geojson.*Restore it"):
        maps.read("central_asia")
