"""Finding the header row and reading it: which column is which field, the unit a
money column is in, the 年计划投资 columns, and what is wrong with the header."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from indicators.units import in_yi
from loaders.project_register.columns import (
    ALIASES,
    BY_KEY,
    FIELDS,
    FIRST_YEAR,
    IGNORED,
    LAST_YEAR,
    MONEY,
    MONEY_UNITS,
)
from loaders.project_register.sheets import Sheet
from loaders.readers.labels import clean
from loaders.validate import ERROR, WARNING

_PLAN_COLUMN = re.compile(r"(\d{4})年度?(?:计划投资|投资计划|计划完成投资)额?")
_UNIT_TAIL = re.compile(r"^(.*?)\(([^()]*)\)$")


@dataclass
class Header:
    index: int  # position of the header row in Sheet.rows
    number: int  # the row a person sees
    columns: dict[str, int]  # field key → column
    labels: dict[int, str]  # column → header as written
    factors: dict[str, float]  # money field key or plan year → factor to 亿元
    units: dict[str, str]  # money field key or plan year → 亿元 or 万元 (for messages)
    plans: dict[int, int]  # year → column
    # (the column, or a missing column's name; level; message)
    problems: list[tuple[int | str, str, str]]
    ignored: set[int]  # 序号 columns: a row with only a 序号 is blank


def _header_key(text: str) -> tuple[str, str | None]:
    """The header without blanks, marks of required fields and a bracketed unit; and the unit."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).strip("*※")
    match = _UNIT_TAIL.match(key)
    if match and match.group(1):
        return match.group(1).strip("*※"), match.group(2) or None
    return key, None


def find_header(sheet: Sheet) -> Header | None:
    for index, (number, cells) in enumerate(sheet.rows):
        keys = {ALIASES.get(_header_key(text)[0]) for text in cells if text}
        if {"id", "name"} <= keys:
            return _build_header(index, number, cells)
    return None


def _build_header(index: int, number: int, cells: list[str | None]) -> Header:
    header = Header(index, number, {}, {}, {}, {}, {}, [], set())
    for column, text in enumerate(cells):
        label = clean(text)
        if label is None:
            continue
        header.labels[column] = label
        key, unit = _header_key(label)
        name = ALIASES.get(key)
        plan = _PLAN_COLUMN.fullmatch(key)
        if name is not None:
            if name in header.columns:
                first = header.labels[header.columns[name]]
                header.problems.append(
                    (column, ERROR, f"列“{label}”与列“{first}”重复（都是{BY_KEY[name].label}）")
                )
                continue
            header.columns[name] = column
            if name in MONEY:
                _money_unit(header, name, column, label, unit, BY_KEY[name].label)
        elif plan is not None:
            year = int(plan.group(1))
            if not FIRST_YEAR <= year <= LAST_YEAR:
                header.problems.append(
                    (column, ERROR, f"列“{label}”的年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 之间")
                )
            elif year in header.plans:
                first = header.labels[header.plans[year]]
                header.problems.append(
                    (column, ERROR, f"列“{label}”与列“{first}”重复（都是{year}年计划投资）")
                )
            else:
                header.plans[year] = column
                _money_unit(header, year, column, label, unit, f"{year}年计划投资")
        elif key.lower() in IGNORED:
            header.ignored.add(column)
        else:
            header.problems.append(
                (column, WARNING, f"列“{label}”未识别，已忽略（可识别的列见模板的说明页）")
            )
    for f in FIELDS:
        if f.required and f.key not in header.columns:
            names = "、".join(f.aliases)
            header.problems.append(
                (f.label, ERROR, f"缺少必填列“{f.label}”（表头可写作：{names}）")
            )
    return header


def _money_unit(
    header: Header, key: str | int, column: int, label: str, unit: str | None, what: str
) -> None:
    if unit not in MONEY_UNITS:
        header.problems.append(
            (column, ERROR, f"列“{label}”的单位“{unit}”无法识别：{what}应以亿元（或万元）填报")
        )
        unit = None
    header.factors[str(key)] = in_yi(unit)
    header.units[str(key)] = "万元" if in_yi(unit) != 1.0 else "亿元"
