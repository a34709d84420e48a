"""Draw the course's small GeoJSON maps (data/maps/) with plain matplotlib."""

from __future__ import annotations

from typing import Any

from matplotlib.patches import Polygon

from . import jsonfile
from ._errors import DataError
from .paths import data_dir


def read(name: str) -> dict[str, Any]:
    """A GeoJSON file from data/maps/ (e.g. 'central_asia'), with a clear error if it is missing or damaged."""
    path = data_dir() / "maps" / f"{name}.geojson"
    restore = "Restore it with: git checkout -- data/maps/"
    return jsonfile.read(path, label=f"Map file {path}", error=DataError, restore=restore, expect=dict)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """The outer rings of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def draw_countries(
    ax: Any, name: str, colours: dict[str, str], default: str = "#eeeeee", hatches: dict[str, str] | None = None
) -> None:
    """Fill each country of a map file by its iso3 code; unlisted ones get the default colour."""
    hatches = hatches or {}
    for feature in read(name)["features"]:
        iso = feature["properties"].get("iso3")
        for ring in _rings(feature["geometry"]):
            ax.add_patch(
                Polygon(
                    ring,
                    closed=True,
                    facecolor=colours.get(iso, default),
                    edgecolor="#555555",
                    linewidth=0.5,
                    hatch=hatches.get(iso),
                )
            )
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)


def draw_lines(ax: Any, name: str, **style: Any) -> list[tuple[str, float, float]]:
    """Draw the LineStrings of a map file; return its named points as (name, lon, lat)."""
    points = []
    for feature in read(name)["features"]:
        geom = feature["geometry"]
        if geom["type"] == "LineString":
            xs, ys = zip(*geom["coordinates"])
            ax.plot(xs, ys, **style)
        elif geom["type"] == "Point":
            points.append((feature["properties"].get("name", ""), *geom["coordinates"]))
    return points


def label(name: str) -> dict[str, tuple[float, float]]:
    """Label positions (bounding-box centres of the largest ring) for each iso3 in a map file."""
    spots = {}
    for feature in read(name)["features"]:
        rings = _rings(feature["geometry"])
        if not rings or not feature["properties"].get("iso3"):
            continue
        ring = max(rings, key=len)
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        spots[feature["properties"]["iso3"]] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return spots


# ---------------------------------------------------------------- the course's two maps
# Full membership combinations in the Central Asia map: (fill colour, hatch); hatched = CSTO member.
MEMBERSHIP_STYLE: dict[str, tuple[str, str | None]] = {
    "CSTO + EAEU + SCO": ("#0072B2", "///"),
    "CSTO + EAEU": ("#56B4E9", "///"),
    "CSTO + SCO": ("#009E73", "///"),
    "SCO": ("#E69F00", None),
    "none of the three": ("#eeeeee", None),
}
_LABELLED = ["KAZ", "KGZ", "TJK", "TKM", "UZB", "RUS", "CHN", "AFG", "ARM", "MNG", "IRN", "PAK", "IND"]
_LABEL_AT = {"RUS": (62, 56.5), "KAZ": (67, 48), "CHN": (88, 44), "IND": (76.5, 27.5)}
_NUDGE = {"KGZ": (1.5, 1.2), "TJK": (-1.0, -0.6), "ARM": (0, -0.6)}
_PLACE_OFFSET = {"Andijan": (-6, 6, "right"), "Jalal-Abad": (0, -14, "center"), "Kazarman": (0, 7, "center")}
_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


def iso_codes(name: str) -> dict[str, str]:
    """Country name -> ISO 3166 alpha-3 code for the countries of a map file."""
    return {
        f["properties"]["name"]: f["properties"]["iso3"] for f in read(name)["features"] if f["properties"].get("iso3")
    }


def _railway(ax: Any) -> list[tuple[str, float, float]]:
    """Draw the schematic China-Kyrgyzstan-Uzbekistan railway as a dashed line with a white halo."""
    import matplotlib.patheffects as pe

    halo = [pe.Stroke(linewidth=4.5, foreground="white"), pe.Normal()]
    return draw_lines(ax, "railway_cku", color="black", linewidth=2.2, linestyle="--", path_effects=halo)


def membership_map(combination: dict[str, str]) -> tuple[Any, Any]:
    """Central Asia coloured by membership combination (iso3 -> a MEMBERSHIP_STYLE key), with the railway."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from .charts import figure

    colours = {iso: MEMBERSHIP_STYLE[c][0] for iso, c in combination.items()}
    hatches = {iso: h for iso, c in combination.items() if (h := MEMBERSHIP_STYLE[c][1])}
    fig, ax = figure(10, 7.5)
    draw_countries(ax, "central_asia", colours, hatches=hatches)
    ax.grid(False)
    spots = label("central_asia")
    for iso in _LABELLED:
        x, y = _LABEL_AT.get(iso, spots[iso])
        dx, dy = _NUDGE.get(iso, (0, 0))
        ax.text(x + dx, y + dy, iso, ha="center", va="center", fontsize=9, fontweight="bold", bbox=_BOX)
    _railway(ax)
    ax.set_xlim(40, 100)
    ax.set_ylim(25, 60)
    x0, x1, y0, y1 = 69, 79, 37.5, 43.5  # the railway corridor, enlarged in an inset
    ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="black", linewidth=1))
    inset = ax.inset_axes([0.63, 0.02, 0.36, 0.42])
    draw_countries(inset, "central_asia", colours, hatches=hatches)
    for name, lon, lat in _railway(inset):
        dx, dy, ha = _PLACE_OFFSET.get(name, (6, 0, "left"))
        inset.plot(lon, lat, "o", color="black", markersize=4)
        inset.annotate(
            name, (lon, lat), xytext=(dx, dy), textcoords="offset points", fontsize=8, ha=ha, va="center", bbox=_BOX
        )
    inset.set_xlim(x0, x1)
    inset.set_ylim(y0, y1)
    for side in inset.spines.values():
        side.set_visible(True)
    inset.set_title("Railway corridor (schematic line)", fontsize=9)
    handles = [Patch(facecolor=c, hatch=h, edgecolor="#555555", label=n) for n, (c, h) in MEMBERSHIP_STYLE.items()]
    handles.append(plt.Line2D([], [], color="black", linestyle="--", linewidth=2.2, label="railway (schematic)"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=3,
        fontsize=9,
        title="Full membership (hatched = CSTO)",
        title_fontsize=9,
        frameon=False,
    )  # below: no country hidden
    return fig, ax


# lon/lat extents of the four disputed groups in kurils.geojson (see data/maps/README.md)
KURIL_GROUPS: dict[str, tuple[float, float, float, float]] = {
    "Etorofu / Iturup": (146.86, 148.86, 44.42, 45.53),
    "Kunashiri / Kunashir": (145.41, 146.57, 43.65, 44.51),
    "Shikotan / Shikotan": (146.60, 146.94, 43.71, 43.88),
    "Habomai / Habomai (largest islet only)": (146.08, 146.23, 43.46, 43.55),
}
_KURIL_OFFSET = {
    "Etorofu / Iturup": (0.2, -0.75),
    "Kunashiri / Kunashir": (-2.6, 0.55),
    "Shikotan / Shikotan": (0.5, -0.35),
    "Habomai / Habomai (largest islet only)": (-0.9, -0.75),
}


def _centre(ring: list[list[float]]) -> tuple[float, float]:
    """The centre of a ring's bounding box."""
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def kurils_map() -> tuple[Any, Any]:
    """Hokkaido and the southern Kurils, the four disputed groups hatched and labelled with both names."""
    from .charts import figure

    fig, ax = figure(8, 6)
    draw_countries(ax, "kurils", {"JPN": "#56B4E966", "RUS": "#E69F0066"})
    for feature in read("kurils")["features"]:
        for ring in _rings(feature["geometry"]):
            x, y = _centre(ring)
            if any(x0 <= x <= x1 and y0 <= y <= y1 for x0, x1, y0, y1 in KURIL_GROUPS.values()):
                ax.add_patch(
                    Polygon(ring, closed=True, facecolor="none", edgecolor="#000000", hatch="////", linewidth=0.8)
                )
    for name, (x0, x1, y0, y1) in KURIL_GROUPS.items():
        x, y = (x0 + x1) / 2, (y0 + y1) / 2
        dx, dy = _KURIL_OFFSET[name]
        ax.annotate(name, (x, y), (x + dx, y + dy), fontsize=9, arrowprops={"arrowstyle": "-", "color": "#333333"})
    ax.text(142.8, 43.4, "Hokkaido\n(Japan)", fontsize=10, ha="center")
    ax.text(142.9, 46.1, "Sakhalin (Russia)", fontsize=10, ha="center")
    ax.text(150.0, 45.2, "Urup (Russia,\nnot disputed)", fontsize=8, ha="center")
    ax.set_xlim(141.0, 150.9)
    ax.set_ylim(42.2, 46.4)
    ax.set_aspect(1.39)  # about 1 / cos(44°): keeps distances roughly true at this latitude
    return fig, ax
