"""A filter's dropdown: options, the value chosen (None: all), the words for no choice, and
Dash's own words (clear, no results) in the page's language.

One home for the call the filter rows of 目标库, 重大项目 and 审计日志 made once per filter, and
for the region choice of 数据校验, 数据填报 and 公报读取.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dash import dcc

from dashboard.i18n import dropdown_labels, region_name
from indicators.regions import Region


def picker(
    id_: str, options: list[dict[str, Any]], value: Any, placeholder: str, lang: str
) -> dcc.Dropdown:
    """``placeholder`` is already in the page's language (it names what no choice shows)."""
    return dcc.Dropdown(
        id=id_, options=options, value=value, placeholder=placeholder, labels=dropdown_labels(lang)
    )


def region_picker(
    id_: str, regions: Iterable[Region], value: str | None, placeholder: str, lang: str
) -> dcc.Dropdown:
    """A choice of ``regions`` by code, each under its name in the page's language."""
    options = [{"value": r.code, "label": region_name(r, lang)} for r in regions]
    return picker(id_, options, value, placeholder, lang)
