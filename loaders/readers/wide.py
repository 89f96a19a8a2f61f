"""Wide tables: row labels down, periods across (statistics offices, NBS portal, yearbooks).

The header is the first row with period cells (2023年, 2023, 2023Q2, 2023年1-6月) to
the right of a label column. Rows above it that have text over the period columns
are upper header rows (an indicator or region spanning several periods, often a
merged cell); rows just below it with no Chinese label and no digits are the
English or unit half of a two-row header. Columns whose header is not a period
(上年=100, 比上年增长%) are never read as data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from loaders.readers.blocks import Meta, is_footer, read_footer, read_meta
from loaders.readers.labels import (
    bracketed_unit,
    clean,
    has_cjk,
    has_latin,
    is_admin_line,
    is_number,
    is_period,
    label_role,
    looks_like_unit,
    meta,
    norm,
    split_bilingual,
    strip_label,
    unit_in_label,
)
from loaders.readers.model import Grid, ReadError, column_letter
from loaders.readers.template import Parsed

_SEARCH_ROWS = 60
_LABEL_ROLES = ("region", "indicator")


@dataclass
class Header:
    """Where the header is and what each column's header says."""

    row: int
    periods: dict[int, str]
    top: int = 0
    bottom: int = 0
    tops: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return min(self.periods)


@dataclass
class Labels:
    """Which columns hold the row labels, and how to read them."""

    roles: dict[str, int]
    main: str
    main_header: str | None
    bilingual: bool


def find_header(grid: Grid) -> Header | None:
    """The header of a wide table, or None when no row has period columns."""
    found = _period_row(grid)
    if found is None:
        return None
    row, periods = found
    header = Header(row, periods)
    above = _upper_rows(grid, row, header.start)
    header.top = above[0] if above else row
    header.tops = _upper_text(grid, above, header.start)
    header.bottom = _lower_end(grid, row, header)
    header.units = _column_units(grid, header)
    return header


def _period_row(grid: Grid) -> tuple[int, dict[int, str]] | None:
    for r in range(min(grid.height, _SEARCH_ROWS)):
        cells = grid.filled(r)
        if not cells or is_footer(cells[0][1]):
            continue
        periods = {c: clean(t) or "" for c, t in cells if is_period(t)}
        if not periods or min(periods) == 0:
            continue
        others = [t for c, t in cells if c > min(periods) and c not in periods]
        if not any(is_number(t) for t in others):
            return r, periods
    return None


def _upper_rows(grid: Grid, row: int, start: int) -> list[int]:
    """Rows right above the period row with header text over the period columns."""
    rows: list[int] = []
    for r in range(row - 1, -1, -1):
        texts = [t for c, t in grid.filled(r) if c >= start]
        if not texts or any(_is_meta_text(t) for t in texts):
            break
        rows.insert(0, r)
    return rows


def _is_meta_text(text: str) -> bool:
    """A line-like cell (unit, portal, paperwork, footer) that can't be a column header."""
    key = clean(text) or ""
    return (
        is_footer(key)
        or is_admin_line(key)
        or "单位" in key[:6]
        or meta(key) is not None
        or bracketed_unit(key) is not None
    )


def _upper_text(grid: Grid, rows: list[int], start: int) -> dict[int, str]:
    """Each period column's upper header text, merged cells and blanks filled from the left."""
    tops: dict[int, list[str]] = {}
    for r in rows:
        current = None
        for c in range(start, grid.width):
            text = clean(grid.shown(r, c))
            current = text or current
            if current:
                tops.setdefault(c, []).append(current)
    return {c: " ".join(dict.fromkeys(parts)) for c, parts in tops.items()}


def _lower_end(grid: Grid, row: int, header: Header) -> int:
    """The last row of the header: the English / unit rows under the period row."""
    end = row
    for r in range(row + 1, grid.height):
        cells = grid.filled(r)
        if not cells or is_footer(cells[0][1]):
            break
        if any(has_cjk(t) for c, t in cells if c < header.start):
            break
        if any(any(ch.isdigit() for ch in t) for c, t in cells if c in header.periods):
            break
        end = r
    return end


