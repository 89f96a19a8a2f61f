"""How numbers read, on every page, report and export — the one home of the rules.

A target reads as a person would say it: "≥9000 公里", "66% 左右", "1—2 个" — or,
in English, "≥9,000 km", "about 66%", "1–2".

Beside a measured value, a target and a gap are shown in the **indicator's unit**
(the catalogue's, never the plan's 亿吨 beside a value in 万吨) and with the same
number of decimals (``decimals_for``: none for things counted one by one, else by
the magnitude of the target); the gap of a share reads in 个百分点, and a gap that
is not zero never reads as 0. ``row_value`` / ``row_target`` / ``row_gap`` apply
them to a progress snapshot (any object with its fields).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from indicators.units import PREFIXES, UnitError, convert, normalise_unit, split_unit


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
    # counting words and the plans' other units (issue 18: 场次, 万家, 处 stayed Chinese)
    "处": "sites",
    "所": "institutions",
    "座": "facilities",
    "件": "items",
    "对": "pairs",
    "场": "events",
    "场次": "sessions",
    "次": "times",
    "类": "categories",
    "级": "grade",
    "位": "places",
    "倍": "times",
    "套(间)": "units",
    "平方公里": "km²",
    "公里/百平方公里": "km per 100 km²",
    "人/亿元": "persons per 100 million yuan",
    "：1": ":1",
    "∶1": ":1",
}
# a unit read after exactly 1 (≤1 hour, not ≤1 hours)
SINGULAR_EN = {
    "hours": "hour",
    "minutes": "minute",
    "days": "day",
    "working days": "working day",
    "years": "year",
    "firms": "firm",
    "lines": "line",
    "items": "item",
    "trains": "train",
    "sites": "site",
    "institutions": "institution",
    "facilities": "facility",
    "pairs": "pair",
    "events": "event",
    "sessions": "session",
    "categories": "category",
    "places": "place",
    "persons": "person",
    "households": "household",
    "person-trips": "person-trip",
    "percentage points": "percentage point",
}


# a magnitude prefix read before an English unit (万头 → "10,000 head")
PREFIX_EN = {1e4: "10,000", 1e8: "100 million", 1e12: "trillion"}


def unit_text(unit: str, lang: str = "zh") -> str:
    """The unit as a label (an axis, a column, after a name) — in English from
    ``UNIT_EN``, or its magnitude and base (万载重吨 → "10,000 dwt", 亿吨 → "100
    million t"); a unit neither knows is shown as the plan wrote it."""
    if lang != "en":
        return unit
    if unit in UNIT_EN:
        return UNIT_EN[unit]
    scaled = _english_base(unit)
    if scaled is not None and scaled[0] in PREFIX_EN:
        return f"{PREFIX_EN[scaled[0]]} {scaled[1]}"
    return UNIT_EN.get(normalise_unit(unit), unit)


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
    total = "累计" if kind == "cumulative" else ""  # a total over the period, not a year's
    if comparator == "range" and value_high is not None:
        return f"{total}{shown}—{number(value_high)}{unit}"
    prefix = {"at_least": "≥", "at_most": "≤"}.get(comparator, "")
    suffix = "左右" if comparator == "about" else ""
    return f"{total}{prefix}{shown}{unit}{suffix}"


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
    "票": "declarations",
    "列": "trains",
}
SCALES_EN = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def quantity_en(
    value: float, unit: str, digits: int | None = 4, reference: float | None = None
) -> str:
    """A value with its unit in English, magnitude prefixes spelled as words; the
    magnitude that of ``reference`` (in ``unit``) where given, so that a gap reads
    in the millions its value and target read in (0.041 million t, not 41,466 t)."""
    scaled_unit = _english_base(unit)
    if scaled_unit is not None:
        factor, base_en = scaled_unit
        absolute = value * factor
        sized = abs(value if reference is None else reference) * factor
        for size, word in SCALES_EN:
            if sized >= size:
                scaled = absolute / size
                return f"{_digits(scaled, digits)} {word} {base_en}"
        return _counted(_digits(absolute, digits), base_en)
    unit_en = UNIT_EN.get(unit, unit)
    sep = "" if unit_en in ("%", "‰", "", ":1") or unit_en.startswith("-") else " "
    return _counted(_digits(value, digits), unit_en, sep)


