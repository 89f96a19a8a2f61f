"""How a target reads: "≥9000 公里", "66% 左右", "1—2 个" — or, in English,
"≥9,000 km", "about 66%", "1–2"."""

from __future__ import annotations


def number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


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


def _target_text_en(
    value: float, unit: str, comparator: str, value_high: float | None, kind: str
) -> str:
    unit_en = UNIT_EN.get(unit, unit)
    sep = "" if unit_en in ("%", "‰", "") else " "
    shown = number(abs(value)) if kind == "change" else number(value)
    if comparator == "range" and value_high is not None:
        shown = f"{shown}–{number(value_high)}"
    shown = f"{shown}{sep}{unit_en}"
    if kind == "change":
        shown = ("down " if value < 0 else "up ") + shown
    if kind == "growth":
        shown = "average annual growth " + shown
    prefix = {"at_least": "≥", "at_most": "≤", "about": "about "}.get(comparator, "")
    return prefix + shown
