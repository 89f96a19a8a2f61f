"""County yearbook tables: indicators down (with a 单位 column), counties across, the
year only in the title, and often several blocks side by side on one sheet.

    2023年各区县主要经济指标
    指标,单位,万州区,黔江区,,指标,单位,涪陵区,渝中区
    地区生产总值,亿元,1137.06,283.2,,地区生产总值,亿元,1554.6,1700.31
    年末常住人口,万人,156.4,48.7,,年末常住人口,万人,115.8,58.8

Each block starts at an indicator-header column (指标 / 项目); the columns after it up
to the next block are the regions (a 单位 column is the unit). The period is the
year the title names. Names are not resolved here: the normaliser does that.
"""

from __future__ import annotations

import re

from loaders.readers.blocks import is_footer, read_footer, read_meta
from loaders.readers.labels import clean, has_cjk, label_role, strip_label, unit_in_label
from loaders.readers.model import Grid, cell_record
from loaders.readers.template import Parsed

_SEARCH_ROWS = 30
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _header(grid: Grid) -> tuple[int, list[int]] | None:
    """The header row and its block starts (the indicator-header columns)."""
    for r in range(min(grid.height, _SEARCH_ROWS)):
        cells = grid.filled(r)
        starts = [c for c, t in cells if label_role(t) == "indicator"]
        if not starts:
            continue
        regions = [c for c, t in cells if label_role(t) is None and has_cjk(t)]
        if len(regions) >= 2:
            return r, starts
        return None
    return None


def parse_across(grid: Grid) -> Parsed | None:
    """The records of a regions-across table whose title names the year, or None."""
    found = _header(grid)
    if found is None:
        return None
    row, starts = found
    meta = read_meta(grid, range(row))
    year = _YEAR.search(meta.title or "")
    if year is None:
        return None
    bounds = [*starts[1:], grid.width]
    end = grid.height
    for r in range(row + 1, grid.height):
        cells = grid.filled(r)
        if cells and is_footer(clean(cells[0][1])):
            end = r
            break
    records: list[dict[str, object]] = []
    for start, stop in zip(starts, bounds, strict=True):
        unit_column = next(
            (c for c in range(start + 1, stop) if label_role(grid.raw(row, c)) == "unit"), None
        )
        regions = {
            c: name
            for c in range(start + 1, stop)
            if c != unit_column and (name := strip_label(grid.raw(row, c), True))
        }
        for r in range(row + 1, end):
            indicator = strip_label(grid.raw(r, start), True)
            if not indicator:
                continue
            unit = clean(grid.raw(r, unit_column)) if unit_column is not None else None
            for c, region in regions.items():
                records.append(
                    cell_record(
                        grid,
                        r,
                        c,
                        region=region,
                        indicator=indicator,
                        period=year.group(0),
                        value=clean(grid.raw(r, c)),
                        unit=unit or unit_in_label(indicator) or meta.unit,
                    )
                )
    notes, source = read_footer(grid, range(end, grid.height))
    return Parsed("yearbook", records, meta.title, meta.notes + notes, meta.source or source)