def _english_base(unit: str) -> tuple[float, str] | None:
    """A unit with a magnitude prefix as (factor, the English of its base): 万吨 →
    (10,000, "t"), 万家 → (10,000, "firms"); None for a unit without a prefix or
    whose base has no English."""
    factor, base = split_unit(unit)
    if factor == 1:
        return None
    if base in BASE_EN:
        return factor, BASE_EN[base]
    text = normalise_unit(unit)
    for prefix, size in PREFIXES.items():
        word = UNIT_EN.get(text[len(prefix) :]) if text.startswith(prefix) else None
        if word and size == factor:
            return factor, word
    return None


def _counted(figure: str, unit_en: str, sep: str = " ") -> str:
    """A figure and its English unit, singular after exactly 1."""
    if figure in ("1", "-1"):
        unit_en = SINGULAR_EN.get(unit_en, unit_en)
    return f"{figure}{sep}{unit_en}"


def _digits(value: float, digits: int | None) -> str:
    """``digits`` decimals (trailing zeros dropped); None: by magnitude, three figures."""
    if digits is None:
        digits = _by_magnitude(value)
    return number(round(value, digits))


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
    # the comparator before the figure it bounds: "down about 1 percentage point",
    # "average annual growth ≥7%" (not "about down …", "≥average annual growth …")
    shown = {"at_least": "≥", "at_most": "≤", "about": "about "}.get(comparator, "") + shown
    if kind == "change":
        shown = ("down " if value < 0 else "up ") + shown
    if kind == "growth":
        shown = "average annual growth " + shown
    if kind == "cumulative":
        shown += " in total"
    return shown


# Shorter English for the printed report's tables, explained in its notes.
SHORT_EN = {" percentage points": " pp", " percentage point": " pp"}


def short_en(text: str) -> str:
    """A table cell in the report's English, where "34.7 percentage points" took
    three lines of a column: "34.7 pp"."""
    for long, short in SHORT_EN.items():
        text = text.replace(long, short)
    return text


# -------------------------------------------------- values, targets and gaps ---

# bases of things counted one by one (家, 所, 处 … are 个 after split_unit), people,
# households, trains, and the places of ordered scales: whole numbers
COUNTED_BASES = {"个", "人", "人次", "户", "列", "头", "票", "套(间)", "位", "级", "类", "吨级"}
# kinds whose value is not a quantity in the indicator's unit
UNCONVERTED_KINDS = ("relative", "class", "rank", "vision", "baseline")
MAX_DECIMALS = 6


def _by_magnitude(reference: float) -> int:
    """Three figures from 1 up (100 and above: none; 10 and above: one; else two),
    two significant figures below 1 (0.005 → three decimals)."""
    size = abs(reference)
    if size >= 100:
        return 0
    if size >= 10:
        return 1
    if size >= 1 or size == 0 or not math.isfinite(size):
        return 2
    return min(MAX_DECIMALS, max(2, 1 - math.floor(math.log10(size))))


def decimals_for(unit: str, reference: float | None = None) -> int:
    """How many decimals an indicator's values, targets and gaps carry: none for a
    count in its base unit (家, 个, 列, 人, 级 …); otherwise by the magnitude of
    ``reference`` — the target in the indicator's unit, or, without one, the value
    itself (26,818万吨 → none, 65.84% → one, 2.68亿吨 → two); a share at least one."""
    factor, base = split_unit(unit)
    if factor == 1 and base in COUNTED_BASES:
        return 0
    if reference is None or not math.isfinite(reference) or reference == 0:
        return 2
    shares = 1 if unit in ("%", "‰") else 0  # a share keeps one decimal: 89.6%, not 90%
    return max(shares, min(2, _by_magnitude(reference)))


