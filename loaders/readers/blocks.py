"""The lines around a table: title, unit and portal lines above, 注 and 数据来源 below.

They say what the numbers are (a unit, an indicator, a revision note) but are
never data, so they are read here and kept out of the records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from loaders.readers.labels import (
    bracketed_unit,
    clean,
    has_cjk,
    has_latin,
    has_table_number,
    is_admin_line,
    is_note,
    is_source,
    is_unit_line,
    meta,
    strip_note,
    strip_source,
    unit_in_line,
)
from loaders.readers.model import Grid

NATIONAL_DATABASES = ("年度数据", "季度数据", "月度数据", "Annual", "Quarterly", "Monthly")


@dataclass
class Meta:
    """What the lines above the header say."""

    title: str | None = None
    english_title: bool = False
    unit: str | None = None
    database: str | None = None
    indicator: str | None = None
    region: str | None = None
    notes: list[str] = field(default_factory=list)
    source: str | None = None

    @property
    def yearbook_title(self) -> bool:
        return bool(self.title and has_table_number(self.title))


def read_meta(grid: Grid, rows: Iterable[int]) -> Meta:
    """Title, unit line and portal lines (数据库：/指标：/时间：) from the rows above a table."""
    found = Meta()
    for r in rows:
        for _, raw in grid.filled(r):
            text = clean(raw)
            if text is not None:
                _take_meta(found, text)
    if found.region is None and (found.database or "").strip() in NATIONAL_DATABASES:
        found.region = "全国"  # the portal's national databases are the nation's figures
    return found


def _take_meta(found: Meta, text: str) -> None:
    portal = meta(text)
    if portal:
        key, rest = portal
        if key == "数据库":
            found.database = rest or text
        elif key == "指标":
            found.indicator = clean(rest)
        elif key == "地区":
            found.region = clean(rest)
    elif is_admin_line(text):
        return
    elif is_unit_line(text):
        found.unit = found.unit or unit_in_line(text)
    elif bracketed_unit(text):
        found.unit = found.unit or bracketed_unit(text)
    elif is_note(text):
        found.notes.append(strip_note(text))
    elif is_source(text):
        found.source = found.source or strip_source(text)
    elif found.title is None and has_cjk(text):
        found.title = text
        if "单位" in text:
            found.unit = found.unit or unit_in_line(text)
    elif not has_cjk(text) and has_latin(text):
        found.english_title = True


def is_footer(text: str | None) -> bool:
    """Whether a row's first cell opens the footer (注… / 数据来源…)."""
    return text is not None and (is_note(text) or is_source(text))


def line_text(grid: Grid, r: int) -> str | None:
    """A footer row as one line; a CSV's unquoted commas are put back."""
    row = grid.cells[r]
    if grid.joiner == ",":
        last = max((c for c, t in enumerate(row) if t is not None), default=-1)
        return clean(",".join(t or "" for t in row[: last + 1]))
    return clean(" ".join(t for t in row if t is not None))


def read_footer(grid: Grid, rows: Iterable[int]) -> tuple[list[str], str | None]:
    """注 lines (continuation lines joined with a newline) and the 数据来源 text."""
    notes: list[str] = []
    sources: list[str] = []
    last: list[str] | None = None
    for r in rows:
        text = line_text(grid, r)
        if text is None:
            continue
        if is_source(text):
            sources.append(strip_source(text))
            last = sources
        elif is_note(text) or last is None:
            notes.append(strip_note(text) if is_note(text) else text)
            last = notes
        else:
            last[-1] = f"{last[-1]}\n{text}" if last[-1] else text
    return [n for n in notes if n], "\n".join(s for s in sources if s) or None
