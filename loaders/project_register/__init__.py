"""Read the joint office's register of major projects (重大项目库) from .xlsx or .csv.

One row per project. The register is checked whole and every problem is named —
file, sheet, row, column (the header as written) and the value seen — with the
``Problem`` class and the 错误/提示 levels of statistics intake. Nothing is stored
here: the caller stores what ``read_register`` returns, all or nothing, so rows
come back only when no 错误 was found (提示 do not block).

What real registers look like, and what is tolerated:

* a title line (or blank lines) above the header: the header is the first row
  that holds both 项目编号 and 项目名称;
* headers with full-width or half-width brackets, spaces, line breaks, a unit
  (总投资（亿元）/ 总投资(万元) / 总投资) and common aliases (编号, 牵头单位, 竣工年 …);
  investment in 万元 is converted to 亿元;
* one column per year of planned investment: 2026年计划投资（亿元）, 2026年度计划投资;
* blank rows, 合计/小计 rows and numbered section headings (一、… / （一）…) are skipped;
* numbers with thousands separators or full-width digits (１，２３４．５);
* 所在地 with several places (重庆市、四川省泸州市), each resolved through the regions
  master data; a place qualified by its province or city (四川省泸州市, 内江市市中区)
  resolves when the master data knows the shorter name inside that area.

The modules: ``columns`` (the fields and ``RegisterRow``), ``sheets`` (the file as
sheets of texts), ``header`` (the header row), ``places`` (所在地 → regions),
``rows`` (each data row checked) and ``template`` (the empty register to download).
Import from here.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import PurePath

from indicators.projects import CATEGORIES, STATUSES
from indicators.regions import RegionDirectory
from loaders.project_register.columns import FIELDS, RegisterRow
from loaders.project_register.header import find_header
from loaders.project_register.rows import Reader
from loaders.project_register.sheets import EXTENSIONS, csv_sheets, xlsx_sheets
from loaders.project_register.template import register_template
from loaders.readers.model import ReadError
from loaders.validate import ERROR, Problem

__all__ = [
    "CATEGORIES",
    "EXTENSIONS",
    "FIELDS",
    "STATUSES",
    "RegisterRow",
    "read_register",
    "register_template",
]


def read_register(
    filename: str,
    content: bytes,
    directory: RegionDirectory,
    plan_ids: Collection[str],
) -> tuple[list[RegisterRow], list[Problem]]:
    """The register's rows and every problem found in it.

    The rows are returned only when no problem is an 错误 (the caller stores all or
    nothing); 提示 come back with the rows. A file that cannot be read at all gives
    no rows and one 错误 whose row is None.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in EXTENSIONS:
        shown = suffix or "（无扩展名）"
        return [], [
            _file_problem(
                filename,
                f"不支持的文件类型“{shown}”：重大项目库请上传 .xlsx 或 .csv 文件"
                "（.xls 等格式请用 Excel 另存为 .xlsx）",
            )
        ]
    try:
        sheets = (
            xlsx_sheets(filename, content) if suffix == ".xlsx" else csv_sheets(filename, content)
        )
    except ReadError as error:
        return [], [
            Problem(ERROR, filename, error.sheet or "", error.row, None, None, error.problem)
        ]
    for sheet in sheets:
        header = find_header(sheet)
        if header is not None:
            reader = Reader(filename, sheet, header, directory, plan_ids)
            rows = reader.read()
            problems = reader.problems
            if any(p.level == ERROR for p in problems):
                rows = []
            return rows, problems
    where = sheets[0].name if len(sheets) == 1 else ""
    return [], [
        Problem(
            ERROR,
            filename,
            where,
            None,
            None,
            None,
            "未找到表头行：应有一行同时包含“项目编号”和“项目名称”两列（可下载模板对照）",
        )
    ]


def _file_problem(filename: str, message: str) -> Problem:
    return Problem(ERROR, filename, "", None, None, None, message)
