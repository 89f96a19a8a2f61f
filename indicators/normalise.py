"""Turn the raw text of a statistics file into numbers, periods and units.

What real files hold: full-width digits and signs (６６．２％), thousands
separators, percent signs, 万/亿 in a cell or a header, ‰, "—" / "-" / "…" /
blank / '' for missing, footnote marks after a number (123.4①, 56*). Each
function returns the clean value or says, in Chinese, what is wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

MISSING = {"", "''", '""', "—", "——", "-", "--", "…", "……", "...", "/", "NA", "N/A", "nan", "无"}
_FOOTNOTE = re.compile(r"[\*#†‡§①②③④⑤⑥⑦⑧⑨⑩⁽⁾¹²³⁴⁵⁶⁷⁸⁹⁰]+$|\([a-z0-9]\)$|（[a-z0-9注]）$")
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)(万亿|亿|万|千)?(%|‰)?$")
MULTIPLIER_PREFIXES = ("万亿", "亿", "万", "千")


@dataclass(frozen=True)
class Number:
    value: float | None  # None: the cell says the figure is missing
    prefix: str = ""  # 万 / 亿 written in the cell itself
    sign: str = ""  # % or ‰ written in the cell


class NormaliseError(ValueError):
    """A cell or header that cannot be read; the message says why, in Chinese."""


def fold(text: str) -> str:
    """Full-width to half-width, and no stray spaces (NFKC keeps Chinese as it is)."""
    return unicodedata.normalize("NFKC", str(text)).strip().replace("\u3000", "")


def parse_number(raw: str | float | int | None) -> Number:
    if raw is None:
        return Number(None)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        try:
            value = float(raw)
        except OverflowError:  # an int beyond any float
            raise NormaliseError(f"“{raw}”超出可表示的数值范围") from None
        if math.isnan(value):
            return Number(None)  # pandas' mark for an empty cell
        if math.isinf(value):
            raise NormaliseError(f"“{raw}”不是有限的数值")
        return Number(value)
    # footnote marks go before folding: NFKC would turn ① and ¹ into digits
    text = _FOOTNOTE.sub("", str(raw).strip())
    text = fold(text).replace(",", "").replace("，", "").replace(" ", "")
    if text in MISSING:
        return Number(None)
    match = _NUMBER.match(text)
    if not match:
        raise NormaliseError(f"“{raw}”不是数值")
    value = float(match.group(1))
    if math.isinf(value):  # hundreds of digits: no figure is that large
        raise NormaliseError(f"“{raw}”超出可表示的数值范围")
    return Number(value, match.group(2) or "", match.group(3) or "")


_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def parse_period(raw: str | int | float | None) -> str:
    """Canonical periods: ``2023`` · ``2023Q2`` · ``2023-06`` (the month) ·
    ``2023-01/06`` (January to June, cumulative, as bulletins report 1-6月)."""
    if raw is None:
        raise NormaliseError("期间为空")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = fold(str(raw)).replace(" ", "")
    patterns: list[tuple[str, str]] = [
        (r"^(\d{4})年?(?:末|底|全年)?$", "{0}"),
        (r"^(\d{4})年?[Qq第]?([1-4一二三四])季度?$", "Q"),
        (r"^(\d{4})[Qq]([1-4])$", "Q"),
        (r"^(\d{4})年(\d{1,2})月$", "M"),
        (r"^(\d{4})-(\d{1,2})$", "M"),
        (r"^(\d{4})年1-(\d{1,2})月$", "YTD"),
        (r"^(\d{4})-01/(\d{2})$", "YTD"),
    ]
    for pattern, kind in patterns:
        match = re.match(pattern, text)
        if not match:
            continue
        year = int(match.group(1))
        if not 1949 <= year <= 2100:
            break
        if kind == "{0}":
            return str(year)
        part = match.group(2)
        if kind == "Q":
            return f"{year}Q{_QUARTERS[part]}"
        month = int(part)
        if not 1 <= month <= 12:
            break
        return f"{year}-{month:02d}" if kind == "M" else f"{year}-01/{month:02d}"
    raise NormaliseError(f"期间“{raw}”无法识别（应为 2023年、2023Q2、2023年6月或 2023年1-6月）")


def period_kind(period: str) -> str:
    if re.fullmatch(r"\d{4}", period):
        return "annual"
    if "Q" in period:
        return "quarterly"
    return "monthly"


ALLOWED = {
    "annual": {"annual"},
    "quarterly": {"annual", "quarterly"},
    "monthly": {"annual", "quarterly", "monthly"},
}


def fits_frequency(period: str, frequency: str) -> bool:
    """An annual indicator takes only years; a monthly one takes months, quarters and years."""
    return period_kind(period) in ALLOWED.get(frequency, {"annual"})


# the units of the English editions (NBS portal, yearbooks) in the catalogue's words
ENGLISH_UNITS = {
    "100millionyuan": "亿元",
    "10000yuan": "万元",
    "yuan": "元",
    "yuan/person": "元/人",
    "10000persons": "万人",
    "10000people": "万人",
    "persons": "人",
    "person": "人",
    "10000tons": "万吨",
    "tons": "吨",
    "km": "公里",
    "kilometers": "公里",
    "days": "天",
    "percent": "%",
}


def english_unit(text: str) -> str:
    """``100 million yuan`` → ``亿元``; ``(10 000 persons)`` → ``万人``; other text unchanged."""
    key = re.sub(r"[\s()（）]", "", fold(text)).lower()
    return ENGLISH_UNITS.get(key, text)


_UNIT_IN_TEXT = re.compile(r"[（(]([^（）()]+)[)）]\s*$")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*([^\s(（]+)")


def unit_from_label(label: str | None) -> tuple[str | None, str | None]:
    """``地区生产总值(亿元)`` → (``地区生产总值``, ``亿元``); ``单位：万人`` → (None, ``万人``)."""
    if not label:
        return None, None
    text = fold(label)
    line = _UNIT_LINE.search(text)
    if line:
        return None, line.group(1)
    match = _UNIT_IN_TEXT.search(text)
    if match:
        return text[: match.start()].strip(), match.group(1).strip()
    return text, None
