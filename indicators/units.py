"""Units as the plans write them, and conversion within a family.

A unit is a magnitude prefix (万, 亿, 万亿 …) on a base unit (元, 吨, 标箱 …):
``万亿元`` and ``亿元`` share the base ``元`` and convert by 10 000; ``万吨`` and
``公里`` do not convert at all. Units the table does not know convert only to
themselves, which keeps the check strict rather than guessing.
"""

from __future__ import annotations

import re
import unicodedata

PREFIXES = {
    "": 1.0,
    "十": 10.0,
    "百": 100.0,
    "千": 1e3,
    "万": 1e4,
    "十万": 1e5,
    "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "十亿": 1e9,
    "百亿": 1e10,
    "千亿": 1e11,
    "万亿": 1e12,
}
# longest first, so that 千瓦时 is not read as 千 + 瓦时
BASE_UNITS = sorted(
    [
        "元",
        "美元",
        "吨",
        "载重吨",
        "人",
        "人次",
        "公里",
        "平方公里",
        "平方米",
        "亩",
        "公顷",
        "列",
        "个",
        "家",
        "标箱",
        "标准箱",
        "立方米",
        "千瓦",
        "千瓦时",
        "头",
        "户",
        "票",
        "套(间)",
        "项",
        "条",
        "座",
        "所",
        "处",
        "件",
        "场",
        "场次",
        "对",
        "次",
    ],
    key=len,
    reverse=True,
)


class UnitError(ValueError):
    """Two units that cannot be converted into each other."""


def normalise_unit(unit: str) -> str:
    text = unicodedata.normalize("NFKC", str(unit)).strip()
    return text.replace("∶", ":")


# the same measure in another unit: a 公顷 (hectare) is 15 亩 exactly; 标准箱 is 标箱 spelled out
EQUIVALENTS = {"公顷": (15.0, "亩"), "标准箱": (1.0, "标箱")}

# measure words of things counted one by one: 3 处 and 3 个 are the same count
CLASSIFIERS = {"个", "家", "处", "所", "座", "项", "件", "条", "场", "场次", "次", "对"}


def split_unit(unit: str) -> tuple[float, str]:
    """``(factor, base)`` such that one ``unit`` is ``factor`` ``base``."""
    text = normalise_unit(unit)
    for base in BASE_UNITS:
        if text.endswith(base):
            prefix = text[: -len(base)]
            if prefix in PREFIXES:
                if base in EQUIVALENTS:
                    factor, same = EQUIVALENTS[base]
                    return PREFIXES[prefix] * factor, same
                return PREFIXES[prefix], "个" if base in CLASSIFIERS else base
    return 1.0, text


def compatible(a: str, b: str) -> bool:
    return split_unit(a)[1] == split_unit(b)[1]


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """What one ``from_unit`` is in ``to_unit``; raises ``UnitError`` across families."""
    f_factor, f_base = split_unit(from_unit)
    t_factor, t_base = split_unit(to_unit)
    if f_base != t_base:
        raise UnitError(f"单位“{from_unit}”不能换算为“{to_unit}”")
    return f_factor / t_factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    return value * conversion_factor(from_unit, to_unit)


def in_yi(unit: str | None) -> float:
    """What one ``unit`` of money (亿元, 万元 …, or a bare prefix 万/亿 as a cell or a
    header writes it; none: 亿元) is in 亿元, the major-projects register's unit."""
    unit = unit or "亿元"
    return conversion_factor(unit if unit.endswith("元") else f"{unit}元", "亿元")


_SHARE = re.compile(r"率|比重|占比|比例")
_NOT_SHARE = re.compile(r"增长|增速|变化|降低|下降|提高|贡献率")


def is_share(name_zh: str, unit: str) -> bool:
    """A share of a whole (城镇化率, 达标率, 占比 in %): between 0 and 100 %. Growth rates,
    changes and contribution rates are not (they may be negative or exceed 100)."""
    return unit == "%" and bool(_SHARE.search(name_zh)) and not _NOT_SHARE.search(name_zh)
