"""Which release a figure is, read from the file, and which release wins.

The same year's GDP exists as the bulletin's initial figure, the final
verification a year later and the revision after an economic census. The
portal writes the last one as a note under the table:

    注：按照我国国民经济核算数据修订制度和国际通行做法，在第五次全国经济普查后，
    对1992年-2023年地区生产总值历史数据进行了系统修订。
    2.2018年数据为根据第四次全国经济普查资料修订后数据。

Such a note makes the figures of the years it names (all of them when it names
none) a census revision. A figure of an earlier release never replaces one of a
later release silently: it is kept as history and the report says so per series.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from db.catalogue import indicator_names
from db.intake import RANK, rank  # noqa: F401  (the ranking of releases, re-exported)
from db.regions import region_names

KEPT_NEWER = "较新的修订值已存在，未覆盖"
MIXED = "经济普查修订数（注释所列年份）与初步数"
_CENSUS = re.compile(r"普查.*修订|修订.*普查|census.*revis|revis.*census", re.I | re.S)
_SPAN = re.compile(r"(\d{4})\s*年?\s*(?:[-—–~至到]|to)\s*(\d{4})\s*年?")
_YEAR = re.compile(r"(\d{4})\s*年")
_SENTENCE = re.compile(r"[。\n]")


def census_note(notes: Iterable[str]) -> tuple[str, tuple[int, ...] | None] | None:
    """The census-revision sentence of the notes and the years it covers (None: all
    the file's years), or None when no note says the figures were revised after a census."""
    for note in notes:
        for sentence in _SENTENCE.split(note):
            if not _CENSUS.search(sentence):
                continue
            spans = [(int(a), int(b)) for a, b in _SPAN.findall(sentence)]
            years: set[int] = {y for a, b in spans for y in range(min(a, b), max(a, b) + 1)}
            if not spans:
                years = {int(y) for y in _YEAR.findall(sentence)}
            years = {y for y in years if 1949 <= y <= 2100}
            return sentence.strip(), tuple(sorted(years)) or None
    return None


def row_vintages(periods: Iterable[str], default: str, years: tuple[int, ...] | None) -> list[str]:
    """Each row's vintage: a census revision in the years the note covers, else ``default``."""
    covered = None if years is None else set(years)
    return [
        "census_revision" if covered is None or int(str(p)[:4]) in covered else default
        for p in periods
    ]


def file_rows(
    rows: pd.DataFrame, vintage: str | None, census: dict[str, Any] | None
) -> tuple[pd.DataFrame, str]:
    """The rows with their vintage and the file's vintage as reported: an explicit
    ``vintage`` applies to every row; without one a census note makes the years it
    covers a census revision and the rest initial figures."""
    if vintage is not None:
        return rows.assign(vintage=vintage), vintage
    if census is None:
        return rows.assign(vintage="initial"), "initial"
    years = tuple(census["years"]) if census.get("years") else None
    each = row_vintages(rows.period.tolist(), "initial", years)
    label = "census_revision" if all(v == "census_revision" for v in each) else "mixed"
    return rows.assign(vintage=each), label


def kept_problems(
    session: Session, filename: str, kept: Iterable[tuple[str, str, str]]
) -> list[dict[str, Any]]:
    """One 提示 per series whose later release was kept: 较新的修订值已存在，未覆盖."""
    series: dict[tuple[str, str], list[str]] = {}
    for indicator, region, period in kept:
        series.setdefault((indicator, region), []).append(period)
    if not series:
        return []
    names = indicator_names(session)
    places = region_names(session)
    problems = []
    for (indicator, region), periods in series.items():
        shown = "、".join(sorted(periods)[:5]) + (
            f"等 {len(periods)} 期" if len(periods) > 5 else ""
        )
        message = (
            f"{places.get(region, region)}“{names.get(indicator, indicator)}”{shown}：{KEPT_NEWER}"
            "（本文件的数值较旧，已存为历史版本；如确需以本文件为准，请由审核人员指定数据版本强制导入）"
        )
        problems.append(
            {
                "level": "提示",
                "file": filename,
                "sheet": "",
                "row": None,
                "column": None,
                "value": None,
                "message": message,
                "count": len(periods),
            }
        )
    return problems
