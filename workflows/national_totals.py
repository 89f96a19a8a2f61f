"""The nation's totals (全国 GDP, 年末常住人口): the denominators of a share of the nation.

They live in ``config/published/national.yaml``, not in the regions master data:
the nation is not a unit the monitor tracks — it has no reporting duty, template,
map shape or ranking place — and a region row for it would have to be left out
again by every list of regions. The file ships with the program (its digest is in
the page cache's build key), so a worker reads it once; a file that breaks the
published layer's rules (publisher, address, grade, wording) is refused with a
Chinese message naming the entry, never shown.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from config.settings import CONFIG_DIR

NATIONAL_FILE = CONFIG_DIR / "published" / "national.yaml"
# the citation of a figure, as in figures.yaml; release / release_url (the official
# release the page quotes) may be empty
SOURCE = ("vintage", "grade", "publisher", "release", "release_url", "url", "wording")
COLUMNS = ("indicator_id", "period", "value", "unit", *SOURCE)
REQUIRED = ("indicator", "period", "value", "unit", *(f for f in SOURCE if "release" not in f))
GRADES = ("A", "B", "A/B")


class NationalTotalsError(ValueError):
    """The national totals file cannot be used."""


def _checked(entry: object, number: int) -> dict[str, object]:
    where = f"全国总量第 {number} 条"
    if not isinstance(entry, dict):
        raise NationalTotalsError(f"{where}：应为“字段: 值”的条目")
    missing = [f for f in REQUIRED if entry.get(f) in (None, "")]
    if missing:
        raise NationalTotalsError(
            f"{where}：缺少 {'、'.join(missing)}（公开数字须注明发布者、网址和原文）"
        )
    if entry["grade"] not in GRADES:
        raise NationalTotalsError(f"{where}：等级 {entry['grade']!r} 不收（只收 A、B 级）")
    period = str(entry["period"])
    if not (len(period) == 4 and period.isdigit()):
        raise NationalTotalsError(f"{where}：期间 {period!r} 应为四位年份")
    try:
        value = float(entry["value"])
    except (TypeError, ValueError):
        raise NationalTotalsError(f"{where}：数值 {entry['value']!r} 不是数字") from None
    if value <= 0:
        raise NationalTotalsError(f"{where}：数值须为正数")
    return {
        "indicator_id": str(entry["indicator"]),
        "period": period,
        "value": value,
        **{f: str(entry.get(f) or "") for f in COLUMNS[3:]},
    }


def read_national_totals(path: Path = NATIONAL_FILE) -> pd.DataFrame:
    """Every national figure of the file (``COLUMNS``), checked; one per indicator
    and year (two would make a share ambiguous)."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise NationalTotalsError(f"无法读取全国总量文件 {path.name}：{error}") from None
    if not isinstance(entries, list):
        raise NationalTotalsError(f"全国总量文件 {path.name} 应为条目列表")
    frame = pd.DataFrame([_checked(e, n) for n, e in enumerate(entries, 1)], columns=list(COLUMNS))
    twice = frame[frame.duplicated(["indicator_id", "period"], keep=False)]
    if not twice.empty:
        first = twice.iloc[0]
        raise NationalTotalsError(
            f"全国总量 {first.indicator_id} {first.period} 年有多条，只能有一条"
        )
    return frame


@lru_cache(maxsize=1)
def _kept() -> pd.DataFrame:
    return read_national_totals()


def national_totals() -> pd.DataFrame:
    """The shipped national totals, read once per worker (a copy each call)."""
    return _kept().copy()
