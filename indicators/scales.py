"""Ordered scales and relative wordings the plans set targets in.

A class target (一级航道, 国道二级及以上, 水质Ⅱ类) is a class on an ordered scale,
reached or not; the observations of such an indicator hold the class number.
On every scale here a smaller number is the better class (一级 above 二级,
Ⅰ类 above Ⅱ类, 高速公路 above 一级公路), so a class target is met when the
observed number is at most the target's. A rank target (全国前三) is met when
the rank is at most N. A relative target (翻一番, 倍增, 增长 X 倍) is a factor on
the value of its base year. Each scale is defined once, here; an indicator
names its scale in ``config/catalogue/indicators.yaml`` (field ``scale``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from indicators.seed_text import chinese_number


@dataclass(frozen=True)
class Scale:
    id: str
    name_zh: str
    name_en: str
    labels: dict[int, str]  # class number → how the plans write it, best first

    def label(self, number: float) -> str:
        return self.labels.get(int(number), f"{number:g}")


SCALES = {
    s.id: s
    for s in (
        # 内河航道等级: 一级 (3000 吨级) … 七级 (50 吨级), GB 50139
        Scale(
            "waterway_grade",
            "内河航道等级",
            "inland waterway grade",
            {n: f"{'一二三四五六七'[n - 1]}级航道" for n in range(1, 8)},
        ),
        # 公路技术等级: 高速公路, 一级 … 四级, JTG B01; 0 stands for 高速公路
        Scale(
            "road_grade",
            "公路技术等级",
            "road technical grade",
            {0: "高速公路", **{n: f"{'一二三四'[n - 1]}级公路" for n in range(1, 5)}},
        ),
        # 地表水环境质量类别: Ⅰ … Ⅴ类, 劣Ⅴ类 as 6, GB 3838-2002
        Scale(
            "water_quality_class",
            "地表水水质类别",
            "surface water quality class",
            {1: "Ⅰ类", 2: "Ⅱ类", 3: "Ⅲ类", 4: "Ⅳ类", 5: "Ⅴ类", 6: "劣Ⅴ类"},
        ),
    )
}

_ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5}
_ROMAN_ASCII = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def classes_in(text: str) -> set[float]:
    """The class numbers a stretch of plan text states: 一级 / 二级 / 三级及以上 (the
    numeral before 级), Ⅱ类 / III类 (Roman numerals before 类), 劣Ⅴ类 → 6, and
    高速 (公路) → 0."""
    found: set[float] = set()
    for token in re.findall(r"([零一二两三四五六七八九十]+)级", text):
        number = chinese_number(token)
        if number is not None:
            found.add(float(number))
    for worse, roman in re.findall(r"(劣?)([ⅠⅡⅢⅣⅤ])类", text):
        found.add(6.0 if worse and roman == "Ⅴ" else float(_ROMAN[roman]))
    folded = unicodedata.normalize("NFKC", text)
    for worse, roman in re.findall(r"(劣?)(IV|V|I{1,3})类", folded):
        found.add(6.0 if worse and roman == "V" else float(_ROMAN_ASCII[roman]))
    if "高速" in text:
        found.add(0.0)
    return found


def ranks_in(text: str) -> set[float]:
    """The rank bounds a stretch states: 前三 / 前3 / 第一 → 3, 3, 1."""
    found: set[float] = set()
    for token in re.findall(r"[前第]([0-9]+|[一二两三四五六七八九十]+)", text):
        number = int(token) if token.isdigit() else chinese_number(token)
        if number:
            found.add(float(number))
    return found


def factors_in(text: str) -> set[float]:
    """The factors a relative wording states: 翻一番 → 2, 翻两番 → 4, 倍增 / 翻倍 → 2,
    增长 X 倍 → X + 1 (增长一倍 is a doubling), 是 X 倍 / 达到 X 倍 → X."""
    found: set[float] = set()
    for token in re.findall(r"翻([一二两三四五六七八九十]+)番", text):
        number = chinese_number(token)
        if number:
            found.add(float(2**number))
    if "倍增" in text or "翻倍" in text:
        found.add(2.0)
    number_pattern = r"([0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十]+)倍"
    for verb, token in re.findall(r"(增长|增加|提高|扩大|是|为|达到)" + number_pattern, text):
        times = float(token) if token[0].isdigit() else chinese_number(token)
        if times:
            found.add(float(times) + (1.0 if verb in ("增长", "增加", "提高", "扩大") else 0.0))
    return found
