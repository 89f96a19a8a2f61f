"""Which regions a 项目所在地 of the annex names (重庆 → 500000, 四川泸州 → 泸州市)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from indicators.project_annex.seed import REGIONS_PATH

if TYPE_CHECKING:  # the region master data needs PyYAML; load it only when asked to
    from indicators.regions import RegionDirectory


@lru_cache(maxsize=1)
def _default_directory() -> RegionDirectory:
    from indicators.regions import load_region_directory

    return load_region_directory(REGIONS_PATH)


def _resolve(name: str, directory: RegionDirectory) -> str | None:
    from indicators.regions import RegionError

    try:
        return directory.resolve(name).code
    except RegionError:
        return None


def location_regions(location: str, directory: RegionDirectory | None = None) -> list[str]:
    """Region codes a 项目所在地 names: 重庆 → 500000, 四川泸州 → 泸州市's code.

    Parts joined by 、 or ， are looked up one by one; a part that is a province
    followed by a place inside it ("四川泸州") gives the inner place only. Names the
    master data (config/regions.yaml) do not know are left out, not guessed.
    """
    directory = directory or _default_directory()
    codes: list[str] = []
    for part in re.split(r"[、，,；;/\s]+|和|及", location):
        if not part:
            continue
        code = _resolve(part, directory)
        if code is None:
            for cut in range(len(part) - 1, 0, -1):  # longest known prefix first
                outer = _resolve(part[:cut], directory)
                if outer is not None:
                    code = _resolve(part[cut:], directory) or outer
                    break
        if code is not None and code not in codes:
            codes.append(code)
    return codes
