"""Statistics-bulletin reader (issue 20 item 1, first part): propose observations from bulletin text.

Pure: no file reading. ``propose`` splits the text into sentences, finds an indicator name (or alias)
followed by a number and unit, converts the value to the indicator's unit (indicators.units), reads the
period (全年 / 上半年 / 一季度 / 1—5月 / 前三季度) and turns ``比上年增长X%`` after a figure into the
indicator's growth indicator (``<id>_growth``) when the catalogue has one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indicators.units import UnitError, convert

_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_YEAR = re.compile(r"(\d{4})年")
_PART = [
    (re.compile(r"一季度"), "03"),
    (re.compile(r"上半年"), "06"),
    (re.compile(r"前三季度"), "09"),
    (re.compile(r"1[—\-－~～至]\s*(\d{1,2})月"), None),
]
_NUMBER_UNIT = r"\s*(?:为|达到|达|实现|是)?\s*(\d+(?:\.\d+)?)\s*(万亿元|亿元|万元|元|万人|人|%|公里|万标箱|万吨|列|天)"
_GROWTH = re.compile(r"(?:比上年|同比)?(增长|下降)\s*(\d+(?:\.\d+)?)\s*%")


@dataclass(frozen=True)
class Proposal:
    indicator: str
    region: str | None
    period: str
    value: float
    unit: str
    wording: str


def period_of(sentence: str, year: int) -> str:
    """The canonical period string (``YYYY`` or ``YYYY-01/MM``) a sentence speaks of."""
    for pattern, month in _PART:
        match = pattern.search(sentence)
        if match:
            return f"{year}-01/{month or int(match.group(1)):0>2}"
    return str(year)


def propose(
    text: str,
    indicators: Mapping[str, tuple[Sequence[str], str]],
    region: str | None = None,
    year: int | None = None,
) -> list[Proposal]:
    """Proposals from ``text``; ``indicators`` maps an id to (names and aliases, catalogue unit)."""
    if year is None:
        found = _YEAR.search(text)
        year = int(found.group(1)) if found else None
    proposals: list[Proposal] = []
    for raw in _SENTENCE.findall(text):
        sentence = raw.strip()
        if not sentence or year is None:
            continue
        years = _YEAR.findall(sentence)
        sentence_year = int(years[0]) if years else year
        period = period_of(sentence, sentence_year)
        for ind_id, (names, unit) in indicators.items():
            for name in sorted(names, key=len, reverse=True):
                match = re.search(
                    re.escape(name) + r"(?:[（(][^)）]{0,8}[)）])?" + _NUMBER_UNIT, sentence
                )
                if not match:
                    continue
                try:
                    value = convert(float(match.group(1)), match.group(2), unit)
                except UnitError:
                    break
                proposals.append(Proposal(ind_id, region, period, round(value, 6), unit, sentence))
                growth = _GROWTH.match(sentence[match.end() :].lstrip("，,"))
                growth_id = f"{ind_id}_growth"
                if growth and growth_id in indicators:
                    sign = -1 if growth.group(1) == "下降" else 1
                    rate = sign * float(growth.group(2))
                    proposals.append(Proposal(growth_id, region, period, rate, "%", sentence))
                break
    return proposals
