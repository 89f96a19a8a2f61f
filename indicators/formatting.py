"""How a target reads: "≥9000 公里", "66% 左右", "1—2 个" — or, in English,
"≥9,000 km", "about 66%", "1–2"."""

from __future__ import annotations

from indicators.units import split_unit


def number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def share_text(value: float | None, missing: str = "—") -> str:
    """A share 0–1 as a whole percentage (0.708 → "71%"); ``missing`` for none or NaN."""
    if value is None or value != value:
        return missing
    return f"{value:.0%}"


# The plans' units in English; a unit not here is shown as the plan wrote it.
UNIT_EN = {
    "个": "",
    "%": "%",
    "亿元": "100 million yuan",
    "万亿元": "trillion yuan",
    "万元": "10,000 yuan",
    "元": "yuan",
    "亿美元": "100 million USD",
    "公里": "km",
    "万公里": "10,000 km",
    "米": "m",
    "万吨": "10,000 t",
    "小时": "hours",
    "分钟": "minutes",
    "天": "days",
    "岁": "years",
    "家": "firms",
    "条": "lines",
    "项": "items",
    "万人": "10,000 persons",
    "万人次": "10,000 person-trips",
    "亿人次": "100 million person-trips",
    "亿立方米": "100 million m³",
    "万立方米": "10,000 m³",
    "吨级": "t class",
    "万亩": "10,000 mu",
    "万平方公里": "10,000 km²",
    "平方米": "m²",
    "万千瓦": "10 MW",
    "亿千瓦时": "100 GWh",
    "万标箱": "10,000 TEU",
    "列": "trains",
    "个百分点": "percentage points",
    "‰": "‰",
    "万户": "10,000 households",
    "个工作日": "working days",
    "年一遇": "-year return period",
}


def unit_text(unit: str, lang: str = "zh") -> str:
    return UNIT_EN.get(unit, unit) if lang == "en" else unit


def target_text(
    value: float,
    unit: str,
    comparator: str,
    value_high: float | None = None,
    kind: str = "level",
    lang: str = "zh",
) -> str:
    """The target as a person would say it, with the comparator the wording means."""
    worded = _worded_target(value, unit, kind, lang)
    if worded is not None:
        return worded
    if lang == "en":
        return _target_text_en(value, unit, comparator, value_high, kind)
    shown = number(abs(value)) if kind == "change" else number(value)
    if kind == "change":
        shown = ("下降" if value < 0 else "增长") + shown
    if kind == "growth":
        shown = "年均增长" + shown
    if comparator == "range" and value_high is not None:
        return f"{shown}—{number(value_high)}{unit}"
    prefix = {"at_least": "≥", "at_most": "≤"}.get(comparator, "")
    suffix = "左右" if comparator == "about" else ""
    return f"{prefix}{shown}{unit}{suffix}"


def _worded_target(value: float, unit: str, kind: str, lang: str) -> str | None:
    """Class, rank, relative and vision entries (一级航道, 全国前三, 翻一番, 远景目标)."""
    if kind == "vision":
        return "远景目标（不评估）" if lang != "en" else "vision (not assessed)"
    if kind not in ("class", "rank", "relative"):
        return None
    shown = number(value)
    if lang == "en":
        return {
            "class": f"class {shown} or better",
            "rank": f"top {shown}",
            "relative": f"{shown}× the base year",
        }[kind]
    return {
        "class": f"{shown}{unit}或更优",
        "rank": f"前{shown}{unit}",
        "relative": f"基期的{shown}倍",
    }[kind]


# Base units (after units.split_unit strips 万/亿 …) in English: a quantity in
# 万吨 reads "1.43 million t" in English, not "142.89 10,000 t".
BASE_EN = {
    "元": "yuan",
    "美元": "USD",
    "吨": "t",
    "载重吨": "dwt",
    "人": "persons",
    "人次": "person-trips",
    "公里": "km",
    "平方公里": "km²",
    "亩": "mu",
    "标箱": "TEU",
    "立方米": "m³",
    "千瓦": "kW",
    "千瓦时": "kWh",
    "户": "households",
    "头": "head",
    "票": "items",
    "列": "trains",
}
SCALES_EN = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def quantity_en(value: float, unit: str, digits: int = 4) -> str:
    """A value with its unit in English, magnitude prefixes spelled as words."""
    factor, base = split_unit(unit)
    if factor != 1 and base in BASE_EN:
        absolute = value * factor
        for size, word in SCALES_EN:
            if abs(absolute) >= size:
                return f"{number(round(absolute / size, digits))} {word} {BASE_EN[base]}"
        return f"{number(round(absolute, digits))} {BASE_EN[base]}"
    unit_en = UNIT_EN.get(unit, unit)
    sep = "" if unit_en in ("%", "‰", "") or unit_en.startswith("-") else " "
    return f"{number(round(value, digits))}{sep}{unit_en}"


def quantity(value: float, unit: str, lang: str = "zh", digits: int = 4) -> str:
    """A measured value with its unit, rounded to ``digits`` decimals."""
    if lang == "en":
        return quantity_en(value, unit, digits)
    return f"{number(round(value, digits))}{unit}"


def _target_text_en(
    value: float, unit: str, comparator: str, value_high: float | None, kind: str
) -> str:
    shown = quantity_en(abs(value) if kind == "change" else value, unit)
    if comparator == "range" and value_high is not None:
        low, high = number(value), quantity_en(value_high, unit)
        shown = f"{low}–{high}"
    if kind == "change":
        shown = ("down " if value < 0 else "up ") + shown
    if kind == "growth":
        shown = "average annual growth " + shown
    prefix = {"at_least": "≥", "at_most": "≤", "about": "about "}.get(comparator, "")
    return prefix + shown