def fixed(value: float, decimals: int) -> str:
    """Thousands grouped, exactly ``decimals`` decimals, and never "-0"."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not any(c in "123456789" for c in text):
        return text[1:]
    return text


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(float(value))


def measured(value: float | None, unit: str, decimals: int, lang: str = "zh") -> str:
    """A measured value in ``unit`` with ``decimals``: "26,818万吨", "65.8%"; in English
    magnitudes spelled as words ("268 million t"); "—" for none."""
    if value is None or _missing(value):
        return "—"
    value = float(value)
    if lang == "en":
        factor, base = split_unit(unit)
        scaled = factor != 1 and base in BASE_EN
        return quantity_en(value, unit, None if scaled else decimals)
    return f"{fixed(value, decimals)}{unit}"


def gap_text(
    gap: float | None, unit: str, decimals: int, lang: str = "zh", reference: float | None = None
) -> str:
    """A gap in the value's unit and decimals; the gap of a share (%) in 个百分点 /
    percentage points; a gap that is not zero never reads as 0 (decimals are
    added until a figure shows). In English, in the magnitude of ``reference``
    (the target, in ``unit``) where given."""
    if gap is None or _missing(gap):
        return "—"
    gap = float(gap)
    while (
        gap != 0
        and decimals < MAX_DECIMALS
        and float(fixed(abs(gap), decimals).replace(",", "")) == 0
    ):
        decimals += 1
    if unit == "%":
        return fixed(gap, decimals) + ("个百分点" if lang != "en" else " percentage points")
    if lang == "en":
        factor, base = split_unit(unit)
        if factor != 1 and base in BASE_EN:
            shown = quantity_en(gap, unit, None, reference)
            if reference is not None and gap != 0 and shown.startswith(("0 ", "-0 ")):
                shown = quantity_en(gap, unit, None)  # too small for that magnitude
            return shown
        return quantity_en(gap, unit, decimals)
    return f"{fixed(gap, decimals)}{unit}"


def in_unit(value: float | None, unit: str, kind: str, to_unit: str) -> tuple[float | None, str]:
    """A target's value in ``to_unit`` (the indicator's), where the kind is a quantity
    and the units convert (3.1亿吨 → 31,000万吨, 200个 → 200家); else as the plan wrote it."""
    if value is None or kind in UNCONVERTED_KINDS or not to_unit:
        return value, unit
    try:
        return convert(value, unit, to_unit), to_unit
    except UnitError:
        return value, unit


def _field(row: Any, name: str) -> Any:
    """A row's field; None when absent, NaN or NA."""
    value = getattr(row, name, None)
    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def indicator_decimals(targets: Iterable[tuple[float | None, str, str]], unit: str) -> int | None:
    """One number of decimals for an indicator, whatever the scope: by the largest of
    its targets (value, unit, kind) in the indicator's ``unit``; None when none of
    them is a quantity in that unit."""
    sizes = []
    for value, target_unit, kind in targets:
        shown, shown_unit = in_unit(value, target_unit, kind, unit)
        if shown is not None and shown_unit == unit and math.isfinite(shown):
            sizes.append(abs(shown))
    return decimals_for(unit, max(sizes)) if sizes else None


def series_decimals(
    unit: str, targets: Iterable[tuple[float | None, str, str]], values: Iterable[float]
) -> int:
    """The decimals of one indicator on a page about it (指标's chart, table and map,
    地区's comparison): by its targets in its ``unit`` (``indicator_decimals``), so
    that a value reads like the target beside it; for an indicator without such a
    target, by the typical (median) size of its figures."""
    decimals = indicator_decimals(targets, unit)
    if decimals is not None:
        return decimals
    sizes = sorted(abs(float(v)) for v in values if not _missing(v))
    if not sizes:
        return decimals_for(unit)
    middle = len(sizes) // 2
    median = sizes[middle] if len(sizes) % 2 else (sizes[middle - 1] + sizes[middle]) / 2
    return decimals_for(unit, median)