def _column_units(grid: Grid, header: Header) -> dict[int, str]:
    """Units written per column: under the period row (亿元 | 万人) or in the period itself."""
    units: dict[int, str] = {}
    for c, period in header.periods.items():
        for r in range(header.row + 1, header.bottom + 1):
            text = clean(grid.raw(r, c))
            if text and looks_like_unit(text.strip("()（）")):
                units[c] = text.strip("()（）")
        unit = unit_in_label(period)
        if unit and c not in units:
            units[c] = unit
    return units


def _header_text(grid: Grid, header: Header, c: int) -> str | None:
    texts = [clean(grid.shown(r, c)) for r in range(header.top, header.bottom + 1)]
    return next((t for t in texts if t), None)


def _data_rows(grid: Grid, header: Header) -> tuple[list[int], int]:
    """The rows between the header and the footer, and the footer's first row."""
    rows: list[int] = []
    for r in range(header.bottom + 1, grid.height):
        cells = grid.filled(r)
        if cells and is_footer(clean(cells[0][1])):
            return rows, r
        if cells:
            rows.append(r)
    return rows, grid.height


def _label_columns(grid: Grid, header: Header, rows: list[int], meta: Meta) -> Labels:
    """Roles of the columns that are not periods, from their header words and contents."""
    roles: dict[str, int] = {}
    left: list[tuple[int, str | None, str | None]] = []
    for c in range(grid.width):
        if c in header.periods:
            continue
        text = _header_text(grid, header, c)
        role = label_role(text)
        if c < header.start:
            left.append((c, role, text))
        elif role in ("unit", "note") and role not in roles:
            roles[role] = c
    chinese = any(_texts(grid, rows, c, has_cjk) for c, _, _ in left)
    gloss = False
    candidates = []
    for c, role, text in left:
        if chinese and _is_english_column(grid, rows, c, text):
            gloss = True
        elif role and role != "ignore" and role not in roles:
            roles[role] = c
        elif role is None and _texts(grid, rows, c, bool):
            candidates.append(c)
    main = next((r for r in _LABEL_ROLES if r in roles), None)
    if main is None:
        main = "region" if header.tops or meta.indicator else "indicator"
        if candidates:
            roles[main] = candidates[0]
    main_header = _header_text(grid, header, roles[main]) if main in roles else None
    return Labels(roles, main, main_header, gloss or _bilingual_header(grid, header))


def _texts(grid: Grid, rows: list[int], c: int, test: Callable[[str], bool]) -> list[str]:
    return [t for r in rows if (t := clean(grid.raw(r, c))) and test(t)]


def _is_english_column(grid: Grid, rows: list[int], c: int, header_text: str | None) -> bool:
    """A column that only glosses the Chinese labels in English (yearbooks)."""
    if header_text and has_cjk(header_text):
        return False
    return bool(_texts(grid, rows, c, has_latin)) and not _texts(grid, rows, c, has_cjk)


def _bilingual_header(grid: Grid, header: Header) -> bool:
    """Whether the header glosses its Chinese in English (项 目 / Item), as yearbooks do."""
    cells = [
        t
        for r in range(header.top, header.bottom + 1)
        for c in range(grid.width)
        if (t := clean(grid.raw(r, c)))
    ]
    if any(split_bilingual(t)[1] for t in cells):
        return True
    english = [t for t in cells if not has_cjk(t) and len(re.findall(r"[A-Za-z]", t)) >= 3]
    return bool(english) and any(has_cjk(t) for t in cells)


