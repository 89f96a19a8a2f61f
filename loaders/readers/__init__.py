"""Read uploaded statistics files into raw, located cells (layout only).

``read_file`` finds the data cells of a CSV/text file or an Excel workbook in one of
the layouts statisticians actually send — the project's long template, a wide table
from a statistics office, an export of the NBS portal (国家数据), a provincial
yearbook table — and says for each cell where it came from and which raw labels,
period header and unit apply. It parses no number, resolves no name and converts
no unit: the normaliser built on top does that, and can point the uploader back
to the exact sheet, row and column.
"""

from __future__ import annotations

from pathlib import PurePath

from loaders.readers.across import parse_across
from loaders.readers.fast import NO_ROWS, fast_template
from loaders.readers.flipped import restore, turned
from loaders.readers.model import COLUMNS, LAYOUTS, Grid, RawTable, ReadError, records_frame
from loaders.readers.template import Parsed, find_template_header, parse_template
from loaders.readers.text import read_text
from loaders.readers.wide import find_header, parse_wide
from loaders.readers.workbook import CORRUPT as _CORRUPT
from loaders.readers.workbook import looks_like_workbook, read_workbook

__all__ = ["COLUMNS", "LAYOUTS", "RawTable", "ReadError", "read_file"]

EXTENSIONS = (".csv", ".txt", ".xlsx", ".xls")
_NO_HEADER = (
    "没有找到可识别的表头：需要填报模板的表头（地区、指标、期间、数值、单位、备注），"
    "或一行以年份/期间为列名的表头（如“地区,2023年,2024年”）"
)
_LAYOUT_ZH = {
    "template": "填报模板",
    "wide_regions": "宽表（地区为行）",
    "wide_indicators": "宽表（指标为行）",
    "nbs": "国家数据网站导出表",
    "yearbook": "统计年鉴表",
}


def read_file(filename: str, content: bytes) -> RawTable:
    """Lay out one uploaded file; raise ReadError (in Chinese, naming the file) if it can't be.

    The extension decides what is accepted; the bytes decide how it is read, so an
    .xls that is really tab-separated text (as some systems export) still reads, and
    a .csv that is really a workbook does too.
    """
    name = PurePath(filename.replace("\\", "/")).name or filename
    suffix = PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        shown = suffix or "（无扩展名）"
        raise ReadError(name, f"不支持的文件类型“{shown}”：请上传 .csv、.txt、.xlsx 或 .xls 文件")
    if not content.strip():
        raise ReadError(name, "文件为空")
    if looks_like_workbook(content):
        return _from_workbook(name, content)
    if suffix in (".xlsx", ".xls"):
        return _from_text_posing_as_workbook(name, suffix, content)
    fast = fast_template(name, content)
    if fast is not None:
        return fast
    grid, encoding = read_text(name, content)
    return _table([_parse(grid, name)], encoding)


def _from_text_posing_as_workbook(name: str, suffix: str, content: bytes) -> RawTable:
    """An .xls some systems write as tab-separated text reads as text; anything else is refused."""
    if suffix == ".xls":
        head = content[:2048].lower()
        if b"<html" in head or b"<table" in head:
            problem = "这是网页（HTML）格式的 .xls，不是真正的 Excel 工作簿：请用 Excel 打开后另存为 .xlsx 再上传"
            raise ReadError(name, problem)
        try:
            grid, encoding = read_text(name, content)
        except ReadError:
            pass
        else:
            return _table([_parse(grid, name)], encoding)
    raise ReadError(name, _CORRUPT)


def _from_workbook(name: str, content: bytes) -> RawTable:
    grids = read_workbook(name, content)
    if not grids:
        raise ReadError(name, "工作簿中没有数据（所有工作表都是空的，或只有填报说明）")
    parsed = []
    for grid in grids:
        try:
            parsed.append(_parse(grid, name))
        except ReadError as error:
            if len(grids) == 1 or error.problem != _NO_HEADER:  # other sheets may be covers
                raise
    if not parsed:
        raise ReadError(name, _NO_HEADER + "（所有工作表中都没有）")
    layouts = {p.layout for p in parsed}
    if len(layouts) > 1:
        names = "、".join(_LAYOUT_ZH.get(layout, layout) for layout in sorted(layouts))
        problem = f"各工作表的表格版式不同（{names}）：请分成多个文件上传"
        raise ReadError(name, problem)
    return _table(parsed, None)


def _parse(grid: Grid, name: str) -> Parsed:
    """One grid's records, by the template rules or else the wide-table rules."""
    sheet = grid.sheet or None
    if not any(any(row) for row in grid.cells):
        raise ReadError(name, "文件为空", sheet)
    template = find_template_header(grid, name)
    if template is not None:
        parsed = parse_template(grid, *template)
        header_row = template[0]
    else:
        header = find_header(grid)
        flip = turned(grid) if header is None else None
        if flip is not None:  # periods down the rows, series across
            turned_grid, header_row = flip
            header = find_header(turned_grid)
            if header is None:
                raise ReadError(name, _NO_HEADER, sheet)
            parsed = parse_wide(turned_grid, name, header)
            restore(parsed.records, grid, header_row)
        elif header is None:  # regions across, the year in the title (county yearbooks)
            across = parse_across(grid)
            if across is None:
                raise ReadError(name, _NO_HEADER, sheet)
            parsed, header_row = across, 0
        else:
            parsed = parse_wide(grid, name, header)
            header_row = header.row
    if not parsed.records:
        raise ReadError(name, NO_ROWS, sheet, grid.numbers[header_row])
    return parsed


def _table(parsed: list[Parsed], encoding: str | None) -> RawTable:
    """Sheets of one workbook become one table; the first sheet's title stands for it."""
    records = [record for p in parsed for record in p.records]
    notes = tuple(dict.fromkeys(note for p in parsed for note in p.notes))
    source = next((p.source for p in parsed if p.source), None)
    title = next((p.title for p in parsed if p.title), None)
    return RawTable(records_frame(records), parsed[0].layout, encoding, title, notes, source)
