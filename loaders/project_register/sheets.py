"""A register file (.xlsx or .csv) as sheets of cell texts, before any column is
known."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from openpyxl import load_workbook

from loaders.readers.labels import INSTRUCTION_SHEET
from loaders.readers.model import ReadError
from loaders.readers.text import read_text
from loaders.readers.workbook import CFB_MAGIC, CORRUPT, render

EXTENSIONS = (".xlsx", ".csv")


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list[str | None]]]  # (row a person sees, cell texts)


def xlsx_sheets(filename: str, content: bytes) -> list[Sheet]:
    if content.startswith(CFB_MAGIC):
        raise ReadError(
            filename,
            "工作簿已加密或为旧版 Excel 格式：请取消打开密码并另存为 .xlsx 后重新上传",
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; the values are intact
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(content), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign file
        raise ReadError(filename, CORRUPT) from error
    sheets = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible" or INSTRUCTION_SHEET.search(sheet.title):
            continue
        rows = [
            (number, [render(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        sheets.append(Sheet(sheet.title, rows))
    if not sheets:
        raise ReadError(filename, "工作簿中没有可读取的工作表（只有说明页或隐藏的工作表）")
    return sheets


def csv_sheets(filename: str, content: bytes) -> list[Sheet]:
    grid, _encoding = read_text(filename, content)
    return [Sheet("", list(zip(grid.numbers, grid.cells, strict=True)))]
