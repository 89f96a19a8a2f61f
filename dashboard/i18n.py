"""The page language: Chinese by default, English on request (``?lang=en``).

The language lives in the URL like every other piece of page state, so a link
shared in English opens in English. Texts stay next to the code that shows
them, as ``t(lang, "中文", "English")`` pairs; the names of domain values
(statuses, pillars, layers …) come from the domain modules' own tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal
from urllib.parse import parse_qs, urlencode

from dashboard.components.locale import DROPDOWN_LABELS_ZH, GRID_LOCALE_ZH
from indicators.catalogue import PILLARS, PILLARS_EN
from indicators.layers import LAYER_NAMES_EN, LAYER_NAMES_ZH
from indicators.progress import (
    BOUND_EN,
    BOUND_SHORT_EN,
    BOUND_SHORT_ZH,
    BOUND_SIGN,
    BOUND_ZH,
    STATUS_EN,
    STATUS_ZH,
)
from indicators.regions import Region
from indicators.summary import SHOWN_EN, SHOWN_ZH, shown_status

Lang = Literal["zh", "en"]


def lang_of(value: str | None) -> Lang:
    """The language a query value (``en``) or a whole search string (``?a=1&lang=en``) asks for."""
    if value and value.startswith("?"):
        value = (parse_qs(value[1:]).get("lang") or [""])[0]
    return "en" if value == "en" else "zh"


def t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def href(path: str, lang: str, **params: str | int | None) -> str:
    """A link inside the app that keeps the language (and drops empty parameters)."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if lang == "en":
        query["lang"] = "en"
    return path + (f"?{urlencode(query)}" if query else "")


def name(mapping_zh: Mapping[str, str], mapping_en: Mapping[str, str], key: str, lang: str) -> str:
    table = mapping_en if lang == "en" else mapping_zh
    return table.get(key, key)


def status_word(status: str, lang: str) -> str:
    """The word a reader sees for a status: one of the five of plan evaluation
    (已完成 / 达到时序进度 / 滞后于时序进度 / 未完成 / 数据不足)."""
    return name(SHOWN_ZH, SHOWN_EN, shown_status(status), lang)


def method_word(status: str, lang: str) -> str:
    """The method's own class (需加快, 进展缓慢, 偏离 …): tooltips, the no-target trend."""
    return name(STATUS_ZH, STATUS_EN, status, lang)


def pillar_name(pillar: str, lang: str) -> str:
    return name(PILLARS, PILLARS_EN, pillar, lang)


def layer_name(layer: str, lang: str) -> str:
    return name(LAYER_NAMES_ZH, LAYER_NAMES_EN, layer, lang)


def bound_name(bound: object, lang: str, short: bool = False) -> str:
    """What a published bound is ("lower": 下限（超过、突破、以上）; ``short``: 下限), or
    "" for a figure that is the value itself (None, "", or a frame's NaN)."""
    if not isinstance(bound, str) or not bound:
        return ""
    if short:
        return name(BOUND_SHORT_ZH, BOUND_SHORT_EN, bound, lang)
    return name(BOUND_ZH, BOUND_EN, bound, lang)


def bound_sign(bound: object) -> str:
    """What goes before a figure published as a bound: ≥ (lower), ≤ (upper), or ""."""
    return BOUND_SIGN.get(bound, "") if isinstance(bound, str) else ""


def figure_year(year: int, bound: object, lang: str) -> str:
    """The year after a figure: "（2025）" / " (2025)", and for a published bound
    "（2025，下限）" / " (2025, lower bound)" — one wording for every page."""
    said = bound_name(bound, lang, short=True)
    when = f"{year}{t(lang, '，', ', ')}{said}" if said else str(year)
    return t(lang, f"（{when}）", f" ({when})")


def region_name(region: Region, lang: str) -> str:
    return region.name_en if lang == "en" and region.name_en else region.name_zh


def dropdown_labels(lang: str) -> dict[str, str]:
    """Dash's dropdown words; English is its default."""
    return {} if lang == "en" else DROPDOWN_LABELS_ZH


def grid_locale(lang: str) -> dict[str, str]:
    """AG Grid's words; English is its default."""
    return {} if lang == "en" else GRID_LOCALE_ZH
