#!/usr/bin/env python3
"""Build the small course map files in data/maps/ (standard library only).

Input: GeoJSON made by `topo2geo` (npm package topojson-client) from the
TopoJSON files of the npm package world-atlas@2 (Natural Earth country
boundaries, public domain). See README.md in this folder for the exact steps.

Usage (paths are the topo2geo outputs, given on the command line):

    python3 build_maps.py --ca countries-50m.geojson \
                          --kurils countries-10m.geojson \
                          --railway \
                          --out data/maps

Each of --ca / --kurils / --railway is optional; only the files asked for are
written. Output: central_asia.geojson, kurils.geojson, railway_cku.geojson.
"""
import argparse
import json
import os

# ISO 3166-1 numeric (world-atlas feature id) -> (English short name, alpha-3)
CENTRAL_ASIA = {
    "398": ("Kazakhstan", "KAZ"), "417": ("Kyrgyzstan", "KGZ"),
    "762": ("Tajikistan", "TJK"), "795": ("Turkmenistan", "TKM"),
    "860": ("Uzbekistan", "UZB"), "004": ("Afghanistan", "AFG"),
    "643": ("Russia", "RUS"), "156": ("China", "CHN"),
    "496": ("Mongolia", "MNG"), "364": ("Iran", "IRN"),
    "586": ("Pakistan", "PAK"), "356": ("India", "IND"),
    "031": ("Azerbaijan", "AZE"), "051": ("Armenia", "ARM"),
    "268": ("Georgia", "GEO"),
}
KURILS = {"392": ("Japan", "JPN"), "643": ("Russia", "RUS")}
# Natural Earth features without an ISO code that sit inside the listed
# countries' outline; kept (iso3 = null) so the map has no hole there.
EXTRA_BY_NAME = {"Siachen Glacier": ("Siachen Glacier", None),
                 "Baikonur": ("Baikonur", None)}

CA_BOX = (40.0, 25.0, 100.0, 60.0)       # lon_min, lat_min, lon_max, lat_max
KURILS_BOX = (139.0, 41.0, 151.0, 47.0)

# China-Kyrgyzstan-Uzbekistan railway: schematic waypoints (lon, lat), see
# README.md for the page each coordinate was taken from.
RAILWAY = [
    ("Kashgar", 75.983, 39.467),
    ("Torugart Pass", 75.42722, 40.59250),
    ("Kazarman", 74.0333, 41.4069),
    ("Jalal-Abad", 73.000, 40.933),
    ("Andijan", 72.350, 40.767),
]


def clip_ring(ring, box):
    """Sutherland-Hodgman clip of one closed ring against a rectangle."""
    x0, y0, x1, y1 = box
    edges = [(lambda p: p[0] >= x0, lambda a, b: _ix(a, b, x0)),
             (lambda p: p[0] <= x1, lambda a, b: _ix(a, b, x1)),
             (lambda p: p[1] >= y0, lambda a, b: _iy(a, b, y0)),
             (lambda p: p[1] <= y1, lambda a, b: _iy(a, b, y1))]
    pts = ring[:-1] if ring and ring[0] == ring[-1] else ring
    for inside, cut in edges:
        if not pts:
            break
        out, prev = [], pts[-1]
        for cur in pts:
            if inside(cur):
                if not inside(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cut(prev, cur))
            prev = cur
        pts = out
    return pts


def _ix(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return [x, a[1] + t * (b[1] - a[1])]


def _iy(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return [a[0] + t * (b[0] - a[0]), y]


def bbox_hits(ring, box):
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return not (max(xs) < box[0] or min(xs) > box[2]
                or max(ys) < box[1] or min(ys) > box[3])


def tidy(pts, nd):
    """Round, drop repeated points, close the ring; None if degenerate."""
    out = []
    for x, y in pts:
        p = [round(x, nd), round(y, nd)]
        if not out or p != out[-1]:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3:
        return None
    return out + [out[0]]


def clip_geometry(geom, box, nd):
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    result = []
    for poly in polys:
        if not bbox_hits(poly[0], box):
            continue
        shell = tidy(clip_ring(poly[0], box), nd)
        if shell is None:
            continue
        holes = [tidy(clip_ring(h, box), nd) for h in poly[1:] if bbox_hits(h, box)]
        result.append([shell] + [h for h in holes if h])
    if not result:
        return None
    if len(result) == 1:
        return {"type": "Polygon", "coordinates": result[0]}
    return {"type": "MultiPolygon", "coordinates": result}


def build(src, wanted, box, nd, extras):
    with open(src, encoding="utf-8") as fh:
        data = json.load(fh)
    feats = []
    for f in data["features"]:
        key = f.get("id")
        name = f.get("properties", {}).get("name")
        if key in wanted:
            label = wanted[key]
        elif name in extras:
            label = extras[name]
        else:
            continue
        if not f.get("geometry"):
            continue
        geom = clip_geometry(f["geometry"], box, nd)
        if geom:
            feats.append({"type": "Feature",
                          "properties": {"name": label[0], "iso3": label[1]},
                          "geometry": geom})
    feats.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "features": feats}


def railway():
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "properties": {"name": "China-Kyrgyzstan-Uzbekistan railway (schematic)",
                        "status": "under construction (2024-)",
                        "waypoints": [w[0] for w in RAILWAY]},
         "geometry": {"type": "LineString",
                      "coordinates": [[round(x, 3), round(y, 3)] for _, x, y in RAILWAY]}},
    ] + [{"type": "Feature", "properties": {"name": n},
          "geometry": {"type": "Point", "coordinates": [round(x, 3), round(y, 3)]}}
         for n, x, y in RAILWAY]}


def write(obj, path):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, separators=(",", ":"), ensure_ascii=False)
        fh.write("\n")
    print(f"{path}: {os.path.getsize(path)} bytes, {len(obj['features'])} features")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ca", help="topo2geo output of world-atlas countries-50m.json")
    ap.add_argument("--kurils", help="topo2geo output of world-atlas countries-10m.json")
    ap.add_argument("--railway", action="store_true", help="write railway_cku.geojson")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--digits", type=int, default=3)
    a = ap.parse_args()
    if a.ca:
        write(build(a.ca, CENTRAL_ASIA, CA_BOX, a.digits, EXTRA_BY_NAME),
              os.path.join(a.out, "central_asia.geojson"))
    if a.kurils:
        write(build(a.kurils, KURILS, KURILS_BOX, a.digits, {}),
              os.path.join(a.out, "kurils.geojson"))
    if a.railway:
        write(railway(), os.path.join(a.out, "railway_cku.geojson"))


if __name__ == "__main__":
    main()
