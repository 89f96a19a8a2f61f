"""What a statistics file's check looks like: the summary in words, the grid of
problems row by row, the template links — shared by 数据校验 and 数据填报."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.components.grid import grid
from dashboard.i18n import t
from indicators.exports import spreadsheet_safe
from workflows.intake import safe_filename

LAYOUT_NAMES = {
    "template": ("本平台模板", "the monitor's template"),
    "wide_regions": ("宽表（地区为行）", "wide table, regions as rows"),
    "wide_indicators": ("宽表（指标为行）", "wide table, indicators as rows"),
    "nbs": ("国家数据网站导出表", "National Bureau of Statistics portal export"),
    "yearbook": ("统计年鉴表", "statistical yearbook table"),
}
COLUMNS = [
    ("level", "级别", "Level", 80),
    ("sheet", "工作表", "Sheet", 100),
    ("row", "行", "Row", 70),
    ("column", "列", "Column", 70),
    ("value", "原值", "Value", 140),
    ("message", "问题", "Problem (Chinese)", 520),
]

# A check report holds at most one problem per cell of a file within the shape
# limits; far more than that in a browser store is not a report this page made.
MAX_REPORT_ROWS = 200_000


def report_csv(report: Any) -> tuple[str, str] | None:
    """The check report as the CSV users download (UTF-8 with BOM so Excel reads the
    Chinese) and its file name, or None when ``report`` is not a report's shape.

    The report comes back from the browser's store, so nothing in it is trusted:
    the file name is cleaned again, cells that a spreadsheet would run as a formula
    (a value ``=HYPERLINK(…)`` copied from the checked file) are neutralised."""
    if not isinstance(report, dict):
        return None
    problems = report.get("problems")
    if not isinstance(problems, list) or len(problems) > MAX_REPORT_ROWS:
        return None
    if not all(isinstance(p, dict) for p in problems):
        return None
    fields = [c for c, *_ in COLUMNS]
    rows = [
        {f: _plain(p.get(f)) for f in fields} | {"file": _plain(p.get("file"))} for p in problems
    ]
    frame = pd.DataFrame(rows, columns=fields + ["file"])
    frame = frame.rename(columns={c: zh for c, zh, _, _ in COLUMNS} | {"file": "文件"})
    name = safe_filename(str(report.get("file") or "文件"))
    return "\ufeff" + spreadsheet_safe(frame).to_csv(index=False), f"校验报告-{name}.csv"


def _plain(value: Any) -> Any:
    """A cell as text or number; anything nested from a crafted store becomes text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)[:1000]


def problems_grid(id_: str, lang: str) -> dag.AgGrid:
    """Every problem with its sheet, row and column, the message in Chinese; the message
    takes the rest of the row and wraps."""
    return grid(
        id_,
        COLUMNS,
        lang,
        height=420,
        wrap={"message"},
        column_extra={"message": {"flex": 1, "minWidth": COLUMNS[-1][3]}},
    )


def template_links(region: str | None, period: str | None, lang: str) -> Any:
    """Links to the template pre-filled for a region and period (Excel and CSV)."""
    if not region or not period:
        return html.Span(
            t(lang, "选择地区和期间后可下载模板", "Choose a region and a period for the template"),
            className="text-muted small",
        )
    query = urlencode({"region": region, "period": period})
    return [
        html.A(
            t(lang, "Excel 模板", "Excel template"),
            href=f"/api/v1/template?{query}&format=xlsx",
            className="me-3",
        ),
        html.A(t(lang, "CSV 模板", "CSV template"), href=f"/api/v1/template?{query}&format=csv"),
    ]


def summary(filename: str, report: dict[str, Any], lang: str = "zh") -> dbc.Alert:
    zh, en = LAYOUT_NAMES.get(report.get("layout") or "", ("无法识别", "not recognised"))
    layout_name = t(lang, zh, en)
    if report.get("empty"):
        reason = str(report.get("empty_reason") or "无可导入数据")
        text = t(
            lang,
            f"“{filename}”无可导入数据（{layout_name}）：{reason.removeprefix('无可导入数据：')}",
            f"“{filename}” has nothing to import ({layout_name}): no cell is an indicator, region "
            f"and period the monitor tracks. {reason}",
        )
        return dbc.Alert(text, color="danger", id="upload-result")
    if report["ok"]:
        text = t(
            lang,
            f"“{filename}”校验通过（{layout_name}）：有效数据 {report['rows']} 行，"
            f"提示 {report['warnings']} 条，空值跳过 {report['skipped_blank']} 个。",
            f"“{filename}” passed ({layout_name}): {report['rows']} valid rows, "
            f"{report['warnings']} warnings, {report['skipped_blank']} blank cells skipped.",
        )
        if progress := report.get("progress"):  # imported: when the verdicts follow
            text += t(lang, f"{progress['message_zh']}。", f" {progress['message_en']}.")
        return dbc.Alert(text, color="success", id="upload-result")
    text = t(
        lang,
        f"“{filename}”未通过校验（{layout_name}）：错误 {report['errors']} 条，"
        f"提示 {report['warnings']} 条。请按下表逐行修改后重新上传；整份文件在全部通过前不会导入。",
        f"“{filename}” did not pass ({layout_name}): {report['errors']} errors, "
        f"{report['warnings']} warnings. Correct the rows listed below and upload again; nothing "
        "is imported until the whole file passes.",
    )
    return dbc.Alert(text, color="danger", id="upload-result")
