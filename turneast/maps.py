"""Draw the course's small GeoJSON maps (data/maps/) with plain matplotlib."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matplotlib.patches import Polygon

from ._errors import DataError
from .paths import data_dir


def read(name: str) -> dict[str, Any]:
    """A GeoJSON file from data/maps/ (e.g. 'central_asia'), with a clear error if it is missing."""
    path = data_dir() / "maps" / f"{name}.geojson"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"Map file {path} is missing. Restore it with: git checkout -- data/maps/") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"Map file {path} is damaged ({exc.msg}). Restore it with: git checkout -- data/maps/") from None


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """The outer rings of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def draw_countries(ax: Any, name: str, colours: dict[str, str], default: str = "#eeeeee",
                   hatches: dict[str, str] | None = None) -> None:
    """Fill each country of a map file by its iso3 code; unlisted ones get the default colour."""
    hatches = hatches or {}
    for feature in read(name)["features"]:
        iso = feature["properties"].get("iso3")
        for ring in _rings(feature["geometry"]):
            ax.add_patch(Polygon(ring, closed=True, facecolor=colours.get(iso, default), edgecolor="#555555",
                                 linewidth=0.5, hatch=hatches.get(iso)))
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


def label(ax: Any, name: str) -> dict[str, tuple[float, float]]:
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