def decimals_by_indicator(snapshots: pd.DataFrame) -> pd.Series:
    """``indicator_decimals`` for each row of a snapshots frame (indicator_id, unit,
    target_value, target_unit, kind): every target of an indicator shown alike."""
    if snapshots.empty:
        return pd.Series(dtype="Int64")
    # each indicator's targets and first unit in one pass over plain lists (a pandas
    # group per indicator took 0.4 s of every recompute's page data, 268 indicators)
    targets: dict[Any, list[tuple[float | None, str, str]]] = {}
    units: dict[Any, str] = {}
    for key, value, target_unit, kind, unit in zip(
        snapshots.indicator_id.tolist(),
        snapshots.target_value.tolist(),
        snapshots.target_unit.tolist(),
        snapshots.kind.tolist(),
        snapshots.unit.tolist(),
        strict=True,
    ):
        if key is None or (isinstance(key, float) and math.isnan(key)):
            continue  # as groupby leaves a missing key out
        targets.setdefault(key, []).append((value, target_unit, kind))
        units.setdefault(key, unit)
    by_indicator = {key: indicator_decimals(rows, units[key]) for key, rows in targets.items()}
    return snapshots.indicator_id.map(by_indicator).astype("Int64")


def row_decimals(row: Any) -> int:
    """The decimals of a snapshot row: its indicator's (a ``decimals`` field, see
    ``indicator_decimals``) where given; else by its own target in the indicator's
    unit, or by its latest value when the target is not a quantity (翻一番, 一级航道)."""
    given = _field(row, "decimals")
    if given is not None:
        return int(given)
    value, unit = in_unit(row.target_value, row.target_unit, row.kind, row.unit)
    if unit != row.unit or value is None:
        value = _field(row, "latest_value")
    return decimals_for(row.unit, value)


def row_value(row: Any, value: float | None, lang: str = "zh") -> str:
    """A figure of a snapshot row (latest, projected …) in the indicator's unit."""
    return measured(value, row.unit, row_decimals(row), lang)


# a figure's number (sign, digits, a percent or per-mille sign) and the words after it
_FIGURE = re.compile(r"^([-−+]?[\d,]+(?:\.\d+)?[%‰]?)(.*)$", re.DOTALL)


def split_figure(text: str) -> tuple[str, str]:
    """A shown figure as its number and its unit words — "1.46 million t" →
    ("1.46", " million t"), "26,818万吨" → ("26,818", "万吨"), "67.4%" → ("67.4%", "")
    — so that a card can print the number large and the words smaller (the English
    words made "1.46 million t" wrap in a quarter of 1280 px); ("", text) when the
    text does not begin with a number."""
    match = _FIGURE.match(text)
    return (match.group(1), match.group(2)) if match else ("", text)


def row_target(row: Any, lang: str = "zh") -> str:
    """A snapshot row's target as worded, in the indicator's unit: "≥31,000万吨"."""
    high = _field(row, "target_value_high")
    value, unit = in_unit(row.target_value, row.target_unit, row.kind, row.unit)
    if high is not None:
        high, _ = in_unit(high, row.target_unit, row.kind, row.unit)
    return target_text(value, unit, row.comparator, high, row.kind, lang=lang)  # type: ignore[arg-type]


def row_gap(row: Any, gap: float | None, lang: str = "zh") -> str:
    """A snapshot row's gap in the indicator's unit and decimals (个百分点 for a share)."""
    target, unit = in_unit(row.target_value, row.target_unit, row.kind, row.unit)
    reference = target if unit == row.unit and target is not None else None
    return gap_text(gap, row.unit, row_decimals(row), lang, reference)
