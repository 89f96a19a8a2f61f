"""The empty register a joint office downloads: the header row, drop-down lists and
a 说明 sheet explaining each column."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.projects import CATEGORIES, STATUSES
from loaders.project_register.columns import FIELDS, MONEY

DATA_SHEET = "重大项目"
INSTRUCTIONS = "说明"


def register_template(
    *, years: Sequence[int] | None = None, plan_ids: Collection[str] = ()
) -> bytes:
    """An empty register (.xlsx): the header row, drop-down lists for 类别 and 项目状态,
    and a 说明 sheet explaining each column.

    ``years`` are the 年计划投资 columns offered (default: this year and the next);
    ``plan_ids``, when given, are listed on the 说明 sheet.
    """
    if years is None:
        this_year = dt.date.today().year
        years = (this_year, this_year + 1)
    headers = [f.label if f.key not in MONEY else f"{f.label}（亿元）" for f in FIELDS]
    insert_at = headers.index("项目状态") + 1
    plan_headers = [f"{year}年计划投资（亿元）" for year in years]
    headers[insert_at:insert_at] = plan_headers

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one sheet (its active one)
    sheet.title = DATA_SHEET
    sheet.append(headers)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        wide = header in ("项目名称", "建设内容", "备注", "责任单位", "所在地")
        sheet.column_dimensions[get_column_letter(index)].width = 28 if wide else 16
    sheet.freeze_panes = "A2"
    for label, allowed in (("类别", CATEGORIES), ("项目状态", STATUSES)):
        letter = get_column_letter(headers.index(label) + 1)
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(allowed) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{label}取值",
            error="请从下拉列表中选择：" + "、".join(allowed),
        )
        rule.add(f"{letter}2:{letter}2000")
        sheet.add_data_validation(rule)

    notes = book.create_sheet(INSTRUCTIONS)
    notes.append(["列名", "是否必填", "填写说明"])
    for cell in notes[1]:
        cell.font = bold
        cell.fill = fill
    for f in FIELDS:
        header = f"{f.label}（亿元）" if f.key in MONEY else f.label
        also = [a for a in f.aliases if a != f.label]
        explanation = f.help + (f"（表头也可写作：{'、'.join(also)}）" if also else "")
        notes.append([header, "必填" if f.required else "选填", explanation])
    notes.append(
        [
            "YYYY年计划投资（亿元）",
            "选填",
            "每年一列（如 2026年计划投资（亿元），也可写作 2026年度计划投资），可增删列；"
            "各年计划投资合计不能超过总投资，年份应在开工年至完工年之间",
        ]
    )
    if plan_ids:
        notes.append(["所属规划可用编号", "", "、".join(sorted(plan_ids))])
    notes.append([])
    for line in (
        "每行一个项目；表头须在一行内，表头上方可有标题行。",
        "空行、合计行、小计行会被跳过。",
        "导入时整表校验：有任一“错误”则整表不导入，“提示”不影响导入。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 26
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