def layout_of(meta: Meta, labels: Labels, source: str | None) -> str:
    """nbs, yearbook, wide_regions or wide_indicators, from the lines and header around.

    An NBS export whose 数据库/指标/时间 lines the user deleted is still recognised by
    its bare 地区/指标 header and its 数据来源：国家统计局 footer.
    """
    if meta.database:
        return "nbs"
    if meta.yearbook_title or meta.english_title or labels.bilingual:
        return "yearbook"
    portal_header = labels.main_header in ("地区", "指标")
    if portal_header and meta.title is None and (source or "").startswith("国家统计局"):
        return "nbs"
    return "wide_regions" if labels.main == "region" else "wide_indicators"


_BY_REGION = re.compile(
    r"^(?:分|各|按)(?:区县|区\(县\)|县\(市、区\)|县\(市,区\)|区域|地区|市州|市\(州\)|县|区|乡镇|街道)"
    r"(?:分组|的)?(?P<indicator>.+)$"
)


def title_indicator(title: str | None) -> str | None:
    """The indicator a by-region table's title names: ``2-8 分区县地区生产总值(2021-2023)``
    → ``地区生产总值``; None for other titles."""
    if not title:
        return None
    text = norm(re.sub(r"^\s*\d{1,2}\s*[-—–]\s*\d{1,3}[A-Za-z]?", "", title))
    text = re.sub(r"[(（][^()（）]*\d{4}[^()（）]*[)）]$", "", text)
    match = _BY_REGION.match(text)
    return match.group("indicator") if match else None


def parse_wide(grid: Grid, filename: str, header: Header) -> Parsed:
    """Every period cell of every data row, with the labels that locate it."""
    meta = read_meta(grid, range(header.top))
    rows, footer = _data_rows(grid, header)
    labels = _label_columns(grid, header, rows, meta)
    by_region = title_indicator(meta.title)
    if by_region and meta.indicator is None:
        # 分区县地区生产总值: the title names the indicator, the rows are the regions
        meta.indicator = by_region
        if labels.main == "indicator" and "region" not in labels.roles:
            if "indicator" in labels.roles:
                labels.roles["region"] = labels.roles.pop("indicator")
            labels.main = "region"
    notes, source = read_footer(grid, range(footer, grid.height))
    source = meta.source or source
    layout = layout_of(meta, labels, source)
    records = []
    for r in rows:
        _refuse_second_header(grid, filename, header, r)
        records.extend(_row_records(grid, header, labels, meta, r, layout == "yearbook"))
    return Parsed(layout, records, meta.title, meta.notes + notes, source)


def _refuse_second_header(grid: Grid, filename: str, header: Header, r: int) -> None:
    texts = [t for c in header.periods if (t := clean(grid.raw(r, c)))]
    if texts and all(is_period(t) and not is_number(t) for t in texts):
        problem = "表中出现第二个表头：一个工作表只能放一张表，请把其他表拆到单独的工作表或文件"
        raise ReadError(filename, problem, grid.sheet or None, grid.numbers[r])


def _row_records(
    grid: Grid, header: Header, labels: Labels, meta: Meta, r: int, bilingual: bool
) -> list[dict[str, object]]:
    values = {c: clean(grid.raw(r, c)) for c in header.periods if not grid.hidden(r, c)}
    if all(v is None for v in values.values()):
        return []  # a section heading or spacer row, not data

    def label(role: str) -> str | None:
        c = labels.roles.get(role)
        return None if c is None else strip_label(grid.shown(r, c), bilingual)

    records = []
    for c, value in values.items():
        top = strip_label(header.tops.get(c), bilingual)
        region = label("region") or (top if labels.main == "indicator" else None) or meta.region
        indicator = label("indicator") or (top if labels.main == "region" else None)
        indicator = indicator or meta.indicator
        unit = label("unit") or unit_in_label(indicator) or header.units.get(c) or meta.unit
        records.append(
            {
                "sheet": grid.sheet,
                "row": grid.numbers[r],
                "column": column_letter(c),
                "region": region,
                "indicator": indicator,
                "period": header.periods[c],
                "value": value,
                "unit": unit,
                "note": label("note"),
            }
        )
    return records
