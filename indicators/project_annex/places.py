"""Which regions a 项目所在地 of the annex names (重庆 → 500000, 四川泸州 → 泸州市)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from indicators.project_annex.seed import REGIONS_PATH

if TYPE_CHECKING:  # the region master data needs PyYAML; load it only when asked to
    from indicators.place_names import Places
    from indicators.regions import RegionDirectory


@lru_cache(maxsize=1)
def _default_directory() -> RegionDirectory:
    from indicators.regions import load_region_directory

    return load_region_directory(REGIONS_PATH)


def location_regions(location: str, directory: RegionDirectory | None = None) -> list[str]:
    """Region codes a 项目所在地 names: 重庆 → 500000, 四川泸州 → 泸州市's code.

    Parts joined by 、 or ， are looked up one by one through ``indicators.place_names``
    (a name, or an area followed by a place inside it: "四川泸州" gives the inner place);
    a part whose inner place is unknown gives the longest known area it starts with.
    Names the master data (config/regions.yaml) do not know are left out, not guessed.
    """
    from indicators.place_names import Places
    from indicators.regions import RegionError

    directory = directory or _default_directory()
    places = Places(directory)
    codes: list[str] = []
    for part in re.split(r"[、，,；;/\s]+|和|及", location):
        if not part:
            continue
        try:
            code: str | None = places.resolve(part).code
        except RegionError:
            code = _outer(part, places)
        if code is not None and code not in codes:
            codes.append(code)
    return codes


def _outer(part: str, places: Places) -> str | None:
    """The longest known area ``part`` starts with (四川某地 → 四川), else None."""
    from indicators.regions import RegionError

    for cut in range(len(part) - 1, 0, -1):
        try:
            return places.resolve(part[:cut]).code
        except RegionError:
            continue
    return None
