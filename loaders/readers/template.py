"""The project's own long template: one row per figure under 地区/指标/期间/数值/单位/备注.

Statisticians fill it in by hand, so the header is looked for in the first rows
(a title may sit above it) and English headers are accepted too. A header that
names only some of the required columns is refused with the missing ones named,
which is more useful than "no header found".
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.readers.blocks import is_footer, read_footer, read_meta
from loaders.readers.labels import clean, template_role, unit_in_label
from loaders.readers.model import Grid, ReadError, column_letter

REQUIRED = {"region": "地区", "indicator": "指标", "period": "期间", "value": "数值"}
_SEARCH_ROWS = 30


@dataclass
class Parsed:
    """One grid's share of a RawTable."""

    layout: str
    records: list[dict[str, object]]
    title: str | None
    notes: list[str]
    source: str | None


def find_template_header(grid: Grid, filename: str) -> tuple[int, dict[str, int]] | None:
    """The template's header row and the column of each role, or None if this is no template."""
    for r in range(min(grid.height, _SEARCH_ROWS)):
        columns: dict[str, int] = {}
        for c, text in grid.filled(r):
            role = template_role(text)
            if role and role not in columns:
                columns[role] = c
        present = REQUIRED.keys() & columns.keys()
        if len(present) >= 3:
            missing = [name for role, name in REQUIRED.items() if role not in columns]
            if missing:
                problem = f"填报模板表头缺少列：{'、'.join(missing)}"
                raise ReadError(filename, problem, grid.sheet or None, grid.numbers[r])
            return r, columns
    return None


def parse_template(grid: Grid, header: int, columns: dict[str, int]) -> Parsed:
    """One record per filled row; the first 注/数据来源 line ends the data."""
    above = read_meta(grid, range(header))
    records = []
    footer = grid.height
    for r in range(header + 1, grid.height):
        cells = grid.filled(r)
        if not cells:
            continue
        if is_footer(cells[0][1]) and grid.raw(r, columns["value"]) is None:
            footer = r
            break
        records.append(_record(grid, r, columns, above.unit))
    notes, source = read_footer(grid, range(footer, grid.height))
    return Parsed("template", records, above.title, above.notes + notes, above.source or source)


def _record(
    grid: Grid, r: int, columns: dict[str, int], table_unit: str | None
) -> dict[str, object]:
    def cell(role: str) -> str | None:
        return clean(grid.raw(r, columns[role])) if role in columns else None

    indicator = cell("indicator")
    return {
        "sheet": grid.sheet,
        "row": grid.numbers[r],
        "column": column_letter(columns["value"]),
        "region": cell("region"),
        "indicator": indicator,
        "period": cell("period"),
        "value": cell("value"),
        "unit": cell("unit") or unit_in_label(indicator) or table_unit,
        "note": cell("note"),
    }
